// Restricted Boltzmann machine: conditionals, free energy, exact log Z, CD-1 training, Gibbs generation.
// Notation and the 0/1 ↔ ±1 mapping are in rbm.h.
#include "rbm.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fast_math.h"
#include "vector_kernel.h"

// σ over a buffer, in place, as σ(x) = (1 + tanh(x/2))/2 with the vectorisable tanh of fast_math.h (libm's expf is
// a scalar call and was over half of rbm_generate's time). σ is then within 1.1e-7 of the exact logistic function
// (measured), two steps of the 24-bit uniforms (6e-8) the Bernoulli draws compare it with. A NaN comes out as 0 or
// 1, so rbm_train checks its parameters instead.
VECTOR_KERNEL static void logistic_inplace(float* __restrict values, long count) {
    for (long k = 0; k < count; k++) values[k] = 0.5f + 0.5f * tanh_vectorisable(0.5f * values[k]);
}

// log(1 + e^x) without overflow for large x or loss of precision for very negative x.
static double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }

static void check_sizes(const Rbm& rbm, const char* where) {
    if (rbm.n < 1 || rbm.hidden < 1 || (long)rbm.weight.size() != (long)rbm.n * rbm.hidden ||
        (int)rbm.visible_bias.size() != rbm.n || (int)rbm.hidden_bias.size() != rbm.hidden)
        throw std::runtime_error(std::string(__FILE__) + ": " + where + ": RBM is not initialised (call rbm_init)");
}

void rbm_init(Rbm* rbm, int n, int hidden, Rng* rng) {
    if (n < 1 || hidden < 1)
        throw std::runtime_error(std::string(__FILE__) + ": rbm_init: need n >= 1 and hidden >= 1, got n = " +
                                 std::to_string(n) + ", hidden = " + std::to_string(hidden));
    rbm->n = n;
    rbm->hidden = hidden;
    rbm->weight.assign((size_t)hidden * n, 0.0f);
    // Small random weights break the symmetry between hidden units without putting them in saturation.
    for (float& w : rbm->weight) w = (float)(0.01 * rng_normal(rng));
    rbm->visible_bias.assign(n, 0.0f);
    rbm->hidden_bias.assign(hidden, 0.0f);
    rbm->weight_velocity.assign((size_t)hidden * n, 0.0f);
    rbm->visible_bias_velocity.assign(n, 0.0f);
    rbm->hidden_bias_velocity.assign(hidden, 0.0f);
}

void rbm_hidden_probability(float* hidden_prob, const float* visible, const Rbm& rbm, int B) {
    const int n = rbm.n, H = rbm.hidden;
    for (int row = 0; row < B; row++)
        for (int j = 0; j < H; j++) hidden_prob[(long)row * H + j] = rbm.hidden_bias[j];
    // hidden_prob[B × H] += visible[B × n] · Wᵀ
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, H, n, 1.0f, visible, n, rbm.weight.data(), n, 1.0f,
                hidden_prob, H);
    logistic_inplace(hidden_prob, (long)B * H);
}

void rbm_visible_probability(float* visible_prob, const float* hidden, const Rbm& rbm, int B) {
    const int n = rbm.n, H = rbm.hidden;
    for (int row = 0; row < B; row++)
        for (int i = 0; i < n; i++) visible_prob[(long)row * n + i] = rbm.visible_bias[i];
    // visible_prob[B × n] += hidden[B × H] · W
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, n, H, 1.0f, hidden, H, rbm.weight.data(), n, 1.0f,
                visible_prob, n);
    logistic_inplace(visible_prob, (long)B * n);
}

void rbm_free_energy(double* free_energy, const float* visible, const Rbm& rbm, int B) {
    const int n = rbm.n, H = rbm.hidden;
    for (int row = 0; row < B; row++) {
        const float* v = visible + (long)row * n;
        double energy = 0.0;
        for (int i = 0; i < n; i++) energy -= (double)rbm.visible_bias[i] * v[i];
        for (int j = 0; j < H; j++) {
            double input = rbm.hidden_bias[j];
            for (int i = 0; i < n; i++) input += (double)rbm.weight[(long)j * n + i] * v[i];
            energy -= softplus(input);
        }
        free_energy[row] = energy;
    }
}

