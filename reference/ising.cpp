// The Ising model of Eqs. (1)–(2) and the inverse solvers, written out term by term (reference.h).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "reference.h"

namespace reference {

double energy_eq2(const IsingParams& params, const float* spins) {
    const int n = params.n;
    double energy = 0.0;
    for (int i = 0; i < n; i++) energy -= params.bias[i] * spins[i];
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) energy -= params.coupling[(size_t)i * n + j] * spins[i] * spins[j];
    return energy;
}

static double row_weight(const Samples& samples, long row) {
    return samples.weight.empty() ? 1.0 : samples.weight[row];
}

Averages data_averages_eq10(const Samples& samples) {
    const int n = samples.n;
    Averages averages;
    averages.mean.assign(n, 0.0);
    averages.correlation.assign((size_t)n * n, 0.0);
    double total = 0.0;
    for (long mu = 0; mu < samples.count; mu++) {
        const float* s = &samples.spins[(size_t)mu * n];
        const double c = row_weight(samples, mu);
        total += c;
        for (int i = 0; i < n; i++) {
            averages.mean[i] += c * s[i];
            for (int j = 0; j < n; j++) averages.correlation[(size_t)i * n + j] += c * s[i] * s[j];
        }
    }
    for (double& value : averages.mean) value /= total;
    for (double& value : averages.correlation) value /= total;
    return averages;
}

static std::vector<float> configuration(long s, int n) {
    std::vector<float> spins(n);
    for (int i = 0; i < n; i++) spins[i] = (s >> i) & 1 ? 1.0f : -1.0f;
    return spins;
}

// Z = Σ_σ exp(−E(σ)), computed as exp(−E_min)·Σ_σ exp(−(E − E_min)) so that nothing overflows.
ExactModel exact_enumeration_eq1(const IsingParams& params) {
    const int n = params.n;
    const long states = 1L << n;
    ExactModel model;
    model.energy.resize(states);
    for (long s = 0; s < states; s++) model.energy[s] = energy_eq2(params, configuration(s, n).data());
    const double lowest = *std::min_element(model.energy.begin(), model.energy.end());
    double sum = 0.0;
    for (long s = 0; s < states; s++) sum += std::exp(-(model.energy[s] - lowest));
    model.log_z = -lowest + std::log(sum);
    model.averages.mean.assign(n, 0.0);
    model.averages.correlation.assign((size_t)n * n, 0.0);
    for (long s = 0; s < states; s++) {
        const double p = std::exp(-model.energy[s] - model.log_z);  // Eq. (1)
        const std::vector<float> spins = configuration(s, n);
        for (int i = 0; i < n; i++) {
            model.averages.mean[i] += p * spins[i];
            for (int j = 0; j < n; j++) model.averages.correlation[(size_t)i * n + j] += p * spins[i] * spins[j];
        }
    }
    return model;
}

Samples metropolis_sample(const IsingParams& params, int count, int burn_in, int thin, Rng* rng) {
    const int n = params.n, chains = std::min(64, count);
    const uint64_t seed = rng_next(rng);
    Samples samples;
    samples.count = count;
    samples.n = n;
    samples.spins.resize((size_t)count * n);
    for (int chain = 0; chain < chains; chain++) {
        Rng chain_rng;
        rng_seed(&chain_rng, seed, (uint64_t)chain);
        std::vector<double> spin(n);
        for (int i = 0; i < n; i++) spin[i] = rng_uniform(&chain_rng) < 0.5 ? -1.0 : 1.0;
        auto sweep = [&]() {
            for (int i = 0; i < n; i++) {
                // Only the terms of Eq. (2) that hold σ_i change: ΔE = 2σ_i h_i, h_i = b_i + Σ_{j≠i} w_ij σ_j.
                double field = params.bias[i];
                for (int j = 0; j < n; j++)
                    if (j != i) field += params.coupling[(size_t)i * n + j] * spin[j];
                const double delta_energy = 2.0 * spin[i] * field;
                // min(1, exp(−ΔE)); a uniform is drawn only when ΔE > 0 (as the fast code does).
                if (delta_energy <= 0.0 || rng_uniform(&chain_rng) < std::exp(-delta_energy)) spin[i] = -spin[i];
            }
        };
        for (int s = 0; s < burn_in; s++) sweep();
        for (long row = chain; row < count; row += chains) {
            for (int s = 0; s < thin; s++) sweep();
            for (int i = 0; i < n; i++) samples.spins[(size_t)row * n + i] = (float)spin[i];
        }
    }
    return samples;
}

