// Variational autoencoder n-30-20-10-20-30-n: forward, backward, Adam training, generation. Notation in vae.h.
#include "vae.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "adam.h"
#include "fast_math.h"
#include "linear.h"
#include "vector_kernel.h"

// ---- hidden nonlinearity, in place: values = f(values); and d_in += d_out · f'(in), written through the output
// (tanh: 1 − out², ReLU: out > 0), so the backward needs only the stored output.

// tanh over a buffer, in place, with the vectorisable tanh of fast_math.h (with libm's scalar tanhf, training took
// 60 % longer than with ReLU; with this kernel it is as fast, ~1.4 µs per sample and epoch). A NaN comes out as ±1,
// so vae_train checks its parameters instead.
VECTOR_KERNEL static void tanh_inplace(float* __restrict values, long count) {
    for (long k = 0; k < count; k++) values[k] = tanh_vectorisable(values[k]);
}

static void activation_forward(float* values, long count, VaeActivation activation) {
    if (activation == VAE_TANH)
        tanh_inplace(values, count);
    else
        for (long k = 0; k < count; k++) values[k] = std::max(values[k], 0.0f);
}

// The ReLU derivative is a 0/1 factor rather than a branch: the signs are unpredictable.
static void activation_backward(float* d_in, const float* d_out, const float* out, long count, VaeActivation activation) {
    if (activation == VAE_TANH)
        for (long k = 0; k < count; k++) d_in[k] += d_out[k] * (1.0f - out[k] * out[k]);
    else
        for (long k = 0; k < count; k++) d_in[k] += d_out[k] * (float)(out[k] > 0.0f);
}

// log(1 + e^x) = max(x, 0) + log(1 + e^−|x|), which cannot overflow. Float, and log rather than log1p (libm's
// log1pf was a sixth of the training time): this runs n times per sample and step. Where e^−|x| < 6e-8 the 1 + e^−|x|
// rounds to 1, an absolute error below 6e-8 per term; the sum is kept in double.
static float softplus(float x) { return std::max(x, 0.0f) + std::log(1.0f + std::exp(-std::fabs(x))); }

// Rows per block when evaluating or generating many samples: buffers stay in cache, and each product stays below
// OpenBLAS's threading threshold (~2.6e5 multiply-adds; 128·40·30 ≈ 1.5e5), since small threaded products were
// several times slower in CPU time on the shared 2-core machine (see rbm_generate).
constexpr int VAE_BLOCK = 128;

// ---- parameters

void vae_init(Vae* vae, int n, Rng* rng, VaeActivation activation) {
    if (n < 1) throw std::runtime_error(std::string(__FILE__) + ": vae_init: need n >= 1, got " + std::to_string(n));
    vae->n = n;
    vae->activation = activation;
    const int in_dim[VAE_LAYERS] = {n, VAE_HIDDEN1, VAE_HIDDEN2, VAE_HIDDEN2, VAE_LATENT, VAE_HIDDEN2, VAE_HIDDEN1};
    const int out_dim[VAE_LAYERS] = {VAE_HIDDEN1, VAE_HIDDEN2, VAE_LATENT, VAE_LATENT, VAE_HIDDEN2, VAE_HIDDEN1, n};
    long total = 0;
    for (int layer = 0; layer < VAE_LAYERS; layer++) {
        vae->in_dim[layer] = in_dim[layer];
        vae->out_dim[layer] = out_dim[layer];
        vae->weight_offset[layer] = total;
        total += (long)out_dim[layer] * in_dim[layer];
        vae->bias_offset[layer] = total;
        total += out_dim[layer];
    }
    vae->params.assign(total, 0.0f);
    for (int layer = 0; layer < VAE_LAYERS; layer++)
        linear_init(&vae->params[vae->weight_offset[layer]], &vae->params[vae->bias_offset[layer]], in_dim[layer],
                    out_dim[layer], rng);
    vae->grads.assign(total, 0.0f);
    vae->adam_m.assign(total, 0.0f);
    vae->adam_v.assign(total, 0.0f);
    vae->adam_step = 0;
}

static void check_initialised(const Vae& vae, const char* where) {
    if (vae.n < 1 || vae.params.empty() || vae.grads.size() != vae.params.size())
        throw std::runtime_error(std::string(__FILE__) + ": " + where + ": VAE is not initialised (call vae_init)");
}