void rbm_free_energy_backward(float* grad_weight, float* grad_visible_bias, float* grad_hidden_bias,
                              const float* visible, const float* hidden_prob, int B, int n, int hidden, float scale) {
    // ∂F/∂W_ji = −p(h_j=1|v) v_i: grad_weight[H × n] += (−scale) · hidden_probᵀ[H × B] · visible[B × n]
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, hidden, n, B, -scale, hidden_prob, hidden, visible, n, 1.0f,
                grad_weight, n);
    for (int row = 0; row < B; row++) {
        for (int i = 0; i < n; i++) grad_visible_bias[i] -= scale * visible[(long)row * n + i];
        for (int j = 0; j < hidden; j++) grad_hidden_bias[j] -= scale * hidden_prob[(long)row * hidden + j];
    }
}

// log Σ of exp(terms) for a running sum kept as (max, Σ exp(term − max)).
struct LogSumExp {
    double max = -INFINITY, sum = 0.0;
    void add(double term) {
        if (term > max) { sum = sum * std::exp(max - term) + 1.0; max = term; }
        else sum += std::exp(term - max);
    }
    double value() const { return max + std::log(sum); }
};

double rbm_log_partition(const Rbm& rbm) {
    check_sizes(rbm, "rbm_log_partition");
    const int n = rbm.n, H = rbm.hidden;
    const int layer = std::min(n, H);
    if (layer > 24)
        throw std::runtime_error(std::string(__FILE__) + ": rbm_log_partition: 2^" + std::to_string(layer) +
                                 " states are too many to enumerate (limit 2^24)");
    const long states = 1L << layer;
    const int chunk = 4096;
    LogSumExp log_z;
    if (H <= n) {
        // Sum over h: Σ_v exp(−E(v,h)) = exp(c·h) Π_i (1 + exp(a_i + (hW)_i)), so
        // log Z = log Σ_h exp(c·h + Σ_i softplus(a_i + Σ_j h_j W_ji)).
        std::vector<float> hidden_states((size_t)chunk * H), visible_input((size_t)chunk * n);
        for (long first = 0; first < states; first += chunk) {
            int rows = (int)std::min<long>(chunk, states - first);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < H; j++) hidden_states[(long)r * H + j] = (float)(((first + r) >> j) & 1);
            // visible_input[rows × n] = hidden_states · W (the bias is added in double below)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, H, 1.0f, hidden_states.data(), H,
                        rbm.weight.data(), n, 0.0f, visible_input.data(), n);
            for (int r = 0; r < rows; r++) {
                double term = 0.0;
                for (int j = 0; j < H; j++) term += (double)rbm.hidden_bias[j] * hidden_states[(long)r * H + j];
                for (int i = 0; i < n; i++) term += softplus((double)rbm.visible_bias[i] + visible_input[(long)r * n + i]);
                log_z.add(term);
            }
        }
    } else {
        // Sum over v: log Z = log Σ_v exp(−F(v)).
        std::vector<float> visible_states((size_t)chunk * n);
        std::vector<double> free_energy(chunk);
        for (long first = 0; first < states; first += chunk) {
            int rows = (int)std::min<long>(chunk, states - first);
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < n; i++) visible_states[(long)r * n + i] = (float)(((first + r) >> i) & 1);
            rbm_free_energy(free_energy.data(), visible_states.data(), rbm, rows);
            for (int r = 0; r < rows; r++) log_z.add(-free_energy[r]);
        }
    }
    return log_z.value();
}

double rbm_mean_log_likelihood(const Rbm& rbm, const Samples& data) {
    check_sizes(rbm, "rbm_mean_log_likelihood");
    check_pm1_samples(data, rbm.n, "the RBM", std::string(__FILE__) + ": rbm_mean_log_likelihood");
    std::vector<float> visible(data.spins.size());
    for (size_t k = 0; k < visible.size(); k++) visible[k] = 0.5f * (data.spins[k] + 1.0f);  // ±1 → 0/1
    std::vector<double> free_energy(data.count);
    rbm_free_energy(free_energy.data(), visible.data(), rbm, data.count);
    double mean_free_energy = 0.0;
    for (double f : free_energy) mean_free_energy += f;
    mean_free_energy /= data.count;
    return -mean_free_energy - rbm_log_partition(rbm);
}

