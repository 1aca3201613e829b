// The erasure machine in σ-space (see erasure.h).
//
// Float or double? The two GEMMs per block take ~70% of the time and sgemm is twice as fast as dgemm. Inputs are
// exact ±1, each block sums ≤ 1024 rows in float, everything across blocks and every parameter is double.
// Measured against the same code in double throughout (SK, g = 1, Metropolis data): n = 40, M = 4000: largest
// parameter difference 1.3e-8, ⟨E⟩ differences ≤ 5e-6, the same ε and the same MSE to 7 digits; n = 40,
// M = 100,000: 5.3e-9, ≤ 1.3e-5, same ε, same MSE to 7 digits. Float costs nothing in accuracy here.
//
// Cost: per ε and update, 4·M·n² flops (σ·W and σᵀ·diag(p)·σ) plus an exp per distinct row; the 81-value grid
// at 100 updates is 8100 passes over the data.
#include "erasure.h"

#include <algorithm>
#include <atomic>
#include <cblas.h>
#include <cmath>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

#include "../data/rng.h"
#include "../data/workers.h"
#include "energy.h"


// The samples as the iterations see them: each distinct row once, with its multiplicity, in the order of first
// appearance. Every sum over μ in Eqs. (12)–(18) becomes a sum over distinct rows weighted by multiplicity.
// Per-row weights (samples.weight: counts of histogram data) add up the same way: a row of weight c is c repeats.
struct DistinctRows {
    int count = 0;                     // distinct rows
    int n = 0;
    double total = 0;                  // M, repeats included (with weights: their sum)
    const Samples* samples = nullptr;  // used directly when no row repeats
    std::vector<float> own_spins;      // count × n, when some rows repeat
    std::vector<double> multiplicity;  // count
    std::vector<double> log_multiplicity;
    const float* spins() const { return own_spins.empty() ? samples->spins.data() : own_spins.data(); }
};

static DistinctRows distinct_rows(const Samples& samples) {
    int n = samples.n, words = (n + 63) / 64;
    long M = samples.count;
    // Each row as a bit string (bit i set when σ_i = +1); sorting the rows by it puts repeats side by side.
    std::vector<uint64_t> key((size_t)M * words, 0);
    for (long row = 0; row < M; row++)
        for (int i = 0; i < n; i++)
            if (samples.spins[(size_t)row * n + i] > 0) key[(size_t)row * words + i / 64] |= 1ull << (i % 64);
    std::vector<int> order(M);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        for (int w = 0; w < words; w++) {
            uint64_t ka = key[(size_t)a * words + w], kb = key[(size_t)b * words + w];
            if (ka != kb) return ka < kb;
        }
        return a < b;  // equal rows: earliest first, so each group starts with its first appearance
    });
    // (first row, multiplicity): the number of repeats, or with per-row weights (histogram counts) their sum.
    // Rows of weight 0 are left out (their log weight would be -inf).
    bool weighted = !samples.weight.empty();
    std::vector<std::pair<int, double>> groups;
    for (long start = 0; start < M;) {
        long end = start + 1;
        while (end < M && std::equal(&key[(size_t)order[start] * words], &key[(size_t)order[start] * words] + words,
                                     &key[(size_t)order[end] * words]))
            end++;
        double multiplicity = (double)(end - start);
        if (weighted) {
            multiplicity = 0.0;
            for (long k = start; k < end; k++) multiplicity += samples.weight[(size_t)order[k]];
        }
        if (multiplicity > 0.0) groups.push_back({order[start], multiplicity});
        start = end;
    }
    std::sort(groups.begin(), groups.end());
    DistinctRows data;
    data.count = (int)groups.size();
    data.n = n;
    data.samples = &samples;
    data.multiplicity.resize(groups.size());
    data.log_multiplicity.resize(groups.size());
    if ((long)groups.size() < M) data.own_spins.resize(groups.size() * (size_t)n);
    for (size_t g = 0; g < groups.size(); g++) {
        data.multiplicity[g] = groups[g].second;
        data.log_multiplicity[g] = std::log(groups[g].second);
        data.total += groups[g].second;
        if (!data.own_spins.empty())
            std::copy_n(&samples.spins[(size_t)groups[g].first * n], n, &data.own_spins[g * n]);
    }
    return data;
}