// One dense layer of the VAE, forward (out = in·Wᵀ + b) and backward, by layer index.
static void layer_forward(const Vae& vae, int layer, float* out, const float* in, int B) {
    linear_forward(out, in, &vae.params[vae.weight_offset[layer]], &vae.params[vae.bias_offset[layer]], B,
                   vae.in_dim[layer], vae.out_dim[layer]);
}
static void layer_backward(Vae* vae, int layer, float* d_in, const float* d_out, const float* in, int B) {
    linear_backward(d_in, &vae->grads[vae->weight_offset[layer]], &vae->grads[vae->bias_offset[layer]], d_out, in,
                    &vae->params[vae->weight_offset[layer]], B, vae->in_dim[layer], vae->out_dim[layer]);
}

static void reserve(VaeActivations* acts, int B, int n) {
    if (acts->capacity >= B && (long)acts->logits.size() == (long)acts->capacity * n) return;
    const size_t rows = (size_t)B;
    for (std::vector<float>* buffer : {&acts->enc1, &acts->d_enc1, &acts->d_enc1_pre, &acts->dec2, &acts->d_dec2,
                                       &acts->d_dec2_pre})
        buffer->assign(rows * VAE_HIDDEN1, 0.0f);
    for (std::vector<float>* buffer : {&acts->enc2, &acts->d_enc2, &acts->d_enc2_pre, &acts->dec1, &acts->d_dec1,
                                       &acts->d_dec1_pre})
        buffer->assign(rows * VAE_HIDDEN2, 0.0f);
    for (std::vector<float>* buffer : {&acts->mean, &acts->log_variance, &acts->noise, &acts->latent, &acts->d_mean,
                                       &acts->d_log_variance, &acts->d_latent})
        buffer->assign(rows * VAE_LATENT, 0.0f);
    acts->logits.assign(rows * n, 0.0f);
    acts->d_logits.assign(rows * n, 0.0f);
    acts->capacity = B;
}

// Decoder z[B × 10] → dec1 [B × 20] → dec2 [B × 30] → logits [B × n].
static void decode(const Vae& vae, float* dec1, float* dec2, float* logits, const float* latent, int B) {
    layer_forward(vae, VAE_DEC1, dec1, latent, B);
    activation_forward(dec1, (long)B * VAE_HIDDEN2, vae.activation);
    layer_forward(vae, VAE_DEC2, dec2, dec1, B);
    activation_forward(dec2, (long)B * VAE_HIDDEN1, vae.activation);
    layer_forward(vae, VAE_DEC3, logits, dec2, B);
}

double vae_forward(const Vae& vae, VaeActivations* acts, const float* input, const float* noise, int B) {
    check_initialised(vae, "vae_forward");
    if (B < 1) throw std::runtime_error(std::string(__FILE__) + ": vae_forward: need B >= 1, got " + std::to_string(B));
    const int n = vae.n;
    reserve(acts, B, n);
    // Encoder x → 30 → 20 → (mean, log_variance).
    layer_forward(vae, VAE_ENC1, acts->enc1.data(), input, B);
    activation_forward(acts->enc1.data(), (long)B * VAE_HIDDEN1, vae.activation);
    layer_forward(vae, VAE_ENC2, acts->enc2.data(), acts->enc1.data(), B);
    activation_forward(acts->enc2.data(), (long)B * VAE_HIDDEN2, vae.activation);
    layer_forward(vae, VAE_ENC_MEAN, acts->mean.data(), acts->enc2.data(), B);
    layer_forward(vae, VAE_ENC_LOG_VARIANCE, acts->log_variance.data(), acts->enc2.data(), B);
    // Reparameterisation trick: z = mean + exp(log_variance/2)·ε, so z is differentiable in the encoder's output.
    for (long k = 0; k < (long)B * VAE_LATENT; k++) {
        acts->noise[k] = noise[k];
        acts->latent[k] = acts->mean[k] + std::exp(0.5f * acts->log_variance[k]) * noise[k];
    }
    decode(vae, acts->dec1.data(), acts->dec2.data(), acts->logits.data(), acts->latent.data(), B);

    // Negative ELBO (vae.h), summed in double.
    double loss = 0.0;
    for (long k = 0; k < (long)B * n; k++) loss += softplus(acts->logits[k]) - input[k] * acts->logits[k];
    for (long k = 0; k < (long)B * VAE_LATENT; k++) {
        double mean = acts->mean[k], log_variance = acts->log_variance[k];
        loss += 0.5 * (mean * mean + std::exp(log_variance) - 1.0 - log_variance);
    }
    return loss / B;
}

