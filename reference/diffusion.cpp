// DDPM training and sampling (Sec. II C, Eqs. (19)–(22), Appendix A) with the denoiser of network.cpp (reference.h).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "reference.h"

namespace reference {

Schedule linear_schedule(int T) {
    Schedule schedule;
    schedule.T = T;
    schedule.beta.assign(T + 1, 0.0);
    schedule.alpha.assign(T + 1, 1.0);
    schedule.alpha_bar.assign(T + 1, 1.0);
    for (int t = 1; t <= T; t++) {
        schedule.beta[t] = 1e-4 + 0.02 * t / T;  // Appendix A: 1 − α_t = 0.0001 + 0.02 t/T
        schedule.alpha[t] = 1.0 - schedule.beta[t];
        schedule.alpha_bar[t] = schedule.alpha_bar[t - 1] * schedule.alpha[t];
    }
    return schedule;
}

// Eq. (19), x_t = √α_t·x_{t−1} + √(1−α_t)·ε_t, composed t times: the sum of t Gaussians is one Gaussian.
Vector noised_sample_eq19(const Vector& x0, const Vector& eps, int t, const Schedule& schedule) {
    Vector x_t(x0.size());
    for (size_t j = 0; j < x0.size(); j++)
        x_t[j] = std::sqrt(schedule.alpha_bar[t]) * x0[j] + std::sqrt(1.0 - schedule.alpha_bar[t]) * eps[j];
    return x_t;
}

// The network input [x_t | emb(t)] of one row.
static Vector network_input(const Vector& x_row, int t, const NetworkShape& shape) {
    Vector input = x_row;
    Vector embedding = sinusoidal_embedding(t, shape.embed_dim);
    input.insert(input.end(), embedding.begin(), embedding.end());
    return input;
}

static Vector row(const Vector& matrix, int r, int width) {
    return Vector(matrix.begin() + (long)r * width, matrix.begin() + (long)(r + 1) * width);
}

// Algorithm 1's gradient step: ∇_θ ‖ε − ε_θ(√ᾱ_t x_0 + √(1−ᾱ_t) ε, t)‖², averaged over the B·n entries.
double training_loss_and_gradient(const Vector& params, const NetworkShape& shape, const Vector& x0,
                                  const std::vector<int>& t, const Vector& eps, const Schedule& schedule, Gelu kind,
                                  Vector* grads, Vector* eps_predicted) {
    const int n = shape.n, B = (int)t.size();
    if ((int)x0.size() != B * n || (int)eps.size() != B * n) throw std::logic_error("training step: sizes differ");
    std::vector<Activations> rows(B);
    Vector predicted;
    for (int r = 0; r < B; r++) {
        Vector x_t = noised_sample_eq19(row(x0, r, n), row(eps, r, n), t[r], schedule);
        rows[r] = denoiser_forward(params, shape, network_input(x_t, t[r], shape), kind);
        predicted.insert(predicted.end(), rows[r].output.begin(), rows[r].output.end());
    }
    if (eps_predicted) *eps_predicted = predicted;
    if (grads) {
        grads->assign(params.size(), 0.0);
        Vector d_predicted = mse_loss_gradient(predicted, eps);
        for (int r = 0; r < B; r++) denoiser_backward(params, shape, rows[r], row(d_predicted, r, n), kind, grads);
    }
    return mse_loss(predicted, eps);
}

double training_step_algorithm1(Vector* params, AdamState* adam, const NetworkShape& shape, const Vector& x0,
                                const std::vector<int>& t, const Vector& eps, const Schedule& schedule, Gelu kind) {
    Vector grads;
    double loss = training_loss_and_gradient(*params, shape, x0, t, eps, schedule, kind, &grads, nullptr);
    adam_step(params, grads, adam);
    return loss;
}

Vector predict_noise(const Vector& params, const NetworkShape& shape, const Vector& x, int t, Gelu kind) {
    const int n = shape.n, B = (int)x.size() / n;
    Vector eps;
    for (int r = 0; r < B; r++) {
        Activations act = denoiser_forward(params, shape, network_input(row(x, r, n), t, shape), kind);
        eps.insert(eps.end(), act.output.begin(), act.output.end());
    }
    return eps;
}

Vector ddpm_step_algorithm2(const Vector& params, const NetworkShape& shape, const Vector& x_t, int t, const Vector& z,
                            const Schedule& schedule, Gelu kind) {
    const Vector eps = predict_noise(params, shape, x_t, t, kind);
    const double beta = schedule.beta[t], alpha = schedule.alpha[t], alpha_bar = schedule.alpha_bar[t];
    const double posterior_variance = (1.0 - schedule.alpha_bar[t - 1]) / (1.0 - alpha_bar) * beta;  // β̃_t
    Vector x_prev(x_t.size());
    for (size_t j = 0; j < x_t.size(); j++)
        x_prev[j] = (x_t[j] - beta / std::sqrt(1.0 - alpha_bar) * eps[j]) / std::sqrt(alpha) +
                    std::sqrt(posterior_variance) * z[j];
    return x_prev;
}

double ddim_sigma(const Schedule& schedule, int t, int t_prev, double eta) {
    const double a = schedule.alpha_bar[t], a_prev = schedule.alpha_bar[t_prev];
    return eta * std::sqrt((1.0 - a_prev) / (1.0 - a)) * std::sqrt(1.0 - a / a_prev);
}

Vector ddim_step(const Vector& params, const NetworkShape& shape, const Vector& x_t, int t, int t_prev, double eta,
                 const Vector& z, const Schedule& schedule, Gelu kind) {
    const Vector eps = predict_noise(params, shape, x_t, t, kind);
    const double a = schedule.alpha_bar[t], a_prev = schedule.alpha_bar[t_prev];
    const double sigma = ddim_sigma(schedule, t, t_prev, eta);
    const double direction = std::max(0.0, 1.0 - a_prev - sigma * sigma);  // only rounding makes it negative
    Vector x_prev(x_t.size());
    for (size_t j = 0; j < x_t.size(); j++) {
        double x0_predicted = (x_t[j] - std::sqrt(1.0 - a) * eps[j]) / std::sqrt(a);
        x_prev[j] = std::sqrt(a_prev) * x0_predicted + std::sqrt(direction) * eps[j] + sigma * z[j];
    }
    return x_prev;
}

Vector analog_bits(const Vector& x0) {
    Vector spins(x0.size());
    for (size_t j = 0; j < x0.size(); j++) spins[j] = x0[j] >= 0.0 ? 1.0 : -1.0;
    return spins;
}

}  // namespace reference
