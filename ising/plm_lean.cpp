// Newton-CG pseudo-likelihood (see plm_lean.h). Θ is the n × n matrix whose row i is spin i's parameters
// (Θ_ii = b_i, Θ_ij = w_ij), as in plm.cpp; x_μ(i) is row μ's spins with σ_μi replaced by 1 (the bias feature).
#include "plm_lean.h"

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <stdexcept>
#include <string>

#include "../data/workers.h"
#include "linear_solve.h"

namespace {

constexpr int BLOCK = 1024;
constexpr double ARMIJO = 1e-4;
constexpr int HALVINGS = 40;
constexpr int MAX_CG = 100;

struct Data {
    const Samples* samples;
    int n;
    double total = 0;              // Σ of the row weights
    std::vector<int> constant;     // ±1 for a spin that never flips, else 0
};

double weight_of(const Samples& s, long mu) { return s.weight.empty() ? 1.0 : s.weight[mu]; }

// Loss per spin and, with `gradient`, its gradient rows (Σ over rows, before 1/total) and the curvature weights
// d_μi (times the row weight) into *curvature (M × n floats). Rows are split over workers in contiguous shards.
void lean_pass(const Data& d, const std::vector<double>& theta, int threads, std::vector<double>* loss,
               std::vector<double>* gradient, std::vector<float>* curvature) {
    const Samples& data = *d.samples;
    const int n = d.n;
    threads = std::max(1, std::min<int>(threads, (int)((data.count + BLOCK - 1) / BLOCK)));
    std::vector<std::vector<double>> losses(threads, std::vector<double>(n, 0.0)), gradients(threads);
    long per = (data.count + threads - 1) / threads;
    run_workers(threads, [&](int w) {
        long first = std::min<long>(data.count, w * per), last = std::min<long>(data.count, first + per);
        std::vector<double> S((size_t)BLOCK * n), F((size_t)BLOCK * n), R((size_t)BLOCK * n);
        if (gradient) gradients[w].assign((size_t)n * n, 0.0);
        for (long start = first; start < last; start += BLOCK) {
            int rows = (int)std::min<long>(BLOCK, last - start);
            const float* spins = data.spins.data() + (size_t)start * n;
            for (size_t k = 0; k < (size_t)rows * n; k++) S[k] = spins[k];
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, n, 1.0, S.data(), n, theta.data(), n, 0.0,
                        F.data(), n);
            for (int mu = 0; mu < rows; mu++) {
                double c = weight_of(data, start + mu);
                for (int i = 0; i < n; i++) {
                    double sigma = S[(size_t)mu * n + i], bias = theta[(size_t)i * n + i];
                    double z = 2.0 * sigma * (F[(size_t)mu * n + i] - bias * sigma + bias);
                    double e = std::exp(-std::fabs(z));
                    losses[w][i] += c * (std::max(-z, 0.0) + std::log1p(e));
                    double s = z > 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
                    R[(size_t)mu * n + i] = c * -2.0 * sigma * s;
                    if (curvature) (*curvature)[(size_t)(start + mu) * n + i] = (float)(c * 4.0 * s * (1.0 - s));
                }
            }
            if (!gradient) continue;
            // Σ_μ r_μi x_μ(i): (Rᵀ S)_ij off the diagonal, Σ_μ r_μi on it.
            std::vector<double>& g = gradients[w];
            std::vector<double> diagonal(n, 0.0);
            for (int i = 0; i < n; i++) diagonal[i] = g[(size_t)i * n + i];
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, rows, 1.0, R.data(), n, S.data(), n, 1.0,
                        g.data(), n);
            for (int i = 0; i < n; i++) {
                double sum = diagonal[i];
                for (int mu = 0; mu < rows; mu++) sum += R[(size_t)mu * n + i];
                g[(size_t)i * n + i] = sum;
            }
        }
    });
    loss->assign(n, 0.0);
    for (int w = 0; w < threads; w++)
        for (int i = 0; i < n; i++) (*loss)[i] += losses[w][i];
    if (!gradient) return;
    gradient->assign((size_t)n * n, 0.0);
    for (int w = 0; w < threads; w++)
        for (size_t k = 0; k < gradient->size(); k++) (*gradient)[k] += gradients[w][k];
}