void vae_backward(Vae* vae, VaeActivations* acts, const float* input, int B) {
    check_initialised(*vae, "vae_backward");
    const int n = vae->n;
    const float inverse_batch = 1.0f / B;
    // linear_backward and activation_backward accumulate into the d_* buffers, so they start at zero.
    for (std::vector<float>* buffer : {&acts->d_enc1, &acts->d_enc1_pre, &acts->d_enc2, &acts->d_enc2_pre,
                                       &acts->d_latent, &acts->d_dec1, &acts->d_dec1_pre, &acts->d_dec2,
                                       &acts->d_dec2_pre})
        std::fill(buffer->begin(), buffer->end(), 0.0f);

    // ∂/∂logit of softplus(logit) − x·logit is sigmoid(logit) − x.
    for (long k = 0; k < (long)B * n; k++)
        acts->d_logits[k] = (1.0f / (1.0f + std::exp(-acts->logits[k])) - input[k]) * inverse_batch;
    // Decoder, backwards.
    layer_backward(vae, VAE_DEC3, acts->d_dec2.data(), acts->d_logits.data(), acts->dec2.data(), B);
    activation_backward(acts->d_dec2_pre.data(), acts->d_dec2.data(), acts->dec2.data(), (long)B * VAE_HIDDEN1,
                        vae->activation);
    layer_backward(vae, VAE_DEC2, acts->d_dec1.data(), acts->d_dec2_pre.data(), acts->dec1.data(), B);
    activation_backward(acts->d_dec1_pre.data(), acts->d_dec1.data(), acts->dec1.data(), (long)B * VAE_HIDDEN2,
                        vae->activation);
    layer_backward(vae, VAE_DEC1, acts->d_latent.data(), acts->d_dec1_pre.data(), acts->latent.data(), B);
    // Through z = mean + exp(log_variance/2)·ε, plus the KL term's own derivatives
    // ∂KL/∂mean = mean, ∂KL/∂log_variance = (exp(log_variance) − 1)/2.
    for (long k = 0; k < (long)B * VAE_LATENT; k++) {
        float standard_deviation = std::exp(0.5f * acts->log_variance[k]);
        acts->d_mean[k] = acts->d_latent[k] + acts->mean[k] * inverse_batch;
        acts->d_log_variance[k] = acts->d_latent[k] * 0.5f * standard_deviation * acts->noise[k] +
                                  0.5f * (standard_deviation * standard_deviation - 1.0f) * inverse_batch;
    }
    // Encoder, backwards: both heads feed enc2, so their input gradients add up in d_enc2.
    layer_backward(vae, VAE_ENC_MEAN, acts->d_enc2.data(), acts->d_mean.data(), acts->enc2.data(), B);
    layer_backward(vae, VAE_ENC_LOG_VARIANCE, acts->d_enc2.data(), acts->d_log_variance.data(), acts->enc2.data(), B);
    activation_backward(acts->d_enc2_pre.data(), acts->d_enc2.data(), acts->enc2.data(), (long)B * VAE_HIDDEN2,
                        vae->activation);
    layer_backward(vae, VAE_ENC2, acts->d_enc1.data(), acts->d_enc2_pre.data(), acts->enc1.data(), B);
    activation_backward(acts->d_enc1_pre.data(), acts->d_enc1.data(), acts->enc1.data(), (long)B * VAE_HIDDEN1,
                        vae->activation);
    layer_backward(vae, VAE_ENC1, nullptr, acts->d_enc1_pre.data(), input, B);
}

