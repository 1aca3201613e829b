// Choosing the BLAS kernels at start-up (issue 25). OpenBLAS reads OPENBLAS_CORETYPE once, when it is loaded, so the
// only way to change its kernels is to start the process again with the variable set: repro re-executes itself
// (/proc/self/exe, the same arguments) with OPENBLAS_CORETYPE = the chosen core and REPRO_BLAS_CHOICE saying why
// (the second start sees it and goes on). A candidate is trusted only after `repro --blas-self-test` passed under it in
// a child process: a kernel that crashes (an instruction this CPU lacks) or computes wrong kills or fails only the
// child. The cost is one extra start (tens of milliseconds) on the machines where OpenBLAS fell back, nothing elsewhere.
#include "blas_startup.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../nn/blas_core.h"

static int blas_self_test_command() {
    const char* expect = std::getenv("REPRO_BLAS_EXPECT");
    if (expect && blas_core_name() != expect) return 3;  // OpenBLAS ignored the requested core
    if (std::getenv("REPRO_TEST_BLAS_FAIL")) return 4;   // tests: a candidate that fails its self-test
    return blas_self_test() ? 0 : 1;
}

// Runs `repro --blas-self-test` with OPENBLAS_CORETYPE = core; true when it exits 0 within 20 s.
static bool core_passes_in_child(const std::string& core) {
    pid_t child = fork();
    if (child < 0) return false;
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
        setenv("REPRO_BLAS_EXPECT", core.c_str(), 1);
        alarm(20);  // a kernel that hangs counts as failed (the alarm survives exec)
        execl("/proc/self/exe", "self-test", "--blas-self-test", (char*)nullptr);
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int blas_startup(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--blas-self-test") return blas_self_test_command();
    if (std::getenv("REPRO_BLAS_CHOICE") || std::getenv("OPENBLAS_CORETYPE")) return -1;  // chosen already, or the user's
    // Under an address-space limit the self-test's first GEMM could make OpenBLAS spin (data/address_space.h); the
    // command's own check then says what to change, and the kernels stay OpenBLAS's choice.
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) return -1;
    // REPRO_TEST_BLAS_PRETEND_CORE (tests only) makes repro act as if OpenBLAS had loaded that core.
    const char* pretend = std::getenv("REPRO_TEST_BLAS_PRETEND_CORE");
    std::string current = pretend && *pretend ? pretend : blas_core_name();
    bool works = blas_self_test();
    std::string rejected;
    for (const std::string& core : blas_better_cores(current, cpu_features(), works)) {
        if (!core_passes_in_child(core)) {
            rejected += (rejected.empty() ? "" : ", ") + core;
            continue;
        }
        std::string why = "chosen by repro: OpenBLAS picked " + current +
                          (works ? ", slower kernels than this CPU supports" : ", whose kernels failed repro's GEMM self-test");
        setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
        setenv("REPRO_BLAS_CHOICE", why.c_str(), 1);
        execv("/proc/self/exe", argv);
        unsetenv("OPENBLAS_CORETYPE");  // exec failed: go on with the core we have
        unsetenv("REPRO_BLAS_CHOICE");
        break;
    }
    if (!rejected.empty()) {
        std::string why = "OpenBLAS's own choice; " + rejected + " failed repro's GEMM self-test";
        setenv("REPRO_BLAS_CHOICE", why.c_str(), 1);
    }
    if (!works)
        std::fprintf(stderr, "repro: warning: the BLAS kernels in use (%s) fail repro's GEMM self-test and no other core "
                     "passed it; results may be wrong. Set OPENBLAS_CORETYPE (e.g. Haswell) and check `repro --version`.\n",
                     current.c_str());
    return -1;
}