// HV_i = (1/total) Σ_μ d_μi x_μ(i) (x_μ(i)·V_i) for every spin at once (rows of V and HV), in float products:
// the Hessian only steers the step, the gradient (double) decides where the iteration stops.
void hessian_times(const Data& d, const std::vector<float>& curvature, const std::vector<double>& V, int threads,
                   std::vector<double>* HV) {
    const Samples& data = *d.samples;
    const int n = d.n;
    std::vector<float> Vf(V.begin(), V.end());
    threads = std::max(1, std::min<int>(threads, (int)((data.count + BLOCK - 1) / BLOCK)));
    std::vector<std::vector<float>> parts(threads);
    long per = (data.count + threads - 1) / threads;
    run_workers(threads, [&](int w) {
        long first = std::min<long>(data.count, w * per), last = std::min<long>(data.count, first + per);
        std::vector<float> U((size_t)BLOCK * n), diagonal(n, 0.0f);
        parts[w].assign((size_t)n * n, 0.0f);
        for (long start = first; start < last; start += BLOCK) {
            int rows = (int)std::min<long>(BLOCK, last - start);
            const float* S = data.spins.data() + (size_t)start * n;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, n, 1.0f, S, n, Vf.data(), n, 0.0f, U.data(), n);
            for (int mu = 0; mu < rows; mu++)
                for (int i = 0; i < n; i++) {
                    size_t at = (size_t)mu * n + i;
                    float u = U[at] + Vf[(size_t)i * n + i] * (1.0f - S[at]);  // x_μi = 1, not σ_μi
                    U[at] = curvature[(size_t)start * n + at] * u;
                    diagonal[i] += U[at];
                }
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, rows, 1.0f, U.data(), n, S, n, 1.0f,
                        parts[w].data(), n);
        }
        for (int i = 0; i < n; i++) parts[w][(size_t)i * n + i] = diagonal[i];
    });
    HV->assign((size_t)n * n, 0.0);
    for (int w = 0; w < threads; w++)
        for (size_t k = 0; k < HV->size(); k++) (*HV)[k] += parts[w][k];
    for (double& value : *HV) value /= d.total;
}

}  // namespace

namespace {

// A⁻¹ for A = (1/total) Σ_μ c_μ x̃_μ x̃_μᵀ, x̃ = (σ_1 … σ_n, 1), (n+1) × (n+1).
std::vector<double> feature_moment_inverse(const Data& d) {
    const Samples& data = *d.samples;
    const int n = d.n, m = n + 1;
    std::vector<double> A((size_t)m * m, 0.0), X((size_t)BLOCK * m);
    for (long start = 0; start < data.count; start += BLOCK) {
        int rows = (int)std::min<long>(BLOCK, data.count - start);
        for (int mu = 0; mu < rows; mu++) {
            double scale = std::sqrt(weight_of(data, start + mu) / d.total);
            for (int i = 0; i < n; i++) X[(size_t)mu * m + i] = scale * data.spins[(size_t)(start + mu) * n + i];
            X[(size_t)mu * m + n] = scale;
        }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, m, rows, 1.0, X.data(), m, 1.0, A.data(), m);
    }
    for (int j = 0; j < m; j++) {
        for (int k = 0; k < j; k++) A[(size_t)j * m + k] = A[(size_t)k * m + j];
        A[(size_t)j * m + j] += 1e-6;  // a spin that never flips is the constant feature again
    }
    double ridge = 0;
    return inverse_positive_definite(A, m, &ridge);
}

// Z_i ≈ H_i⁻¹ R_i for every spin: (1/c_i) (A without spin i)⁻¹ R_i, from B = A⁻¹ by the Schur complement:
// (A_{-i,-i})⁻¹ r = (B r')_{-i} − B_{-i,i} (B r')_i / B_ii with r' = r placed at the features (bias at index n).
void precondition(const std::vector<double>& B, const std::vector<double>& scale, const std::vector<double>& R, int n,
                  std::vector<double>* Z) {
    const int m = n + 1;
    std::vector<double> Rp((size_t)n * m, 0.0), Zp((size_t)n * m);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) Rp[(size_t)i * m + j] = j == i ? 0.0 : R[(size_t)i * n + j];
        Rp[(size_t)i * m + n] = R[(size_t)i * n + i];
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, m, m, 1.0, Rp.data(), m, B.data(), m, 0.0, Zp.data(), m);
    Z->assign((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++) {
        const double* zp = &Zp[(size_t)i * m];
        double factor = zp[i] / B[(size_t)i * m + i];
        for (int j = 0; j < n; j++)
            if (j != i) (*Z)[(size_t)i * n + j] = (zp[j] - B[(size_t)j * m + i] * factor) / scale[i];
        (*Z)[(size_t)i * n + i] = (zp[n] - B[(size_t)n * m + i] * factor) / scale[i];
    }
}

