// Pseudo-likelihood maximisation (see plm.h).
//
// All spins take their Newton steps together, so that every pass over the data is a pair of matrix products:
// with Θ the n × n matrix whose row i is spin i's parameters (Θ_ii = b_i, Θ_ij = w_ij), the local fields of a
// block of rows S are F = S Θᵀ with the self-coupling replaced by the bias, h_i = F_i − Θ_ii σ_i + Θ_ii, and the
// gradients of all spins are Rᵀ S (one dgemm each). Each spin still has its own Hessian, line search and
// convergence test: the spins do not interact, they only share the passes.
#include "plm.h"

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "../data/workers.h"
#include "linear_solve.h"
#include "plm_lean.h"

namespace {

constexpr int BLOCK_ROWS = 1024;          // rows per dgemm
constexpr long HESSIAN_ROWS = 32768;      // rows the Hessian is taken over at most (see hessian_stride)
constexpr double ARMIJO_C = 1e-4;         // sufficient decrease of the line search
constexpr int MAX_HALVINGS = 40;

// The Hessian only sets the speed of Newton's method, not where it converges (the gradient does), so it is taken
// over one row in `stride`: at most about HESSIAN_ROWS rows, a relative error of ~1/√32768 ≈ 0.6 % in each entry,
// which leaves the convergence fast ("subsampled Newton", Byrd, Chin, Neveitt & Nocedal 2011). Below 32,768 rows it
// is the exact Hessian.
long hessian_stride(long M) { return std::max(1L, (M + HESSIAN_ROWS - 1) / HESSIAN_ROWS); }

// Which rows the Hessian takes: those whose scrambled index (splitmix64's finaliser, a fixed bijection, no random
// draw) is a multiple of the stride. Not every stride-th row: data made of copies of a block whose length is a
// multiple of the stride (25 copies of 4000 rows, stride 4) would give the Hessian the same quarter of the block in
// every copy, a Hessian of 1000 distinct rows instead of 4000; measured, 20 Newton steps instead of 6 (issue 30).
bool hessian_takes_row(long row, long stride) {
    if (stride == 1) return true;
    uint64_t z = (uint64_t)row + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (z ^ (z >> 31)) % (uint64_t)stride == 0;
}

// Per-pass sums for every spin (one set per worker; added up after the pass).
struct PassSums {
    std::vector<double> loss;      // n: Σ_μ log(1 + exp(−2σ_i h_i))
    std::vector<double> gradient;  // n × n: row i = Σ_μ ∂/∂θ_i of the loss (before 1/M and the penalty)
    // Spin i's Hessian Σ_μ d_μi x_μ x_μᵀ (d = 4 s(1−s)) over the subsampled rows, for all spins at once: with
    // x_μj = σ_μj (j ≠ i) and x_μi = 1, its entries are Σ_μ d_μi σ_μj σ_μk away from row/column i, and
    // Σ_μ d_μi σ_μk on them. So pair_moments[i][(j,k)] = Σ_μ d_μi σ_μj σ_μk (j ≤ k, packed) and
    // single_moments[i][k] = Σ_μ d_μi σ_μk hold every spin's Hessian: one sgemm each per block of rows.
    std::vector<float> pair_moments;    // n × n(n+1)/2
    std::vector<float> single_moments;  // n × n
    double hessian_weight = 0;  // Σ of the subsampled rows' weights (their count when rows are unweighted)
};

int pair_count(int n) { return n * (n + 1) / 2; }
// Index of the pair (j, k), j ≤ k, in the packed upper triangle, row by row.
size_t pair_index(int j, int k, int n) { return (size_t)j * n - (size_t)j * (j - 1) / 2 + (k - j); }

// A row's weight: its count in histogram data (Samples::weight), else 1. Every sum over μ below is weighted, and the
// means divide by the total weight, so a row of weight c is the same as c copies of it.
double row_weight(const Samples& data, long mu) { return data.weight.empty() ? 1.0 : data.weight[mu]; }
double total_weight(const Samples& data) {
    if (data.weight.empty()) return (double)data.count;
    double total = 0;
    for (double w : data.weight) total += w;
    return total;
}

// Adds the subsampled rows' Hessian moments: pair_moments += Dᵀ P, single_moments += Dᵀ Σ, where Σ holds the
// picked rows' spins, P their pairwise products σ_jσ_k (j ≤ k) and D their weights d_μi.
void add_hessian_moments(const std::vector<double>& S, const std::vector<double>& D, const std::vector<int>& picked,
                         const std::vector<double>& row_weights, int n, PassSums* sums) {
    int pairs = pair_count(n);
    // The pairwise products take n(n+1)/2 floats per row: at most ~32 MB of them at a time (n = 1000: 16 rows).
    int chunk = (int)std::max<long>(1, std::min<long>((long)picked.size(), (8L << 20) / pairs));
    std::vector<float> spins((size_t)chunk * n), weights((size_t)chunk * n), products((size_t)chunk * pairs);
    for (size_t first = 0; first < picked.size(); first += chunk) {
        int rows = (int)std::min<size_t>(chunk, picked.size() - first);
        for (int p = 0; p < rows; p++) {
            int mu = picked[first + p];
            const double* sigma = &S[(size_t)mu * n];
            for (int j = 0; j < n; j++) {
                spins[(size_t)p * n + j] = (float)sigma[j];
                weights[(size_t)p * n + j] = (float)D[(size_t)mu * n + j];
                for (int k = j; k < n; k++) products[(size_t)p * pairs + pair_index(j, k, n)] = (float)(sigma[j] * sigma[k]);
            }
            sums->hessian_weight += row_weights[mu];
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, pairs, rows, 1.0f, weights.data(), n, products.data(),
                    pairs, 1.0f, sums->pair_moments.data(), pairs);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, rows, 1.0f, weights.data(), n, spins.data(), n, 1.0f,
                    sums->single_moments.data(), n);
    }
}