// The features O(σ) = (σ_1 … σ_n ; σ_iσ_j for i < j, row-major): θ·O(σ) = −E(σ) for θ = (b ; w_ij).
static Vector features(const float* s, int n) {
    Vector O(s, s + n);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) O.push_back((double)s[i] * s[j]);
    return O;
}

static IsingParams params_from_theta(const Vector& theta, int n) {
    IsingParams params;
    params.n = n;
    params.bias.assign(theta.begin(), theta.begin() + n);
    params.coupling.assign((size_t)n * n, 0.0);
    int k = n;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            params.coupling[(size_t)i * n + j] = params.coupling[(size_t)j * n + i] = theta[k++];
    return params;
}

ErasureFit erasure_fit_eqs12_18(const Samples& samples, double eps, int max_iter, double gamma, uint64_t seed) {
    const int n = samples.n, M = samples.count, L = n + n * (n - 1) / 2;
    std::vector<Vector> O(M);
    for (int mu = 0; mu < M; mu++) O[mu] = features(&samples.spins[(size_t)mu * n], n);
    Rng rng;
    rng_seed(&rng, seed, 0);
    Vector theta(L);
    for (double& value : theta) value = rng_uniform(&rng) - 0.5;  // θ ~ U[−0.5, 0.5)
    ErasureFit best;
    Vector energy(M);
    double total_weight = 0.0;
    for (int mu = 0; mu < M; mu++) total_weight += row_weight(samples, mu);
    for (int iteration = 0; iteration <= max_iter; iteration++) {
        double mean_energy = 0.0;  // ⟨E(σ̂)⟩_f
        for (int mu = 0; mu < M; mu++) {
            energy[mu] = 0.0;
            for (int k = 0; k < L; k++) energy[mu] -= theta[k] * O[mu][k];
            mean_energy += row_weight(samples, mu) * energy[mu] / total_weight;
        }
        // "The iteration stops when the average energy is minimized": go on while it does not increase.
        if (iteration > 0 && !(mean_energy <= best.mean_energy)) break;
        best.params = params_from_theta(theta, n);
        best.mean_energy = mean_energy;
        best.iterations = iteration;
        if (iteration == max_iter) break;
        // Eq. (12): f_ε(σ̂) ∝ f(σ̂)·p(σ̂)^(ε−1) ∝ c_μ·exp((1−ε)E(σ̂_μ)); shifted by the largest exponent.
        double largest = -INFINITY;
        for (int mu = 0; mu < M; mu++)
            if (row_weight(samples, mu) > 0) largest = std::max(largest, (1.0 - eps) * energy[mu]);
        Vector reweighted(L, 0.0);  // Eqs. (14)–(15): ⟨O⟩_{f_ε}
        double normaliser = 0.0;
        for (int mu = 0; mu < M; mu++) {
            const double p = row_weight(samples, mu) * std::exp((1.0 - eps) * energy[mu] - largest);
            normaliser += p;
            for (int k = 0; k < L; k++) reweighted[k] += p * O[mu][k];
        }
        // Eq. (18) with Eqs. (16)–(17): θ ← θ + γ(⟨O⟩_{f_ε} − εθ).
        for (int k = 0; k < L; k++) theta[k] += gamma * (reweighted[k] / normaliser - eps * theta[k]);
    }
    return best;
}

