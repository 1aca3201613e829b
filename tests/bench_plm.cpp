// `make bench` (second part): the pseudo-likelihood solver's speed (issue: PLM on 100,000 × 40 samples in ≤ 1 s
// and 300,000 × 60 in ≤ 5 s on the 2 cores; the independent numpy/scipy per-spin L-BFGS took 8.3 s on the first).
// SK data at g = 1 drawn by Metropolis (ising/metropolis.h), PLM with λ = 0 to the default tolerance 1e-6; wall and
// CPU time, Newton steps, and the peak RSS growth during the fit (the data themselves are M·n floats).
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "../data/rng.h"
#include "bench_clock.h"
#include "../cli/blas_startup.h"
#include "../nn/blas_core.h"
#include "../ising/metrics.h"
#include "../ising/metropolis.h"
#include "../ising/plm.h"
#include "../ising/plm_lean.h"
#include "../ising/sk.h"

// thin 0: the default thinning of ising/metropolis.h; the large-n cases take 10 sweeps (at n = 1000 the default 250
// would spend minutes drawing data whose only use here is the solver's speed).
static void bench_plm(int n, int M, int threads, int thin = 0, bool newton_cg = false, bool cv = false) {
    Rng rng;
    rng_seed(&rng, 1);
    IsingParams truth = draw_sk_params(n, 1.0, &rng);
    Samples samples = metropolis_sample(truth, M, thin ? 100 : metropolis_default_burn_in(truth),
                                        thin ? thin : metropolis_default_thin(truth), &rng, threads);
    double rss_before = peak_rss_mib();
    PlmOptions options;
    options.threads = threads;
    auto start = std::chrono::steady_clock::now();
    double cpu = cpu_seconds();
    double lambda = 0;
    std::vector<double> scores;
    PlmResult result = cv ? plm_fit_auto_lambda(samples, nullptr, 5, options, &lambda, &scores)
                          : newton_cg ? plm_fit_newton_cg(samples, options) : plm_fit(samples, options);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cpu = cpu_seconds() - cpu;
    if (cv) {
        std::printf("PLM, lambda by 5-fold CV: chose %g; held-out loss per grid value (- = not scanned):", lambda);
        for (double score : scores)  // NaN: not scanned (the path stops past the best, ising/plm.h)
            std::isnan(score) ? std::printf(" -") : std::printf(" %.6g", score);
        std::printf("\n");
    }
    std::printf("PLM%s %7d x %2d: %.2f s wall, %.2f s CPU on %d thread(s); %d Newton steps at most, max |gradient| %.2g "
                "(%s); MSE %.3g; data %.0f MiB, peak RSS growth during the fit %.0f MiB\n",
                cv ? " (lambda by CV)" : newton_cg ? " (Newton-CG)" : "", M, n, wall, cpu, threads, result.max_iterations, result.max_gradient,
                result.converged ? "converged" : "NOT converged", parameter_mse(result.params, truth),
                (double)M * n * sizeof(float) / (1 << 20), peak_rss_mib() - rss_before);
}

// `build/bench_plm N M [cg|cv]` runs that one case (thin 10), e.g. to time n = 1000 alone; `cg` forces Newton-CG,
// `cv` chooses λ by 5-fold cross-validation (plm_fit_auto_lambda).
int main(int argc, char** argv) {
    int blas_status = blas_startup(argc, argv);  // the BLAS kernels repro itself would run (cli/blas_startup.h)
    if (blas_status >= 0) return blas_status;
    int threads = (int)std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
    if (argc == 3 || argc == 4) {
        std::string mode = argc == 4 ? argv[3] : "";
        bench_plm(std::atoi(argv[1]), std::atoi(argv[2]), threads, 10, mode == "cg", mode == "cv");
        return 0;
    }
    bench_plm(40, 100000, threads);
    bench_plm(60, 300000, threads);
    // Recordings of hundreds to thousands of units (issue 30): M = 20,000; n = 1000 runs Newton-CG (plm_lean.h), the
    // path plm_fit takes where the Hessian moments would pass 8 GB (n beyond ~700 on 2 threads).
    for (int n : {200, 500, 1000}) bench_plm(n, 20000, threads, 10);
    // And with λ by 5-fold cross-validation (issue 30: n = 1000 within 60 s and 1 GB).
    for (int n : {200, 500, 1000}) bench_plm(n, 20000, threads, 10, false, true);
    return 0;
}