// One pass over rows [first, last) at parameters `theta` (n × n, row i = spin i). Always sums the losses; with
// `derivatives` also the gradients and the subsampled Hessian moments.
void pass_rows(const Samples& data, const std::vector<double>& theta, long first, long last, bool derivatives,
               PassSums* sums) {
    int n = data.n;
    long stride = hessian_stride(data.count);
    std::vector<double> S((size_t)BLOCK_ROWS * n), F((size_t)BLOCK_ROWS * n), R((size_t)BLOCK_ROWS * n),
        D((size_t)BLOCK_ROWS * n), RtS((size_t)n * n), weights(BLOCK_ROWS);
    for (long start = first; start < last; start += BLOCK_ROWS) {
        int rows = (int)std::min<long>(BLOCK_ROWS, last - start);
        const float* spins = data.spins.data() + (size_t)start * n;
        for (size_t k = 0; k < (size_t)rows * n; k++) S[k] = spins[k];
        for (int mu = 0; mu < rows; mu++) weights[mu] = row_weight(data, start + mu);
        // F = S Θᵀ: F[μ][i] = Σ_j Θ_ij σ_μj.
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, n, 1.0, S.data(), n, theta.data(), n, 0.0,
                    F.data(), n);
        for (int mu = 0; mu < rows; mu++)
            for (int i = 0; i < n; i++) {
                double sigma = S[(size_t)mu * n + i], bias = theta[(size_t)i * n + i];
                double h = F[(size_t)mu * n + i] - bias * sigma + bias;  // h_i = b_i + Σ_{j≠i} w_ij σ_j
                double z = 2.0 * sigma * h;
                // log(1 + e^{−z}) and s = 1/(1 + e^{z}) from one exponential, e = e^{−|z|}, without overflow.
                double e = std::exp(-std::fabs(z)), c = weights[mu];
                sums->loss[i] += c * (std::max(-z, 0.0) + std::log1p(e));
                double s = z > 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
                R[(size_t)mu * n + i] = c * -2.0 * sigma * s;     // ∂ loss / ∂h_i, times the row's weight
                D[(size_t)mu * n + i] = c * 4.0 * s * (1.0 - s);  // ∂² loss / ∂h_i², times the row's weight
            }
        if (!derivatives) continue;
        // Gradient: Σ_μ r_μi x_μ with x_μj = σ_μj (j ≠ i) and x_μi = 1, i.e. (Rᵀ S)_ij with the diagonal replaced.
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, rows, 1.0, R.data(), n, S.data(), n, 0.0,
                    RtS.data(), n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) sums->gradient[(size_t)i * n + j] += j == i ? 0.0 : RtS[(size_t)i * n + j];
        for (int mu = 0; mu < rows; mu++)
            for (int i = 0; i < n; i++) sums->gradient[(size_t)i * n + i] += R[(size_t)mu * n + i];
        std::vector<int> picked;
        for (int mu = 0; mu < rows; mu++)
            if (hessian_takes_row(start + mu, stride)) picked.push_back(mu);
        if (!picked.empty()) add_hessian_moments(S, D, picked, weights, n, sums);
    }
}