ErasureFit erasure_machine_scan(const Samples& samples, double eps_min, double eps_max, int eps_count, int max_iter,
                                double gamma, uint64_t seed, double* chosen_eps) {
    const int min_updates = std::max(1, max_iter / 10);
    ErasureFit best;
    bool have_best = false;
    for (int k = 0; k < eps_count; k++) {
        const double eps = eps_count == 1 ? eps_min : eps_min + (eps_max - eps_min) * k / (eps_count - 1);
        ErasureFit fit = erasure_fit_eqs12_18(samples, eps, max_iter, gamma, seed);
        // The authors' choice: the largest ⟨E(σ̂)⟩ (a NaN never wins; on a tie the earlier, smaller ε stays), but a
        // run that stopped within its first few updates (still near its random start) is not a fit.
        bool fitted = fit.iterations >= min_updates, best_fitted = have_best && best.iterations >= min_updates;
        double mine = std::isnan(fit.mean_energy) ? -INFINITY : fit.mean_energy;
        double theirs = !have_best || std::isnan(best.mean_energy) ? -INFINITY : best.mean_energy;
        bool wins = !have_best || (fitted != best_fitted ? fitted : mine > theirs);
        if (wins) {
            best = fit;
            *chosen_eps = eps;
            have_best = true;
        }
    }
    return best;
}

// f_i(θ) = (1/M)·Σ_μ c_μ·log(1 + exp(−2σ_i h_i)) + λ·Σ_{j≠i} θ_j², h_i = θ_i + Σ_{j≠i} θ_j σ_j: the negative log
// of p(σ_i | σ_\i) = 1/(1 + exp(−2σ_i h_i)), from Eq. (2). Gradient and Hessian with x_j = σ_j (j ≠ i), x_i = 1.
double plm_spin_objective(const Samples& samples, int spin, const Vector& theta, double lambda, Vector* gradient,
                          Vector* hessian) {
    const int n = samples.n;
    double total = 0.0, loss = 0.0;
    if (gradient) gradient->assign(n, 0.0);
    if (hessian) hessian->assign((size_t)n * n, 0.0);
    Vector x(n);
    for (long mu = 0; mu < samples.count; mu++) {
        const float* s = &samples.spins[(size_t)mu * n];
        const double c = row_weight(samples, mu);
        total += c;
        for (int j = 0; j < n; j++) x[j] = j == spin ? 1.0 : s[j];
        double h = 0.0;
        for (int j = 0; j < n; j++) h += theta[j] * x[j];
        const double z = 2.0 * s[spin] * h;
        loss += c * (std::max(-z, 0.0) + std::log1p(std::exp(-std::fabs(z))));  // log(1 + e^{−z}) without overflow
        const double q = 1.0 / (1.0 + std::exp(z));                             // the probability of the other sign
        for (int j = 0; j < n; j++) {
            if (gradient) (*gradient)[j] += c * -2.0 * s[spin] * q * x[j];
            if (hessian)
                for (int k = 0; k < n; k++) (*hessian)[(size_t)j * n + k] += c * 4.0 * q * (1.0 - q) * x[j] * x[k];
        }
    }
    double penalty = 0.0;
    for (int j = 0; j < n; j++)
        if (j != spin) penalty += theta[j] * theta[j];
    for (int j = 0; j < n; j++) {
        if (gradient) (*gradient)[j] = (*gradient)[j] / total + (j == spin ? 0.0 : 2.0 * lambda * theta[j]);
        if (hessian) {
            for (int k = 0; k < n; k++) (*hessian)[(size_t)j * n + k] /= total;
            if (j != spin) (*hessian)[(size_t)j * n + j] += 2.0 * lambda;
        }
    }
    return loss / total + lambda * penalty;
}

// +1 or −1 for a spin with one value in every row of positive weight, 0 otherwise.
static std::vector<int> constant_spins(const Samples& samples) {
    std::vector<int> sign(samples.n, 2);  // 2: nothing seen yet
    for (long mu = 0; mu < samples.count; mu++) {
        if (!(row_weight(samples, mu) > 0)) continue;
        for (int i = 0; i < samples.n; i++) {
            int value = samples.spins[(size_t)mu * samples.n + i] > 0 ? 1 : -1;
            sign[i] = sign[i] == 2 ? value : (sign[i] == value ? value : 0);
        }
    }
    for (int& s : sign) s = s == 2 ? 0 : s;
    return sign;
}

