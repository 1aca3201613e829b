// The noise predictor ε_θ(x_t, t) of the paper (Appendix A), a U-Net-like MLP. For n = 40:
//   input  a0 = [x_t | emb(t)]                       n + 128   (emb: nn/embedding.h)
//   enc1   h1 = GELU(W0·a0 + b0)                     128
//   enc2   h2 = GELU(W1·h1 + b1)                     256
//   enc3   h3 = GELU(W2·h2 + b2)                     512
//   dec1   d1 = GELU(W3·h3 + b3)                     512
//   dec2   d2 = GELU(W4·[d1 | h3] + b4)              256   ("512+512": skip connection from enc3)
//   dec3   d3 = GELU(W5·[d2 | h2] + b5)              128   ("256+256")
//   out    ε̂  =       W6·[d3 | h1] + b6              n     ("128+128", linear output)
// n = 20 drops the skips (dec2 sees d1 only, …); n = 60 widens 128/256/512 to 200/400/600 (Appendix A; the
// paper's choice per n is method/appendix_a.h). The concatenation order [decoder | skip] is torch.cat([d, h]).
//
// All weights and biases live in one float array (params), layer after layer, each weight [out × in] followed by
// its bias [out] (nn/linear.h layout), so Adam and checkpoints handle one buffer.
#pragma once
#include <vector>

#include "../data/rng.h"

struct DenoiserConfig {
    int n = 40;                        // spins: the width of x_t and of the predicted noise
    int widths[3] = {128, 256, 512};   // encoder widths; the decoder mirrors them
    bool skip = true;                  // decoder layers also read the encoder activation of their width
    int embed_dim = 128;               // sinusoidal time-embedding width, concatenated to x_t
};

// Throws std::runtime_error naming the field if a config is unusable (n < 1, widths < 1, odd embed_dim, …).
void denoiser_validate(const DenoiserConfig& config);

static const int denoiser_layer_count = 7;  // enc1, enc2, enc3, dec1, dec2, dec3, out
struct DenoiserLayer {
    int in_dim, out_dim;
    long weight_offset, bias_offset;  // into params
};
DenoiserLayer denoiser_layer(const DenoiserConfig& config, int layer);
long denoiser_param_count(const DenoiserConfig& config);

// PyTorch's nn.Linear initialisation of every layer (linear_init), layers in order, from rng.
void denoiser_init(float* params, const DenoiserConfig& config, Rng* rng);

// Activations for up to max_batch rows, allocated once and reused by every forward/backward (no allocation inside
// a training or sampling loop). The skip connections cost no copy: each decoder input [d | h] is one buffer
// [B × 2w], the encoder writes h straight into its right half and the decoder layer before writes d into its left.
struct DenoiserBuffers {
    int max_batch = 0;
    bool training = false;
    std::vector<float> cat1, cat2, cat3;     // [B × 2·w1] = [d3 | h1], [B × 2·w2] = [d2 | h2], [B × 2·w3] = [d1 | h3]
    std::vector<float> gelu_deriv[6];        // GELU'(pre-activation) of h1, h2, h3, d1, d2, d3 (training only)
    std::vector<float> dcat1, dcat2, dcat3;  // gradients of cat1..3 (training only)
};
void denoiser_buffers_init(DenoiserBuffers* buffers, const DenoiserConfig& config, int max_batch, bool training);

// eps_pred [B × n] = ε_θ(input), input [B × (n + embed_dim)] = [x_t | emb(t)] row by row. B ≤ max_batch.
// In training buffers it also keeps what denoiser_backward needs.
void denoiser_forward(float* eps_pred, DenoiserBuffers* buffers, const float* params, const DenoiserConfig& config,
                      const float* input, int B);
// grads [param_count] += ∂L/∂params for d_eps_pred = ∂L/∂eps_pred [B × n], after a training-mode forward of the
// same input. Accumulates, like every *_backward. (No gradient for the input: nothing upstream learns.)
void denoiser_backward(float* grads, DenoiserBuffers* buffers, const float* params, const DenoiserConfig& config,
                       const float* input, const float* d_eps_pred, int B);