// One pass over all rows, split across `threads` workers by contiguous shards, summed afterwards.
PassSums pass(const Samples& data, const std::vector<double>& theta, bool derivatives, int threads) {
    int n = data.n;
    threads = std::max(1, std::min<int>(threads, (int)((data.count + BLOCK_ROWS - 1) / BLOCK_ROWS)));
    std::vector<PassSums> parts(threads);
    for (PassSums& part : parts) {
        part.loss.assign(n, 0.0);
        if (derivatives) {
            part.gradient.assign((size_t)n * n, 0.0);
            part.pair_moments.assign((size_t)n * pair_count(n), 0.0f);
            part.single_moments.assign((size_t)n * n, 0.0f);
        }
    }
    long per_worker = (data.count + threads - 1) / threads;
    per_worker = (per_worker + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
    run_workers(threads, [&](int worker) {
        long first = std::min<long>(data.count, worker * per_worker), last = std::min<long>(data.count, first + per_worker);
        pass_rows(data, theta, first, last, derivatives, &parts[worker]);
    });
    PassSums total = std::move(parts[0]);
    for (int t = 1; t < threads; t++) {
        for (int i = 0; i < n; i++) total.loss[i] += parts[t].loss[i];
        for (size_t k = 0; k < total.gradient.size(); k++) total.gradient[k] += parts[t].gradient[k];
        for (size_t k = 0; k < total.pair_moments.size(); k++) total.pair_moments[k] += parts[t].pair_moments[k];
        for (size_t k = 0; k < total.single_moments.size(); k++) total.single_moments[k] += parts[t].single_moments[k];
        total.hessian_weight += parts[t].hessian_weight;
    }
    return total;
}

// f_i = loss_i / M + λ Σ_{j≠i} θ_ij².
double penalised_objective(double loss_sum, double M, const double* theta_row, int spin, int n, double lambda) {
    double penalty = 0;
    for (int j = 0; j < n; j++)
        if (j != spin) penalty += theta_row[j] * theta_row[j];
    return loss_sum / M + lambda * penalty;
}

}  // namespace

// Spins whose value never changes in the rows of positive weight: +1 or −1 for those, 0 for the others.
std::vector<int> constant_spin_signs(const Samples& data) {
    int n = data.n;
    std::vector<int> sign(n, 2);  // 2: no row of positive weight seen yet
    for (long mu = 0; mu < data.count; mu++) {
        if (!(row_weight(data, mu) > 0)) continue;
        for (int i = 0; i < n; i++) {
            int value = data.spins[(size_t)mu * n + i] > 0 ? 1 : -1;
            sign[i] = sign[i] == 2 ? value : (sign[i] == value ? value : 0);
        }
    }
    for (int& s : sign)
        if (s == 2) s = 0;
    return sign;
}

namespace {

void check_samples(const Samples& data, const char* where) {
    if (data.count < 1 || data.n < 1 || data.spins.size() != (size_t)data.count * data.n)
        throw std::runtime_error(std::string(where) + ": no samples");
    if (!data.weight.empty() && (data.weight.size() != (size_t)data.count || !(total_weight(data) > 0)))
        throw std::runtime_error(std::string(where) + ": the row weights must be one per row, with a positive total");
}

}  // namespace

double plm_spin_objective(const Samples& samples, int spin, const std::vector<double>& theta, double lambda,
                          std::vector<double>* gradient) {
    check_samples(samples, "plm_spin_objective");
    int n = samples.n;
    if (spin < 0 || spin >= n || (int)theta.size() != n) throw std::invalid_argument("plm_spin_objective: bad spin or θ");
    std::vector<double> all((size_t)n * n, 0.0);
    std::copy(theta.begin(), theta.end(), all.begin() + (size_t)spin * n);
    PassSums sums = pass(samples, all, true, 1);
    if (gradient) {
        gradient->assign(n, 0.0);
        for (int j = 0; j < n; j++)
            (*gradient)[j] = sums.gradient[(size_t)spin * n + j] / total_weight(samples) +
                             (j == spin ? 0.0 : 2.0 * lambda * theta[j]);
    }
    return penalised_objective(sums.loss[spin], total_weight(samples), theta.data(), spin, n, lambda);
}