// Newton's method on f_i: Δ = −H⁻¹g, then θ + tΔ with t = 1, ½, ¼, … until f decreases by at least 10⁻⁴·t·gᵀΔ.
static Vector plm_spin_newton(const Samples& samples, int spin, const std::vector<int>& constant, double lambda,
                              double tolerance, int max_iter) {
    const int n = samples.n;
    Vector theta(n, 0.0), gradient, hessian;
    for (int iteration = 0; iteration <= max_iter; iteration++) {
        const double f = plm_spin_objective(samples, spin, theta, lambda, &gradient, &hessian);
        double largest = 0.0;
        for (int j = 0; j < n; j++) {
            if (j != spin && constant[j] != 0) {  // a constant spin is the bias again: its coupling is held at 0
                gradient[j] = 0.0;
                for (int k = 0; k < n; k++) hessian[(size_t)j * n + k] = hessian[(size_t)k * n + j] = 0.0;
                hessian[(size_t)j * n + j] = 1.0;
            }
            largest = std::max(largest, std::fabs(gradient[j]));
        }
        if (largest < tolerance || iteration == max_iter) break;
        Vector minus_gradient(n);
        for (int j = 0; j < n; j++) minus_gradient[j] = -gradient[j];
        const Vector direction = solve_linear_system(hessian, minus_gradient, n);
        double slope = 0.0;
        for (int j = 0; j < n; j++) slope += gradient[j] * direction[j];
        // Near the optimum the predicted decrease −gᵀΔ falls below the rounding of f, where Armijo's test says
        // nothing: there the full Newton step is taken (the quadratic regime).
        const bool rounding_regime = -slope < 1e-14 * std::max(1.0, std::fabs(f));
        double step = 1.0;
        for (int halving = 0; halving <= 40; halving++, step *= 0.5) {
            Vector trial = theta;
            for (int j = 0; j < n; j++) trial[j] += step * direction[j];
            if (rounding_regime ||
                plm_spin_objective(samples, spin, trial, lambda, nullptr, nullptr) <= f + 1e-4 * step * slope) {
                theta = trial;
                break;
            }
            if (halving == 40) return theta;  // no step decreases f: as close as the arithmetic gets
        }
    }
    return theta;
}

