// `make bench` (second part): the pseudo-likelihood solver's speed (issue: PLM on 100,000 × 40 samples in ≤ 1 s
// and 300,000 × 60 in ≤ 5 s on the 2 cores; the independent numpy/scipy per-spin L-BFGS took 8.3 s on the first).
// SK data at g = 1 drawn by Metropolis (ising/metropolis.h), PLM with λ = 0 to the default tolerance 1e-6; wall and
// CPU time, Newton steps, and the peak RSS growth during the fit (the data themselves are M·n floats).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "../data/rng.h"
#include "bench_clock.h"
#include "../cli/blas_startup.h"
#include "../nn/blas_core.h"
#include "../ising/metrics.h"
#include "../ising/metropolis.h"
#include "../ising/plm.h"
#include "../ising/sk.h"

static void bench_plm(int n, int M, int threads) {
    Rng rng;
    rng_seed(&rng, 1);
    IsingParams truth = draw_sk_params(n, 1.0, &rng);
    Samples samples = metropolis_sample(truth, M, metropolis_default_burn_in(truth), metropolis_default_thin(truth), &rng,
                                        threads);
    double rss_before = peak_rss_mib();
    PlmOptions options;
    options.threads = threads;
    auto start = std::chrono::steady_clock::now();
    double cpu = cpu_seconds();
    PlmResult result = plm_fit(samples, options);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cpu = cpu_seconds() - cpu;
    std::printf("PLM %7d x %2d: %.2f s wall, %.2f s CPU on %d thread(s); %d Newton steps at most, max |gradient| %.2g "
                "(%s); MSE %.3g; data %.0f MiB, peak RSS growth during the fit %.0f MiB\n",
                M, n, wall, cpu, threads, result.max_iterations, result.max_gradient,
                result.converged ? "converged" : "NOT converged", parameter_mse(result.params, truth),
                (double)M * n * sizeof(float) / (1 << 20), peak_rss_mib() - rss_before);
}

int main(int argc, char** argv) {
    int blas_status = blas_startup(argc, argv);  // the BLAS kernels repro itself would run (cli/blas_startup.h)
    if (blas_status >= 0) return blas_status;
    int threads = (int)std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
    bench_plm(40, 100000, threads);
    bench_plm(60, 300000, threads);
    return 0;
}