namespace {

// Newton's direction for spin i: solve (H_i + 2λ I_couplings) Δ = −g_i. H_i is the subsampled Hessian mean.
std::vector<double> newton_direction(const PassSums& sums, int spin, int n, const std::vector<double>& gradient,
                                     double lambda, const std::vector<int>& constant) {
    std::vector<double> H((size_t)n * n);
    const float* pairs = sums.pair_moments.data() + (size_t)spin * pair_count(n);
    const float* singles = sums.single_moments.data() + (size_t)spin * n;
    for (int j = 0; j < n; j++)
        for (int k = j; k < n; k++) {
            // x_i = 1 in place of σ_i: row/column i take Σ d σ_k; (i, i) is Σ d, the pair (i, i) since σ_i² = 1.
            double value = (j == spin && k != spin) ? singles[k] : (k == spin && j != spin) ? singles[j]
                                                                                             : pairs[pair_index(j, k, n)];
            H[(size_t)j * n + k] = H[(size_t)k * n + j] = value / sums.hessian_weight;
        }
    for (int j = 0; j < n; j++)
        if (j != spin) H[(size_t)j * n + j] += 2.0 * lambda;
    // A spin that never flips is a constant feature, the same as the bias: its coupling is not identifiable, so it is
    // held at 0 (its row and column of H replaced by the identity, its gradient component ignored).
    for (int j = 0; j < n; j++)
        if (j != spin && constant[j] != 0) {
            for (int k = 0; k < n; k++) H[(size_t)j * n + k] = H[(size_t)k * n + j] = 0.0;
            H[(size_t)j * n + j] = 1.0;
        }
    std::vector<double> direction(n);
    for (int j = 0; j < n; j++) direction[j] = (j != spin && constant[j] != 0) ? 0.0 : -gradient[j];
    solve_positive_definite(H, n, &direction);  // adds a small ridge if H is singular (collinear spins)
    return direction;
}

struct SpinProgress {
    double objective = 0;
    std::vector<double> gradient;
    double largest_gradient = 0;
    int iterations = 0;
    bool converged = false, stopped = false;
};

// Objectives and gradients of every spin that can move (not a constant one) at the pass's parameters.
void read_objectives(const PassSums& sums, const std::vector<double>& theta, double M, int n, double lambda,
                     const std::vector<int>& constant, std::vector<SpinProgress>* spins) {
    for (int i = 0; i < n; i++) {
        if (constant[i] != 0) continue;
        SpinProgress& spin = (*spins)[i];
        spin.objective = penalised_objective(sums.loss[i], M, theta.data() + (size_t)i * n, i, n, lambda);
        spin.gradient.assign(n, 0.0);
        spin.largest_gradient = 0;
        for (int j = 0; j < n; j++) {
            double g = sums.gradient[(size_t)i * n + j] / M + (j == i ? 0.0 : 2.0 * lambda * theta[(size_t)i * n + j]);
            if (j != i && constant[j] != 0) g = 0.0;  // held at 0 (see newton_direction)
            spin.gradient[j] = g;
            spin.largest_gradient = std::max(spin.largest_gradient, std::fabs(g));
        }
    }
}

// Copies spin i's sums (its loss, gradient row and Hessian moments) from one pass to another.
void copy_spin_sums(const PassSums& from, int i, int n, PassSums* to) {
    size_t pairs = pair_count(n);
    to->loss[i] = from.loss[i];
    std::copy_n(from.gradient.begin() + (size_t)i * n, n, to->gradient.begin() + (size_t)i * n);
    std::copy_n(from.pair_moments.begin() + i * pairs, pairs, to->pair_moments.begin() + i * pairs);
    std::copy_n(from.single_moments.begin() + (size_t)i * n, n, to->single_moments.begin() + (size_t)i * n);
}

// Backtracking line search along each stepping spin's Newton direction, all spins sharing each pass:
// t = 1, ½, ¼, … until f_i(θ + tΔ) ≤ f_i(θ) + c·t·g_iᵀΔ (Armijo). A spin whose predicted decrease is below the
// rounding of f takes the full step (it is in Newton's quadratic regime); one that finds no step stops.
// The trial passes also take the derivatives, so `*sums` ends up describing the accepted parameters and the next
// Newton step needs no pass of its own (usually t = 1 is accepted: one pass per Newton step).
void line_search(const Samples& data, const std::vector<std::vector<double>>& directions, double lambda, int threads,
                 std::vector<double>* theta, std::vector<SpinProgress>* spins, PassSums* sums_at_theta) {
    int n = data.n;
    std::vector<int> searching;
    for (int i = 0; i < n; i++)
        if (!directions[i].empty()) searching.push_back(i);
    double t = 1.0;
    for (int halving = 0; halving <= MAX_HALVINGS && !searching.empty(); halving++, t *= 0.5) {
        std::vector<double> trial = *theta;
        for (int i : searching)
            for (int j = 0; j < n; j++) trial[(size_t)i * n + j] += t * directions[i][j];
        PassSums sums = pass(data, trial, true, threads);
        std::vector<int> still;
        for (int i : searching) {
            SpinProgress& spin = (*spins)[i];
            double slope = 0;
            for (int j = 0; j < n; j++) slope += spin.gradient[j] * directions[i][j];
            double f = penalised_objective(sums.loss[i], total_weight(data), trial.data() + (size_t)i * n, i, n, lambda);
            bool rounding_regime = -slope < 1e-14 * std::max(1.0, std::fabs(spin.objective));
            if (f <= spin.objective + ARMIJO_C * t * slope || (halving == 0 && rounding_regime)) {
                std::copy(trial.begin() + (size_t)i * n, trial.begin() + (size_t)(i + 1) * n, theta->begin() + (size_t)i * n);
                copy_spin_sums(sums, i, n, sums_at_theta);
            } else if (halving == MAX_HALVINGS) {
                spin.stopped = true;
            } else {
                still.push_back(i);
            }
        }
        searching = still;
    }
}

}  // namespace