// Replaces each probability by a 0/1 draw from it. This loop is most of rbm_generate's time, so each 64-bit draw
// gives two 24-bit uniforms (resolution 2^-24 ≈ 6e-8, far below any statistical effect here) and the comparison
// is branch-free (a coin flip is unpredictable for the branch predictor).
static void sample_bernoulli(float* values, long count, Rng* rng) {
    long k = 0;
    for (; k + 1 < count; k += 2) {
        uint64_t bits = rng_next(rng);
        float uniform0 = (float)(bits >> 40) * 0x1.0p-24f, uniform1 = (float)((bits >> 16) & 0xFFFFFF) * 0x1.0p-24f;
        values[k] = (float)(uniform0 < values[k]);
        values[k + 1] = (float)(uniform1 < values[k + 1]);
    }
    if (k < count) values[k] = (float)((float)(rng_next(rng) >> 40) * 0x1.0p-24f < values[k]);
}

double rbm_cd1_gradient(float* grad_weight, float* grad_visible_bias, float* grad_hidden_bias, const float* visible0,
                        const Rbm& rbm, int B, RbmCd1Scratch* scratch, Rng* rng) {
    const int n = rbm.n, H = rbm.hidden;
    scratch->hidden_prob0.resize((size_t)B * H);
    scratch->hidden0.resize((size_t)B * H);
    scratch->visible_prob1.resize((size_t)B * n);
    scratch->visible1.resize((size_t)B * n);
    scratch->hidden_prob1.resize((size_t)B * H);
    // One Gibbs step from the data (CD-1, Ref. [41]): h0 ~ p(h|v0), v1 ~ p(v|h0), then p(h|v1).
    rbm_hidden_probability(scratch->hidden_prob0.data(), visible0, rbm, B);
    std::copy(scratch->hidden_prob0.begin(), scratch->hidden_prob0.end(), scratch->hidden0.begin());
    sample_bernoulli(scratch->hidden0.data(), (long)B * H, rng);
    rbm_visible_probability(scratch->visible_prob1.data(), scratch->hidden0.data(), rbm, B);
    double reconstruction_error = 0.0;
    for (long k = 0; k < (long)B * n; k++) {
        double difference = visible0[k] - scratch->visible_prob1[k];
        reconstruction_error += difference * difference;
    }
    std::copy(scratch->visible_prob1.begin(), scratch->visible_prob1.end(), scratch->visible1.begin());
    sample_bernoulli(scratch->visible1.data(), (long)B * n, rng);
    rbm_hidden_probability(scratch->hidden_prob1.data(), scratch->visible1.data(), rbm, B);
    // Data term (positive phase) minus the one-step reconstruction term (negative phase), each a mean over rows.
    rbm_free_energy_backward(grad_weight, grad_visible_bias, grad_hidden_bias, visible0, scratch->hidden_prob0.data(),
                             B, n, H, 1.0f / B);
    rbm_free_energy_backward(grad_weight, grad_visible_bias, grad_hidden_bias, scratch->visible1.data(),
                             scratch->hidden_prob1.data(), B, n, H, -1.0f / B);
    return reconstruction_error;
}