// Buffers of one ε run, allocated once per thread (fresh memory is slow to touch on the target machines).
struct Workspace {
    std::vector<float> bias, coupling;                                // θ in float, for the GEMMs
    std::vector<float> fields, energy, weight, weighted;              // one block of rows
    std::vector<float> block_mean, block_correlation;                 // its moments
    std::vector<double> mean, correlation;                            // Σ w σ_i and Σ w σ_iσ_j, accumulated
    explicit Workspace(int n)
        : bias(n), coupling((size_t)n * n), fields((size_t)ENERGY_BLOCK_ROWS * n), energy(ENERGY_BLOCK_ROWS),
          weight(ENERGY_BLOCK_ROWS), weighted((size_t)ENERGY_BLOCK_ROWS * n), block_mean(n),
          block_correlation((size_t)n * n), mean(n), correlation((size_t)n * n) {}
};

static void scale_row(float* __restrict out, const float* __restrict in, float scale, int n) {
    for (int i = 0; i < n; i++) out[i] = scale * in[i];
}

// One pass over the data at the parameters in ws->bias, ws->coupling. Returns ⟨E(σ̂)⟩ over the M samples. If
// `moments`, also leaves the reweighted averages of Eqs. (14)–(15) in ws->mean and ws->correlation:
// Σ_μ p_μ σ̂_μ and Σ_μ p_μ σ̂_μσ̂_μᵀ with p_μ = exp((1-ε)E_μ) / Σ_ν exp((1-ε)E_ν), Eq. (12).
// The normaliser is a streaming log-sum-exp: weights are exp(log w - running max), and whenever a block raises
// the running max, what was accumulated so far is rescaled, so no weight overflows and one pass suffices.
static double data_pass(const DistinctRows& data, double eps, bool moments, Workspace* ws) {
    int n = data.n;
    const float* all_spins = data.spins();
    double energy_sum = 0.0, weight_sum = 0.0, running_max = -INFINITY;
    std::fill(ws->mean.begin(), ws->mean.end(), 0.0);
    std::fill(ws->correlation.begin(), ws->correlation.end(), 0.0);
    for (int start = 0; start < data.count; start += ENERGY_BLOCK_ROWS) {
        int rows = std::min(ENERGY_BLOCK_ROWS, data.count - start);
        const float* spins = all_spins + (size_t)start * n;
        const double* multiplicity = &data.multiplicity[start];
        const double* log_multiplicity = &data.log_multiplicity[start];
        energy_block(ws->energy.data(), ws->fields.data(), spins, ws->bias.data(), ws->coupling.data(), rows, n);
        for (int r = 0; r < rows; r++) energy_sum += multiplicity[r] * ws->energy[r];
        if (!moments) continue;
        // log w_r = log c_r + (1-ε)E_r
        double block_max = -INFINITY;
        for (int r = 0; r < rows; r++) block_max = std::max(block_max, log_multiplicity[r] + (1.0 - eps) * ws->energy[r]);
        if (block_max > running_max) {
            double scale = std::exp(running_max - block_max);  // 0 on the first block
            weight_sum *= scale;
            for (double& value : ws->mean) value *= scale;
            for (double& value : ws->correlation) value *= scale;
            running_max = block_max;
        }
        float* weight = ws->weight.data();
        for (int r = 0; r < rows; r++) {
            double w = std::exp(log_multiplicity[r] + (1.0 - eps) * ws->energy[r] - running_max);
            weight_sum += w;
            weight[r] = (float)w;
        }
        for (int r = 0; r < rows; r++) scale_row(ws->weighted.data() + (size_t)r * n, spins + (size_t)r * n, weight[r], n);
        // block_mean[n] = spinsᵀ · weight (Σ_r w_r σ_r);  block_correlation[n × n] = spinsᵀ · weighted (Σ_r w_r σ_r σ_rᵀ)
        cblas_sgemv(CblasRowMajor, CblasTrans, rows, n, 1.0f, spins, n, weight, 1, 0.0f, ws->block_mean.data(), 1);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, rows, 1.0f, spins, n, ws->weighted.data(), n, 0.0f,
                    ws->block_correlation.data(), n);
        for (int i = 0; i < n; i++) ws->mean[i] += ws->block_mean[i];
        for (size_t k = 0; k < ws->correlation.size(); k++) ws->correlation[k] += ws->block_correlation[k];
    }
    if (moments) {
        for (double& value : ws->mean) value /= weight_sum;
        for (double& value : ws->correlation) value /= weight_sum;
    }
    return energy_sum / data.total;
}