PlmResult plm_fit(const Samples& samples, const PlmOptions& options) {
    check_samples(samples, "pseudo-likelihood");
    if (!(options.lambda >= 0) || !(options.tolerance > 0) || options.max_iter < 0)
        throw std::invalid_argument("pseudo-likelihood: need lambda >= 0, tolerance > 0, max_iter >= 0");
    int n = samples.n;
    // Every spin's Hessian moments at once: n·n(n+1)/2 floats per worker (and two passes' worth during a line
    // search). Fine up to a few hundred spins (n = 300: 54 MB per worker); refuse with the figure beyond that.
    double hessian_bytes = 3.0 * std::max(1, options.threads) * 4.0 * n * (double)pair_count(n);
    // Beyond n = 64 (or where the moments would pass 8 GB), Newton-CG without the Hessian moments (plm_lean.h):
    // O(M·n + n²) memory and, from n ≈ 60 up, less time (plm.h has the measurements).
    if (n > PLM_NEWTON_CG_ABOVE_N || hessian_bytes > 8e9) return plm_fit_newton_cg(samples, options);
    double M = total_weight(samples);  // the number of rows when they are unweighted
    std::vector<int> constant = constant_spin_signs(samples);
    std::vector<double> theta = plm_start(options, n, constant, M);
    std::vector<SpinProgress> spins(n);
    PlmResult result;
    for (int i = 0; i < n; i++)
        if (constant[i] != 0) {
            spins[i].converged = true;
            result.constant_spins.push_back(i);
        }
    PassSums sums = pass(samples, theta, true, options.threads);
    for (int iteration = 0;; iteration++) {
        read_objectives(sums, theta, M, n, options.lambda, constant, &spins);
        std::vector<std::vector<double>> directions(n);
        bool any = false;
        for (int i = 0; i < n; i++) {
            if (constant[i] != 0) continue;
            SpinProgress& spin = spins[i];
            spin.converged = spin.largest_gradient < options.tolerance;
            if (spin.converged || spin.stopped || iteration >= options.max_iter) continue;
            directions[i] = newton_direction(sums, i, n, spin.gradient, options.lambda, constant);
            spin.iterations++;
            any = true;
        }
        if (!any) break;
        line_search(samples, directions, options.lambda, options.threads, &theta, &spins, &sums);
    }

    std::vector<PlmSpinOutcome> outcomes(n);
    for (int i = 0; i < n; i++)
        outcomes[i] = {spins[i].iterations, spins[i].largest_gradient, spins[i].objective, spins[i].converged};
    plm_finish(theta, n, constant, outcomes, &result);
    return result;
}