double row_dot(const std::vector<double>& a, const std::vector<double>& b, int i, int n) {
    double sum = 0;
    for (int j = 0; j < n; j++) sum += a[(size_t)i * n + j] * b[(size_t)i * n + j];
    return sum;
}

// Zeroes the components a spin cannot move: couplings to spins that never flip (held at 0, as in plm.cpp), and every
// component of the spins that are not stepping.
void mask(std::vector<double>* M, const Data& d, const std::vector<char>& active) {
    const int n = d.n;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (!active[i] || (j != i && d.constant[j] != 0)) (*M)[(size_t)i * n + j] = 0.0;
}

// The Newton directions of the active spins, by preconditioned CG on (H_i + 2λ I_couplings) Δ_i = −g_i, each spin
// stopping when its residual is below η_i |g_i| with η_i = min(0.5, √|g_i|) (superlinear near the optimum).
std::vector<double> newton_cg_directions(const Data& d, const std::vector<float>& curvature,
                                         const std::vector<double>& B, const std::vector<double>& scale,
                                         const std::vector<double>& gradient, std::vector<char> active, double lambda,
                                         int threads) {
    const int n = d.n;
    std::vector<double> X((size_t)n * n, 0.0), R(gradient.size()), Z, P, HP;
    for (size_t k = 0; k < R.size(); k++) R[k] = -gradient[k];
    mask(&R, d, active);
    std::vector<double> target(n), rz(n);
    for (int i = 0; i < n; i++) {
        double norm = std::sqrt(row_dot(R, R, i, n));
        target[i] = std::min(0.5, std::sqrt(norm)) * norm;
    }
    precondition(B, scale, R, n, &Z);
    mask(&Z, d, active);
    P = Z;
    for (int i = 0; i < n; i++) rz[i] = row_dot(R, Z, i, n);
    for (int iteration = 0; iteration < MAX_CG; iteration++) {
        if (std::none_of(active.begin(), active.end(), [](char a) { return a != 0; })) break;
        hessian_times(d, curvature, P, threads, &HP);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (j != i) HP[(size_t)i * n + j] += 2.0 * lambda * P[(size_t)i * n + j];
        mask(&HP, d, active);
        for (int i = 0; i < n; i++) {
            if (!active[i]) continue;
            double curvature_along = row_dot(P, HP, i, n);
            if (!(curvature_along > 0)) {  // no descent left along P (rounding): keep what CG has
                active[i] = 0;
                continue;
            }
            double alpha = rz[i] / curvature_along;
            for (int j = 0; j < n; j++) {
                X[(size_t)i * n + j] += alpha * P[(size_t)i * n + j];
                R[(size_t)i * n + j] -= alpha * HP[(size_t)i * n + j];
            }
            if (std::sqrt(row_dot(R, R, i, n)) <= target[i]) active[i] = 0;
        }
        mask(&R, d, active);
        precondition(B, scale, R, n, &Z);
        mask(&Z, d, active);
        for (int i = 0; i < n; i++) {
            if (!active[i]) continue;
            double next = row_dot(R, Z, i, n), beta = next / rz[i];
            rz[i] = next;
            for (int j = 0; j < n; j++) P[(size_t)i * n + j] = Z[(size_t)i * n + j] + beta * P[(size_t)i * n + j];
        }
        mask(&P, d, active);
    }
    return X;  // a row of zeros: CG found no descent for that spin (its caller stops it)
}

double objective(double loss, double total, const std::vector<double>& theta, int i, int n, double lambda) {
    double penalty = 0;
    for (int j = 0; j < n; j++)
        if (j != i) penalty += theta[(size_t)i * n + j] * theta[(size_t)i * n + j];
    return loss / total + lambda * penalty;
}

}  // namespace

double plm_newton_cg_bytes(long M, int n, int threads) {
    // curvature (M·n floats), ~12 n×n doubles (Θ, gradient, CG vectors, B, preconditioner scratch), and per worker
    // a gradient/product (n×n) and block buffers (3 × 1024 × n doubles).
    return 4.0 * M * n + 12.0 * 8.0 * (n + 1.0) * (n + 1.0) + threads * (8.0 * n * n + 3.0 * 8.0 * BLOCK * n);
}