// θ ~ U[-0.5, 0.5): the n biases, then w_ij for i < j in row-major order.
static IsingParams initial_params(int n, uint64_t seed) {
    Rng rng;
    rng_seed(&rng, seed, 0);
    IsingParams params;
    params.n = n;
    params.bias.resize(n);
    params.coupling.assign((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++) params.bias[i] = rng_uniform(&rng) - 0.5;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            params.coupling[(size_t)i * n + j] = params.coupling[(size_t)j * n + i] = rng_uniform(&rng) - 0.5;
    return params;
}

static ErasureFit fit_one(const DistinctRows& data, double eps, const ErasureOptions& options, Workspace* ws) {
    int n = data.n;
    double rate = options.learning_rate;
    IsingParams theta = initial_params(n, options.seed);
    ErasureFit best;
    for (int iteration = 0; iteration <= options.max_iter; iteration++) {
        std::copy(theta.bias.begin(), theta.bias.end(), ws->bias.begin());
        std::copy(theta.coupling.begin(), theta.coupling.end(), ws->coupling.begin());
        bool last = iteration == options.max_iter;
        double mean_energy = data_pass(data, eps, !last, ws);
        // The stopping rule: go on only while ⟨E(σ̂)⟩ does not increase (a NaN also stops); keep the previous θ.
        // "Does not increase" rather than "decreases": when ⟨E⟩ does not depend on θ at all (n = 1 with balanced
        // data: ⟨E⟩ = -b·0 = 0 for every b), a strict test stopped at once and returned the random start
        // (b = 0.229 for seed 1, where the MLE is 0); now the updates shrink b towards the answer (0.9^100·b).
        if (iteration > 0 && !(mean_energy <= best.mean_energy)) break;
        best.params = theta;
        best.mean_energy = mean_energy;
        best.iterations = iteration;
        if (last) break;
        // Eq. (18): θ ← θ + γ(⟨O⟩_{f_ε} - εθ)
        for (int i = 0; i < n; i++) theta.bias[i] += rate * (ws->mean[i] - eps * theta.bias[i]);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double& w = theta.coupling[(size_t)i * n + j];
                w += rate * (ws->correlation[(size_t)i * n + j] - eps * w);
                theta.coupling[(size_t)j * n + i] = w;
            }
    }
    return best;
}

static void check_inputs(const Samples& samples, const ErasureOptions& options) {
    if (samples.count < 1 || samples.n < 1) throw std::runtime_error("erasure machine: no samples");
    if (options.max_iter < 0) throw std::runtime_error("erasure machine: max_iter must be >= 0");
    if (!(options.learning_rate > 0.0)) throw std::runtime_error("erasure machine: learning rate must be > 0");
}

std::vector<double> erasure_eps_grid(const ErasureOptions& options) {
    double lo = options.eps_min, hi = options.eps_max;
    int count = options.eps_count;
    if (!(lo > 0.0 && lo <= hi && hi <= 1.0) || count < 1 || (count == 1 && lo != hi))
        throw std::runtime_error("erasure machine: the eps grid needs 0 < eps_min <= eps_max <= 1 and count >= 1 "
                                 "(one value only when eps_min = eps_max)");
    std::vector<double> grid(count);
    for (int k = 0; k < count; k++) grid[k] = count == 1 ? lo : lo + (hi - lo) * k / (count - 1);
    return grid;
}