double vae_train(Vae* vae, const Samples& data, const VaeOptions& options, Rng* rng) {
    check_initialised(*vae, "vae_train");
    check_pm1_samples(data, vae->n, "the VAE", std::string(__FILE__) + ": vae_train");
    const AdamConfig& adam = options.adam;
    if (options.epochs < 0 || options.batch_size < 1 || !(adam.learning_rate > 0.0f) ||
        !(adam.beta1 >= 0.0f && adam.beta1 < 1.0f) || !(adam.beta2 >= 0.0f && adam.beta2 < 1.0f) ||
        !(adam.epsilon > 0.0f))
        throw std::runtime_error(std::string(__FILE__) + ": vae_train: bad options (epochs " +
                                 std::to_string(options.epochs) + ", batch " + std::to_string(options.batch_size) +
                                 ", learning rate " + std::to_string(adam.learning_rate) + ")");
    const int n = vae->n, M = data.count;
    const int max_batch = std::min(options.batch_size, M);
    VaeActivations acts;
    std::vector<float> input((size_t)max_batch * n), noise((size_t)max_batch * VAE_LATENT);
    std::vector<int> order(M);
    for (int m = 0; m < M; m++) order[m] = m;
    const long parameter_count = (long)vae->params.size();
    std::fill(vae->grads.begin(), vae->grads.end(), 0.0f);  // backward accumulates; start from zero
    double epoch_loss = 0.0;

    for (int epoch = 0; epoch < options.epochs; epoch++) {
        for (int m = M - 1; m > 0; m--) std::swap(order[m], order[rng_below(rng, (uint64_t)m + 1)]);  // Fisher–Yates
        epoch_loss = 0.0;
        for (int first = 0; first < M; first += max_batch) {
            const int B = std::min(max_batch, M - first);
            for (int r = 0; r < B; r++)
                for (int i = 0; i < n; i++)
                    input[(long)r * n + i] = 0.5f * (data.spins[(long)order[first + r] * n + i] + 1.0f);  // ±1 → 0/1
            for (long k = 0; k < (long)B * VAE_LATENT; k++) noise[k] = (float)rng_normal(rng);
            double loss = vae_forward(*vae, &acts, input.data(), noise.data(), B);
            if (!std::isfinite(loss))
                throw std::runtime_error(std::string(__FILE__) + ": vae_train: loss became non-finite in epoch " +
                                         std::to_string(epoch + 1));
            epoch_loss += loss * B;
            vae_backward(vae, &acts, input.data(), B);

            // Adam, learning rate 0.001 (Appendix A); adam_update also sets the gradients back to zero.
            vae->adam_step++;
            adam_update(vae->params.data(), vae->grads.data(), vae->adam_m.data(), vae->adam_v.data(), parameter_count,
                        options.adam, vae->adam_step);
        }
        epoch_loss /= M;
        // The vectorised tanh maps NaN to ±1, which could hide a diverged layer from the loss; check the parameters.
        for (float parameter : vae->params)
            if (!std::isfinite(parameter))
                throw std::runtime_error(std::string(__FILE__) + ": vae_train: a parameter became non-finite in epoch " +
                                         std::to_string(epoch + 1));
    }
    return epoch_loss;
}

double vae_negative_elbo(const Vae& vae, const Samples& data, Rng* rng) {
    check_initialised(vae, "vae_negative_elbo");
    check_pm1_samples(data, vae.n, "the VAE", std::string(__FILE__) + ": vae_negative_elbo");
    const int n = vae.n, block = std::min(data.count, VAE_BLOCK);
    VaeActivations acts;
    std::vector<float> input((size_t)block * n), noise((size_t)block * VAE_LATENT);
    double total = 0.0;
    for (int first = 0; first < data.count; first += block) {
        const int B = std::min(block, data.count - first);
        for (long k = 0; k < (long)B * n; k++) input[k] = 0.5f * (data.spins[(long)first * n + k] + 1.0f);
        for (long k = 0; k < (long)B * VAE_LATENT; k++) noise[k] = (float)rng_normal(rng);
        total += vae_forward(vae, &acts, input.data(), noise.data(), B) * B;
    }
    return total / data.count;
}

Samples vae_generate(const Vae& vae, int count, bool threshold, Rng* rng) {
    check_initialised(vae, "vae_generate");
    if (count < 1)
        throw std::runtime_error(std::string(__FILE__) + ": vae_generate: need count >= 1, got " + std::to_string(count));
    const int n = vae.n, block = std::min(count, VAE_BLOCK);
    Samples out;
    out.count = count;
    out.n = n;
    out.spins.resize((size_t)count * n);
    std::vector<float> latent((size_t)block * VAE_LATENT), dec1((size_t)block * VAE_HIDDEN2);
    std::vector<float> dec2((size_t)block * VAE_HIDDEN1), logits((size_t)block * n);
    for (int first = 0; first < count; first += block) {
        const int B = std::min(block, count - first);
        for (long k = 0; k < (long)B * VAE_LATENT; k++) latent[k] = (float)rng_normal(rng);  // z ~ N(0, I), the prior
        decode(vae, dec1.data(), dec2.data(), logits.data(), latent.data(), B);
        float* spins = &out.spins[(long)first * n];
        for (long k = 0; k < (long)B * n; k++) {
            float probability = 1.0f / (1.0f + std::exp(-logits[k]));
            bool up = threshold ? probability > 0.5f : rng_uniform(rng) < probability;
            spins[k] = up ? 1.0f : -1.0f;
        }
    }
    return out;
}