PlmResult plm_fit_newton_cg(const Samples& samples, const PlmOptions& options) {
    const int n = samples.n;
    Data d;
    d.samples = &samples;
    d.n = n;
    for (long mu = 0; mu < samples.count; mu++) d.total += weight_of(samples, mu);
    d.constant = constant_spin_signs(samples);
    const double lambda = options.lambda;
    std::vector<double> theta = plm_start(options, n, d.constant, d.total);
    PlmResult result;
    for (int i = 0; i < n; i++)
        if (d.constant[i] != 0) result.constant_spins.push_back(i);
    std::vector<double> B = feature_moment_inverse(d);
    std::vector<float> curvature((size_t)samples.count * n);
    std::vector<double> loss, gradient, trial_loss;
    std::vector<int> steps(n, 0);
    std::vector<char> stopped(n, 0), converged(n, 0);
    std::vector<double> f(n, 0.0), largest(n, 0.0);
    for (int iteration = 0;; iteration++) {
        lean_pass(d, theta, options.threads, &loss, &gradient, &curvature);
        std::vector<char> active(n, 0);
        std::vector<double> scale(n, 1.0);
        for (int i = 0; i < n; i++) {
            if (d.constant[i] != 0) continue;
            f[i] = objective(loss[i], d.total, theta, i, n, lambda);
            largest[i] = 0;
            for (int j = 0; j < n; j++) {
                double g = gradient[(size_t)i * n + j] / d.total + (j == i ? 0.0 : 2.0 * lambda * theta[(size_t)i * n + j]);
                if (j != i && d.constant[j] != 0) g = 0.0;
                gradient[(size_t)i * n + j] = g;
                largest[i] = std::max(largest[i], std::fabs(g));
            }
            converged[i] = largest[i] < options.tolerance;
            active[i] = !converged[i] && !stopped[i] && iteration < options.max_iter;
            double sum = 0;
            for (long mu = 0; mu < samples.count; mu++) sum += curvature[(size_t)mu * n + i];
            scale[i] = std::max(sum / d.total, 1e-12);
        }
        if (std::none_of(active.begin(), active.end(), [](char a) { return a != 0; })) break;
        std::vector<double> direction = newton_cg_directions(d, curvature, B, scale, gradient, active, lambda, options.threads);
        // Backtracking (Armijo) on each stepping spin, all spins sharing each loss-only pass.
        std::vector<double> slope(n, 0.0);
        for (int i = 0; i < n; i++) {
            if (!active[i]) continue;
            steps[i]++;
            slope[i] = row_dot(gradient, direction, i, n);
            if (!(slope[i] < 0)) {  // no descent direction found
                active[i] = 0;
                stopped[i] = 1;
            }
        }
        double t = 1.0;
        for (int halving = 0; halving <= HALVINGS; halving++, t *= 0.5) {
            if (std::none_of(active.begin(), active.end(), [](char a) { return a != 0; })) break;
            std::vector<double> trial = theta;
            for (int i = 0; i < n; i++)
                if (active[i])
                    for (int j = 0; j < n; j++) trial[(size_t)i * n + j] += t * direction[(size_t)i * n + j];
            lean_pass(d, trial, options.threads, &trial_loss, nullptr, nullptr);
            for (int i = 0; i < n; i++) {
                if (!active[i]) continue;
                double value = objective(trial_loss[i], d.total, trial, i, n, lambda);
                bool rounding = -slope[i] < 1e-14 * std::max(1.0, std::fabs(f[i]));
                if (value <= f[i] + ARMIJO * t * slope[i] || (halving == 0 && rounding)) {
                    std::copy(trial.begin() + (size_t)i * n, trial.begin() + (size_t)(i + 1) * n, theta.begin() + (size_t)i * n);
                    active[i] = 0;
                } else if (halving == HALVINGS) {
                    stopped[i] = 1;
                }
            }
        }
    }
    std::vector<PlmSpinOutcome> outcomes(n);
    for (int i = 0; i < n; i++) outcomes[i] = {steps[i], largest[i], f[i], converged[i] != 0};
    plm_finish(theta, n, d.constant, outcomes, &result);
    return result;
}