ErasureFit erasure_fit(const Samples& samples, double eps, const ErasureOptions& options) {
    check_inputs(samples, options);
    DistinctRows data = distinct_rows(samples);
    Workspace ws(samples.n);
    return fit_one(data, eps, options, &ws);
}

// What the grid scan keeps: ⟨E⟩ and the updates of every ε run, but the parameters of the best one so far only
// (keeping every ε's n × n parameters took 1.6 GB at n = 2000 on the 81-value grid; docs/conventions.md: O(M·n + n²)).
struct GridScan {
    std::vector<double> mean_energy;  // per grid index
    std::vector<int> iterations;
    std::vector<char> done;
    int best = -1;                    // grid index of the largest ⟨E⟩ so far (ties: the smallest ε; NaN never wins)
    IsingParams best_params;
    std::mutex lock;
    int min_updates = 1;              // a run with fewer updates is not a fit (erasure_run_beats)
    explicit GridScan(int count) : mean_energy(count), iterations(count), done(count, 0) {}
};

bool erasure_run_beats(int k, double energy, int iterations, int best, double best_energy, int best_iterations,
                       int min_updates) {
    bool fitted = iterations >= min_updates, best_fitted = best_iterations >= min_updates;
    if (fitted != best_fitted) return fitted;
    double mine = std::isnan(energy) ? -INFINITY : energy, theirs = std::isnan(best_energy) ? -INFINITY : best_energy;
    return mine > theirs || (mine == theirs && k < best);
}

// Whether grid index k beats the best so far. The order of the comparisons does not depend on which thread
// finishes first, so the choice does not depend on the thread count.
static bool beats_best(const GridScan& scan, int k, double energy) {
    if (scan.best < 0) return true;
    return erasure_run_beats(k, energy, scan.iterations[k], scan.best, scan.mean_energy[scan.best],
                             scan.iterations[scan.best], scan.min_updates);
}

static void record_fit(GridScan* scan, int k, ErasureFit* fit) {
    std::lock_guard<std::mutex> guard(scan->lock);
    scan->mean_energy[k] = fit->mean_energy;
    scan->iterations[k] = fit->iterations;
    scan->done[k] = 1;
    if (beats_best(*scan, k, fit->mean_energy)) {
        scan->best = k;
        scan->best_params = std::move(fit->params);
    }
}

// Runs the fits for the grid indices in `which` (skipping those already done), in parallel: each thread takes
// the next ε from a shared counter and runs it with a single-threaded BLAS (these GEMMs are too small for BLAS
// threads to pay; whole runs in parallel do). Each run depends only on its ε and the seed, so the result does not
// depend on the thread count.
static void run_fits(const DistinctRows& data, const std::vector<double>& grid, const std::vector<int>& which,
                     const ErasureOptions& options, GridScan* scan) {
    std::vector<int> todo;
    for (int k : which)
        if (!scan->done[k]) todo.push_back(k);
    int threads = std::max(1, std::min(options.threads, (int)todo.size()));
    std::atomic<int> next(0);
    run_workers(threads, [&](int) {  // one-thread BLAS per worker (data/workers.h)
        Workspace ws(data.n);
        for (int j; (j = next++) < (int)todo.size();) {
            ErasureFit fit = fit_one(data, grid[todo[j]], options, &ws);
            record_fit(scan, todo[j], &fit);
            if (options.runs_done) options.runs_done->fetch_add(1);
        }
    });
}

int erasure_planned_runs(const ErasureOptions& options) {
    int count = options.eps_count, stride = std::max(1, options.eps_stride);
    if (stride == 1) return count;
    int coarse = (count - 1) / stride + 1 + ((count - 1) % stride != 0);
    return std::min(count, coarse + 2 * (stride - 1));  // the fine window's values between its coarse neighbours
}