IsingParams plm_fit(const Samples& samples, double lambda, double tolerance, int max_iter) {
    const int n = samples.n;
    double total = 0.0;
    for (long mu = 0; mu < samples.count; mu++) total += row_weight(samples, mu);
    const std::vector<int> constant = constant_spins(samples);
    std::vector<Vector> rows(n);
    for (int i = 0; i < n; i++) {
        if (constant[i] != 0) {  // no finite optimum: one pseudo-observation shared between the two signs
            rows[i].assign(n, 0.0);
            rows[i][i] = constant[i] * 0.5 * std::log(2.0 * total + 1.0);
        } else {
            rows[i] = plm_spin_newton(samples, i, constant, lambda, tolerance, max_iter);
        }
    }
    IsingParams params;
    params.n = n;
    params.bias.resize(n);
    params.coupling.assign((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++) {
        params.bias[i] = rows[i][i];
        for (int j = 0; j < n; j++)
            if (j != i) params.coupling[(size_t)i * n + j] = 0.5 * (rows[i][j] + rows[j][i]);  // symmetrised
    }
    return params;
}

IsingParams mean_field_fit(const Samples& samples) {
    const int n = samples.n;
    double total = 0.0;
    for (long mu = 0; mu < samples.count; mu++) total += row_weight(samples, mu);
    const Averages averages = data_averages_eq10(samples);
    Vector m = averages.mean;
    std::vector<bool> constant(n, false);
    for (int i = 0; i < n; i++)
        if (std::fabs(m[i]) >= 1.0) {
            m[i] = (m[i] > 0 ? 1.0 : -1.0) * (1.0 - 1.0 / (total + 1.0));
            constant[i] = true;
        }
    Vector C((size_t)n * n);  // connected correlations C_ij = ⟨σ_iσ_j⟩ − m_i m_j
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            C[(size_t)i * n + j] = constant[i] || constant[j] ? (i == j ? 1.0 - m[i] * m[i] : 0.0)
                                                              : averages.correlation[(size_t)i * n + j] - m[i] * m[j];
    Vector inverse((size_t)n * n);  // C⁻¹, one column at a time
    for (int k = 0; k < n; k++) {
        Vector unit(n, 0.0);
        unit[k] = 1.0;
        const Vector column = solve_linear_system(C, unit, n);
        for (int i = 0; i < n; i++) inverse[(size_t)i * n + k] = column[i];
    }
    IsingParams params;
    params.n = n;
    params.bias.resize(n);
    params.coupling.assign((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j)
                params.coupling[(size_t)i * n + j] = -0.5 * (inverse[(size_t)i * n + j] + inverse[(size_t)j * n + i]);
    for (int i = 0; i < n; i++) {
        double field = 0.0;
        for (int j = 0; j < n; j++) field += params.coupling[(size_t)i * n + j] * m[j];
        params.bias[i] = std::atanh(m[i]) - field;
    }
    return params;
}

void energy_mean_variance(const IsingParams& params, const Samples& samples, double* mean, double* variance) {
    Vector energy(samples.count);
    double sum = 0.0;
    for (long mu = 0; mu < samples.count; mu++)
        sum += energy[mu] = energy_eq2(params, &samples.spins[(size_t)mu * params.n]);
    *mean = sum / samples.count;
    double squares = 0.0;
    for (double e : energy) squares += (e - *mean) * (e - *mean);
    *variance = squares / samples.count;
}

// Var[E(aug)] comes down to the test line (or, starting below it, up to it): the first checkpoint k on the other
// side; the crossing is interpolated linearly in log10(iteration) between k − 1 and k, and the nearer one chosen.
int energy_variance_rule(const std::vector<long>& iterations, const Vector& variance, double target) {
    const bool starts_above = variance[0] > target;
    for (size_t k = 0; k < variance.size(); k++) {
        if (starts_above ? variance[k] > target : variance[k] < target) continue;
        if (k == 0) return 0;
        const double x0 = std::log10((double)iterations[k - 1]), x1 = std::log10((double)iterations[k]);
        const double crossing = x0 + (variance[k - 1] - target) / (variance[k - 1] - variance[k]) * (x1 - x0);
        return crossing - x0 <= x1 - crossing ? (int)k - 1 : (int)k;
    }
    return -1;
}

Vector solve_linear_system(Vector A, Vector b, int n) {
    for (int col = 0; col < n; col++) {
        int pivot = col;
        for (int r = col + 1; r < n; r++)
            if (std::fabs(A[(size_t)r * n + col]) > std::fabs(A[(size_t)pivot * n + col])) pivot = r;
        if (A[(size_t)pivot * n + col] == 0.0) throw std::runtime_error("solve_linear_system: singular matrix");
        for (int k = 0; k < n; k++) std::swap(A[(size_t)col * n + k], A[(size_t)pivot * n + k]);
        std::swap(b[col], b[pivot]);
        for (int r = col + 1; r < n; r++) {
            const double factor = A[(size_t)r * n + col] / A[(size_t)col * n + col];
            for (int k = col; k < n; k++) A[(size_t)r * n + k] -= factor * A[(size_t)col * n + k];
            b[r] -= factor * b[col];
        }
    }
    Vector x(n);
    for (int r = n - 1; r >= 0; r--) {
        double sum = b[r];
        for (int k = r + 1; k < n; k++) sum -= A[(size_t)r * n + k] * x[k];
        x[r] = sum / A[(size_t)r * n + r];
    }
    return x;
}

}  // namespace reference