std::vector<double> plm_start_rows(const std::vector<double>* start, int n, const std::vector<int>& spins,
                                   const std::vector<int>& constant, double M) {
    const size_t K = spins.size();
    std::vector<double> theta(K * n, 0.0);
    if (start) {
        if (start->size() != theta.size())
            throw std::invalid_argument("pseudo-likelihood: the warm start is not one row of n per fitted spin");
        theta = *start;
    }
    for (size_t k = 0; k < K; k++)
        for (int j = 0; j < n; j++)
            if (constant[spins[k]] != 0 || (j != spins[k] && constant[j] != 0)) theta[k * n + j] = 0.0;
    // No finite optimum for a spin that never flips: one pseudo-observation shared between the signs,
    // p(flip) = ½/(M + 1).
    for (size_t k = 0; k < K; k++)
        if (constant[spins[k]] != 0) theta[k * n + spins[k]] = constant[spins[k]] * 0.5 * std::log(2.0 * M + 1.0);
    return theta;
}

std::vector<double> plm_start(const PlmOptions& options, int n, const std::vector<int>& constant, double M) {
    std::vector<int> every(n);
    for (int i = 0; i < n; i++) every[i] = i;
    return plm_start_rows(options.start, n, every, constant, M);
}

void plm_finish(const std::vector<double>& theta, int n, const std::vector<int>& constant,
                const std::vector<PlmSpinOutcome>& spins, PlmResult* result) {
    result->rows = theta;
    result->params.n = n;
    result->params.bias.resize(n);
    result->params.coupling.assign((size_t)n * n, 0.0);
    result->converged = true;
    for (int i = 0; i < n; i++) {
        result->params.bias[i] = theta[(size_t)i * n + i];
        for (int j = 0; j < n; j++)
            if (j != i) result->params.coupling[(size_t)i * n + j] = 0.5 * (theta[(size_t)i * n + j] + theta[(size_t)j * n + i]);
        result->max_iterations = std::max(result->max_iterations, spins[i].steps);
        if (constant[i] != 0) continue;
        result->max_gradient = std::max(result->max_gradient, spins[i].largest_gradient);
        if (spins[i].objective < 1e-4) result->separable_spins.push_back(i);
        if (!spins[i].converged) {
            result->converged = false;
            result->unconverged_spins.push_back(i);
        }
    }
}

double plm_mean_loss(const IsingParams& params, const Samples& samples) {
    check_samples(samples, "plm_mean_loss");
    int n = samples.n;
    if (params.n != n) throw std::invalid_argument("plm_mean_loss: the parameters and the samples differ in n");
    std::vector<double> theta = params.coupling;
    for (int i = 0; i < n; i++) theta[(size_t)i * n + i] = params.bias[i];
    PassSums sums = pass(samples, theta, false, 1);
    double total = 0;
    for (double loss : sums.loss) total += loss;
    return total / (total_weight(samples) * n);
}

std::vector<double> plm_lambda_grid() {
    // λ multiplies a sum of n − 1 squared couplings against a mean loss of order 1 per row: the useful range scales
    // like 1/M, so the grid spans 10⁻⁵ … 10⁻¹ in half decades, with 0 (the plain estimator) first.
    return {0.0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1};
}