ErasureResult erasure_machine(const Samples& samples, const ErasureOptions& options) {
    check_inputs(samples, options);
    if (options.eps_stride < 1) throw std::runtime_error("erasure machine: eps_stride must be >= 1");
    std::vector<double> grid = erasure_eps_grid(options);
    DistinctRows data = distinct_rows(samples);
    int count = (int)grid.size(), stride = options.eps_stride;
    GridScan scan(count);
    scan.min_updates = std::max(1, options.max_iter / 10);
    // Every stride-th grid value (both ends included) — with stride 1, the whole grid — ...
    std::vector<int> coarse;
    for (int k = 0; k < count; k += stride) coarse.push_back(k);
    if (coarse.back() != count - 1) coarse.push_back(count - 1);
    run_fits(data, grid, coarse, options, &scan);
    // ... then every value between the best one's coarse neighbours.
    int best = scan.best;
    std::vector<int> fine;
    for (int k = std::max(0, best - stride + 1); k <= std::min(count - 1, best + stride - 1); k++) fine.push_back(k);
    run_fits(data, grid, fine, options, &scan);
    int chosen = scan.best;

    ErasureResult result;
    for (int k = 0; k < count; k++) {
        if (!scan.done[k]) continue;
        result.eps_grid.push_back(grid[k]);
        result.mean_energy.push_back(scan.mean_energy[k]);
        result.iterations_used.push_back(scan.iterations[k]);
    }
    result.params = std::move(scan.best_params);
    result.chosen_eps = grid[chosen];
    result.chosen_mean_energy = scan.mean_energy[chosen];
    result.iterations = scan.iterations[chosen];
    return result;
}

size_t erasure_memory_bytes(long count, int n, int threads) {
    size_t rows = (size_t)count * (size_t)n, square = (size_t)n * (size_t)n;
    size_t distinct = rows * sizeof(float) + (size_t)count * (((size_t)n + 63) / 64 * 8 + 4 + 8 + 16 + 16);
    size_t per_thread = square * (2 * sizeof(double) + sizeof(float) * 2 + sizeof(double) * 2) +
                        (size_t)ENERGY_BLOCK_ROWS * n * 2 * sizeof(float);  // Workspace, θ and the kept fit
    return distinct + (size_t)std::max(1, threads) * per_thread + square * sizeof(double);
}

std::vector<std::string> inference_data_warnings(const Samples& samples, const std::vector<std::string>& names,
                                                 bool zero_one) {
    std::vector<std::string> warnings;
    int n = samples.n, constant = 0;
    std::string listed;  // the first five, 1-based as the columns count, e.g. "spin 1 (+1), spin 8 cellH (-1)"
    for (int i = 0; i < n; i++) {
        float first = samples.spins[i];
        long row = 1;
        while (row < samples.count && samples.spins[(size_t)row * n + i] == first) row++;
        if (row < samples.count) continue;
        if (++constant > 5) continue;
        std::string name = (int)names.size() == n ? " " + names[i] : "";
        std::string value = zero_one ? (first > 0 ? "1" : "0") : (first > 0 ? "+1" : "-1");
        listed += (listed.empty() ? "" : ", ") + ("spin " + std::to_string(i + 1)) + name + " (" + value + ")";
    }
    if (constant > 0)
        warnings.push_back(std::to_string(constant) + (constant == 1 ? " spin has" : " spins have") + " the same value in all " +
                           std::to_string(samples.count) + " samples: " + listed + (constant > 5 ? ", ..." : "") +
                           "; the maximum-likelihood bias of such a spin is infinite (its sign) and its couplings are "
                           "not determined, so the values written for it are set by the method's stopping rule, not "
                           "by the data");
    if (samples.count < n)
        warnings.push_back("M = " + std::to_string(samples.count) + " samples for n = " + std::to_string(n) +
                           " spins: fewer samples than spins, so the n(n-1)/2 couplings are far from determined by the "
                           "data; expect large errors");
    return warnings;
}