double rbm_train(Rbm* rbm, const Samples& data, const RbmOptions& options, Rng* rng) {
    check_sizes(*rbm, "rbm_train");
    check_pm1_samples(data, rbm->n, "the RBM", std::string(__FILE__) + ": rbm_train");
    if (options.epochs < 0 || options.batch_size < 1 || !(options.learning_rate > 0.0f) ||
        !(options.momentum >= 0.0f && options.momentum < 1.0f) || !(options.weight_decay >= 0.0f))
        throw std::runtime_error(std::string(__FILE__) + ": rbm_train: bad options (epochs " +
                                 std::to_string(options.epochs) + ", batch " + std::to_string(options.batch_size) +
                                 ", learning rate " + std::to_string(options.learning_rate) + ", momentum " +
                                 std::to_string(options.momentum) + ", weight decay " +
                                 std::to_string(options.weight_decay) + ")");
    const int n = rbm->n, H = rbm->hidden, M = data.count;
    const int max_batch = std::min(options.batch_size, M);
    std::vector<float> visible0((size_t)max_batch * n);
    std::vector<float> grad_weight((size_t)H * n), grad_visible_bias(n), grad_hidden_bias(H);
    RbmCd1Scratch scratch;
    std::vector<int> order(M);
    for (int m = 0; m < M; m++) order[m] = m;
    double reconstruction_error = 0.0;

    for (int epoch = 0; epoch < options.epochs; epoch++) {
        for (int m = M - 1; m > 0; m--) std::swap(order[m], order[rng_below(rng, (uint64_t)m + 1)]);  // Fisher–Yates
        reconstruction_error = 0.0;
        for (int first = 0; first < M; first += max_batch) {
            const int B = std::min(max_batch, M - first);
            for (int r = 0; r < B; r++)
                for (int i = 0; i < n; i++)
                    visible0[(long)r * n + i] = 0.5f * (data.spins[(long)order[first + r] * n + i] + 1.0f);  // ±1 → 0/1
            std::fill(grad_weight.begin(), grad_weight.end(), 0.0f);
            std::fill(grad_visible_bias.begin(), grad_visible_bias.end(), 0.0f);
            std::fill(grad_hidden_bias.begin(), grad_hidden_bias.end(), 0.0f);
            reconstruction_error += rbm_cd1_gradient(grad_weight.data(), grad_visible_bias.data(),
                                                     grad_hidden_bias.data(), visible0.data(), *rbm, B, &scratch, rng);

            // Momentum descent (Appendix A): velocity ← momentum·velocity − lr·(gradient + decay·W); θ ← θ + velocity.
            for (long k = 0; k < (long)H * n; k++) {
                float step = grad_weight[k] + options.weight_decay * rbm->weight[k];
                rbm->weight_velocity[k] = options.momentum * rbm->weight_velocity[k] - options.learning_rate * step;
                rbm->weight[k] += rbm->weight_velocity[k];
            }
            for (int i = 0; i < n; i++) {
                rbm->visible_bias_velocity[i] =
                    options.momentum * rbm->visible_bias_velocity[i] - options.learning_rate * grad_visible_bias[i];
                rbm->visible_bias[i] += rbm->visible_bias_velocity[i];
            }
            for (int j = 0; j < H; j++) {
                rbm->hidden_bias_velocity[j] =
                    options.momentum * rbm->hidden_bias_velocity[j] - options.learning_rate * grad_hidden_bias[j];
                rbm->hidden_bias[j] += rbm->hidden_bias_velocity[j];
            }
        }
        reconstruction_error /= M;
        // The vectorised σ maps NaN to 0 or 1, so divergence is caught here, on the parameters themselves.
        bool finite = std::isfinite(reconstruction_error);
        for (float w : rbm->weight) finite = finite && std::isfinite(w);
        for (float a : rbm->visible_bias) finite = finite && std::isfinite(a);
        for (float c : rbm->hidden_bias) finite = finite && std::isfinite(c);
        if (!finite)
            throw std::runtime_error(std::string(__FILE__) + ": rbm_train: training diverged (a parameter is not "
                                     "finite) in epoch " + std::to_string(epoch + 1));
    }
    return reconstruction_error;
}

Samples rbm_generate(const Rbm& rbm, int count, int burn_in, Rng* rng) {
    check_sizes(rbm, "rbm_generate");
    if (count < 1 || burn_in < 1)
        throw std::runtime_error(std::string(__FILE__) + ": rbm_generate: need count >= 1 and burn_in >= 1, got " +
                                 std::to_string(count) + " and " + std::to_string(burn_in));
    const int n = rbm.n, H = rbm.hidden;
    Samples out;
    out.count = count;
    out.n = n;
    out.spins.resize((size_t)count * n);
    // Chains are independent, so they run in blocks of 256 whose buffers stay in cache and are reused. 256 also keeps
    // each product below OpenBLAS's threading threshold (~2.6e5 multiply-adds; 256·20·40 ≈ 2e5): threaded products
    // this small were 2.5× slower in CPU time on the shared 2-core machine (measured: 100,000 chains × 200 steps,
    // 6.8 s with blocks of 4096 and 2 BLAS threads, 2.7 s with blocks of 256).
    const int block = std::min(count, 256);
    std::vector<float> visible((size_t)block * n), hidden((size_t)block * H);
    for (int first = 0; first < count; first += block) {
        const int B = std::min(block, count - first);
        for (long k = 0; k < (long)B * n; k++) visible[k] = rng_uniform(rng) < 0.5 ? 1.0f : 0.0f;
        for (int step = 0; step < burn_in; step++) {
            rbm_hidden_probability(hidden.data(), visible.data(), rbm, B);
            sample_bernoulli(hidden.data(), (long)B * H, rng);
            rbm_visible_probability(visible.data(), hidden.data(), rbm, B);
            sample_bernoulli(visible.data(), (long)B * n, rng);
        }
        for (long k = 0; k < (long)B * n; k++) out.spins[(long)first * n + k] = 2.0f * visible[k] - 1.0f;  // 0/1 → ±1
    }
    return out;
}