namespace {

// Rows [first, last) of fold `fold` of `folds` (contiguous, in order) into *held, the others into *train.
void split_fold(const Samples& samples, int folds, int fold, Samples* train, Samples* held) {
    const int n = samples.n;
    long first = samples.count * fold / folds, last = samples.count * (fold + 1) / folds;
    train->n = held->n = n;
    held->count = (int)(last - first);
    train->count = samples.count - held->count;
    held->spins.assign(samples.spins.begin() + first * n, samples.spins.begin() + last * n);
    train->spins.assign(samples.spins.begin(), samples.spins.begin() + first * n);
    train->spins.insert(train->spins.end(), samples.spins.begin() + last * n, samples.spins.end());
    if (samples.weight.empty()) return;
    held->weight.assign(samples.weight.begin() + first, samples.weight.begin() + last);
    train->weight.assign(samples.weight.begin(), samples.weight.begin() + first);
    train->weight.insert(train->weight.end(), samples.weight.begin() + last, samples.weight.end());
}

// The spins whose held-out loss scores λ on the path: PLM_CV_SPINS of them spread evenly over 0..n−1.
std::vector<int> scored_spins(int n) {
    std::vector<int> spins;
    for (long k = 0; k < PLM_CV_SPINS; k++) spins.push_back((int)(k * n / PLM_CV_SPINS));
    return spins;
}

// Beyond n = PLM_NEWTON_CG_ABOVE_N: the grid as a warm-started path from the largest λ down (plm.h), over the
// folds or, with `validation`, the one pair (samples, validation). A fold's rows are copied when it is fitted, so
// only one fold's copy exists at a time.
PlmResult auto_lambda_path(const Samples& samples, const Samples* validation, int folds, const PlmOptions& options,
                           double* chosen, std::vector<double>* scores) {
    const std::vector<double> grid = plm_lambda_grid();
    const int n = samples.n, pairs = validation ? 1 : folds;
    const std::vector<int> scored = scored_spins(n);
    // One set of feature moments for every fit of the path (they build Newton-CG's preconditioner): the whole data's
    // are close to each fold's.
    const std::vector<double> moments = plm_feature_moments(samples);
    PlmOptions shared = options;
    shared.feature_moments = &moments;
    scores->assign(grid.size(), std::nan(""));
    std::vector<std::vector<double>> rows(pairs), best_rows;
    size_t best = grid.size();
    int worse = 0;
    for (size_t g = grid.size(); g-- > 0 && worse < PLM_PATH_PATIENCE;) {
        double score = 0;
        for (int p = 0; p < pairs; p++) {
            Samples train, held;
            if (!validation) split_fold(samples, folds, p, &train, &held);
            PlmOptions step = shared;
            step.lambda = grid[g];
            step.tolerance = std::max(options.tolerance, PLM_PATH_TOLERANCE);
            step.start = rows[p].empty() ? nullptr : &rows[p];
            std::vector<PlmSpinOutcome> outcomes;
            rows[p] = plm_fit_rows(validation ? samples : train, step, scored, &outcomes);
            score += plm_rows_mean_loss(validation ? *validation : held, rows[p], scored) / pairs;
        }
        (*scores)[g] = score;
        if (best == grid.size() || score < (*scores)[best]) {
            best = g;
            best_rows = rows;
            worse = 0;
        } else {
            worse++;
        }
    }
    *chosen = grid[best];
    // The final fit starts from the folds' mean rows at the chosen λ (the scored spins' rows; the others from 0).
    std::vector<double> start((size_t)n * n, 0.0);
    for (const std::vector<double>& r : best_rows)
        for (size_t k = 0; k < r.size(); k++) start[(size_t)scored[k / n] * n + k % n] += r[k] / best_rows.size();
    PlmOptions final_options = shared;
    final_options.lambda = grid[best];
    final_options.start = &start;
    return plm_fit(samples, final_options);
}

}  // namespace

PlmResult plm_fit_auto_lambda(const Samples& samples, const Samples* validation, int folds, const PlmOptions& options,
                              double* chosen, std::vector<double>* scores) {
    check_samples(samples, "pseudo-likelihood");
    std::vector<double> grid = plm_lambda_grid();
    if (!validation && (folds < 2 || folds > samples.count))
        throw std::invalid_argument("pseudo-likelihood: cross-validation needs 2 <= folds <= M");
    int n = samples.n;
    if (n > PLM_NEWTON_CG_ABOVE_N) return auto_lambda_path(samples, validation, folds, options, chosen, scores);
    scores->assign(grid.size(), 0.0);
    for (size_t g = 0; g < grid.size(); g++) {
        PlmOptions trial = options;
        trial.lambda = grid[g];
        if (validation) {
            (*scores)[g] = plm_mean_loss(plm_fit(samples, trial).params, *validation);
            continue;
        }
        for (int fold = 0; fold < folds; fold++) {
            Samples train, held;
            split_fold(samples, folds, fold, &train, &held);
            (*scores)[g] += plm_mean_loss(plm_fit(train, trial).params, held) / folds;
        }
    }
    size_t best = std::min_element(scores->begin(), scores->end()) - scores->begin();
    *chosen = grid[best];
    PlmOptions final_options = options;
    final_options.lambda = grid[best];
    return plm_fit(samples, final_options);
}
