// The BLAS core choice (issue 25): which better cores a CPU's features allow, the GEMM self-test, and the start-up
// re-execution, driven through ./repro with the test-only REPRO_TEST_BLAS_* variables (OPENBLAS_CORETYPE itself is
// never set by the tests: the product sets it for its own children).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../nn/blas_core.h"

using Cores = std::vector<std::string>;

TEST_CASE("blas: better cores follow the CPU's features and never replace a good choice", "[blas]") {
    CpuFeatures avx512, avx2, old;
    avx512.avx2_fma = avx512.avx512 = true;
    avx2.avx2_fma = true;
    CHECK(blas_better_cores("Prescott", avx512, true) == Cores{"SkylakeX", "Haswell"});  // the Xeon of issue 25
    CHECK(blas_better_cores("Sandybridge", avx512, true) == Cores{"SkylakeX", "Haswell"});
    CHECK(blas_better_cores("Prescott", avx2, true) == Cores{"Haswell"});
    CHECK(blas_better_cores("Prescott", old, true).empty());  // nothing better can run
    CHECK(blas_better_cores("Haswell", avx512, true) == Cores{"SkylakeX"});
    CHECK(blas_better_cores("Zen", avx2, true).empty());       // this Zen 3: OpenBLAS chose well
    CHECK(blas_better_cores("SkylakeX", avx512, true).empty());
    CHECK(blas_better_cores("Cooperlake", avx512, true).empty());
    // A core that fails the self-test is replaced by any other the CPU supports, even one ranked the same.
    CHECK(blas_better_cores("Zen", avx2, false) == Cores{"Haswell"});
    CHECK(blas_better_cores("SkylakeX", avx512, false) == Cores{"Haswell"});
}

TEST_CASE("blas: the GEMM self-test passes on the kernels in use", "[blas]") {
    CHECK(blas_self_test());
    CHECK_FALSE(blas_core_name().empty());
    CHECK_THAT(blas_description(), Catch::Contains("core " + blas_core_name()));
}

static std::string repro_version_output(const std::string& environment) {
    char pattern[] = "/tmp/repro_test_blas_XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    std::string dir = pattern, out = dir + "/version.txt";
    int status = std::system(("env -u OPENBLAS_CORETYPE " + environment + " ./repro --version > " + out + " 2>&1").c_str());
    std::string text = path_exists(out) ? read_file(out) : "";
    std::system(("rm -rf '" + dir + "'").c_str());
    CHECK(status == 0);
    return text;
}

TEST_CASE("blas: repro re-executes itself with a better core that passes its self-test, else keeps its own", "[blas]") {
    if (std::system("test -x ./repro") != 0) {
        WARN("./repro is not built (make test builds it): start-up choice not tested");
        return;
    }
    CpuFeatures cpu = cpu_features();
    if (!cpu.avx2_fma) {
        WARN("this CPU has no AVX2/FMA: no better core to choose");
        return;
    }
    // As if OpenBLAS had fallen back to Prescott on this CPU: a better core is tested in a child and chosen.
    std::string chosen = repro_version_output("REPRO_TEST_BLAS_PRETEND_CORE=Prescott");
    CHECK_THAT(chosen, Catch::Contains("chosen by repro: OpenBLAS picked Prescott"));
    CHECK_THAT(chosen, Catch::Contains(cpu.avx512 ? "core SkylakeX" : "core Haswell"));
    // Every candidate fails its self-test: repro keeps the core it has and says why.
    std::string kept = repro_version_output("REPRO_TEST_BLAS_PRETEND_CORE=Prescott REPRO_TEST_BLAS_FAIL=1");
    CHECK_THAT(kept, Catch::Contains("core " + blas_core_name() + " (OpenBLAS's own choice; "));
    CHECK_THAT(kept, Catch::Contains("failed repro's GEMM self-test"));
    // On this machine's own choice nothing happens when it is already good.
    if (blas_better_cores(blas_core_name(), cpu, true).empty())
        CHECK_THAT(repro_version_output(""), Catch::Contains("(OpenBLAS's own choice)"));
}
