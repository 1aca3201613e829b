// The cluster path against a real engine: fig3's jobs (tiny settings, 3 jobs, so a worker takes a second one) run through GNU parallel with two
// workers, each job its own ./repro process, then --merge; the result must be the serial run's, byte for byte
// (fig3.csv, claims.csv, and every part file apart from its job_seconds column, the job's wall time). Every job
// runs with --threads 1 in both, so no float sum depends on the thread count and equality is exact.
// Needs ./repro (make test builds it) and GNU parallel (make deps installs Debian's `parallel`). Where either is
// missing the test says so and passes, except under CI (the environment variable CI set, as .ci/run does), where
// a missing engine is a failure: there the cluster path must be tested.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../report/csv.h"

static const std::string FIG3 =
    "./repro fig3 --n 8 --M 200 --g-list 0.5,1,2 --ensembles 1 --M-plus 500 --iterations 1000 --probe 100 --batch 16 "
    "--sampler ddim --steps 10 --eps-count 5 --threads 1 --quiet --store none";
static const std::string NO_SUMMARY = " > /dev/null";  // the figure prints its summary on stdout

static bool have_tools(std::string* missing) {
    if (std::system("test -x ./repro") != 0) *missing = "./repro is not built (make test builds it)";
    else if (std::system("parallel --version 2>/dev/null | grep -q 'GNU parallel'") != 0)
        *missing = "GNU parallel is not installed (make deps installs Debian's 'parallel')";
    return missing->empty();
}

// A part file without its job_seconds column (the one cell that differs between two runs of the same job).
static CsvTable part_without_seconds(const std::string& path) {
    CsvTable part = csv_read(path);
    int seconds = csv_column(part, "job_seconds");
    part.header.erase(part.header.begin() + seconds);
    for (std::vector<std::string>& row : part.rows) row.erase(row.begin() + seconds);
    return part;
}

TEST_CASE("cluster path: fig3's jobs through GNU parallel -j 2, then --merge, equal the serial run", "[figures][cluster]") {
    std::string missing;
    if (!have_tools(&missing)) {
        const char* ci = std::getenv("CI");
        if (ci && *ci) FAIL("under CI the cluster path must be tested, but " << missing);
        WARN("skipped the GNU parallel test: " << missing);
        SUCCEED("skipped");  // an assertion, so a run of this test alone still reads "All tests passed"
        return;
    }
    std::string serial = "build/test_tmp/parallel_serial", cluster = "build/test_tmp/parallel_cluster";
    REQUIRE(std::system(("rm -rf " + serial + " " + cluster).c_str()) == 0);
    REQUIRE(std::system((FIG3 + " --out " + serial + NO_SUMMARY).c_str()) == 0);
    std::string jobs = FIG3 + " --out " + cluster;
    REQUIRE(std::system((jobs + " --list-jobs | cut -f1 | parallel --will-cite -j 2 --halt now,fail=1 '" + jobs +
                         " --job {}'").c_str()) == 0);
    REQUIRE(std::system((jobs + " --merge" + NO_SUMMARY).c_str()) == 0);
    CHECK(read_file(cluster + "/fig3.csv") == read_file(serial + "/fig3.csv"));
    CHECK(read_file(cluster + "/claims.csv") == read_file(serial + "/claims.csv"));
    CHECK(read_file(cluster + "/parts/design.csv") == read_file(serial + "/parts/design.csv"));
    for (int job = 0; job < 3; job++) {
        CsvTable a = part_without_seconds(serial + "/parts/job_" + std::to_string(job) + ".csv");
        CsvTable b = part_without_seconds(cluster + "/parts/job_" + std::to_string(job) + ".csv");
        CHECK(a.header == b.header);
        CHECK(a.rows == b.rows);
    }
    CHECK_FALSE(path_exists(cluster + "/parts/job_3.csv"));
}
