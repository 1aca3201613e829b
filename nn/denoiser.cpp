#include "denoiser.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "gelu.h"
#include "linear.h"

void denoiser_validate(const DenoiserConfig& config) {
    if (config.n < 1 || config.n > 100000)
        throw std::runtime_error("denoiser: n must be between 1 and 100000, got " + std::to_string(config.n));
    for (int k = 0; k < 3; k++)
        if (config.widths[k] < 1 || config.widths[k] > 100000)
            throw std::runtime_error("denoiser: width " + std::to_string(k + 1) + " must be between 1 and 100000, got " +
                                     std::to_string(config.widths[k]));
    if (config.embed_dim < 4 || config.embed_dim % 2 != 0 || config.embed_dim > 100000)
        throw std::runtime_error("denoiser: the time embedding width must be even and at least 4, got " +
                                 std::to_string(config.embed_dim));
}

DenoiserLayer denoiser_layer(const DenoiserConfig& config, int layer) {
    const int n = config.n, w1 = config.widths[0], w2 = config.widths[1], w3 = config.widths[2];
    const int skip = config.skip ? 1 : 0;
    const int in_dims[denoiser_layer_count] = {n + config.embed_dim, w1, w2, w3, (1 + skip) * w3, (1 + skip) * w2,
                                               (1 + skip) * w1};
    const int out_dims[denoiser_layer_count] = {w1, w2, w3, w3, w2, w1, n};
    if (layer < 0 || layer >= denoiser_layer_count) throw std::logic_error("denoiser_layer: no such layer");
    DenoiserLayer result = {in_dims[layer], out_dims[layer], 0, 0};
    long offset = 0;
    for (int l = 0; l < layer; l++) offset += (long)in_dims[l] * out_dims[l] + out_dims[l];
    result.weight_offset = offset;
    result.bias_offset = offset + (long)result.in_dim * result.out_dim;
    return result;
}

long denoiser_param_count(const DenoiserConfig& config) {
    DenoiserLayer last = denoiser_layer(config, denoiser_layer_count - 1);
    return last.bias_offset + last.out_dim;
}

void denoiser_init(float* params, const DenoiserConfig& config, Rng* rng) {
    denoiser_validate(config);
    for (int l = 0; l < denoiser_layer_count; l++) {
        DenoiserLayer layer = denoiser_layer(config, l);
        linear_init(params + layer.weight_offset, params + layer.bias_offset, layer.in_dim, layer.out_dim, rng);
    }
}

void denoiser_buffers_init(DenoiserBuffers* buffers, const DenoiserConfig& config, int max_batch, bool training) {
    denoiser_validate(config);
    if (max_batch < 1) throw std::runtime_error("denoiser: batch size must be at least 1");
    const long B = max_batch;
    const int w1 = config.widths[0], w2 = config.widths[1], w3 = config.widths[2];
    buffers->max_batch = max_batch;
    buffers->training = training;
    // assign() touches every page now, so no page fault happens later inside a loop.
    buffers->cat1.assign(B * 2 * w1, 0.0f);
    buffers->cat2.assign(B * 2 * w2, 0.0f);
    buffers->cat3.assign(B * 2 * w3, 0.0f);
    const int deriv_widths[6] = {w1, w2, w3, w3, w2, w1};
    for (int k = 0; k < 6; k++) buffers->gelu_deriv[k].assign(training ? B * deriv_widths[k] : 0, 0.0f);
    buffers->dcat1.assign(training ? B * 2 * w1 : 0, 0.0f);
    buffers->dcat2.assign(training ? B * 2 * w2 : 0, 0.0f);
    buffers->dcat3.assign(training ? B * 2 * w3 : 0, 0.0f);
}

// One hidden layer: out = GELU(W·in + b), written in place into a column block (row stride ld_out) of a wider
// buffer; deriv (null when not training) keeps GELU'(pre-activation) for the backward pass.
static void hidden_forward(float* out, int ld_out, const float* in, int ld_in, const float* params,
                           const DenoiserLayer& layer, float* deriv, int B) {
    linear_forward_strided(out, ld_out, in, ld_in, params + layer.weight_offset, params + layer.bias_offset, B,
                           layer.in_dim, layer.out_dim);
    gelu_forward(out, deriv, out, B, layer.out_dim, ld_out);
}

void denoiser_forward(float* eps_pred, DenoiserBuffers* buffers, const float* params, const DenoiserConfig& config,
                      const float* input, int B) {
    if (B < 1 || B > buffers->max_batch) throw std::logic_error("denoiser_forward: batch larger than the buffers");
    const int w1 = config.widths[0], w2 = config.widths[1], w3 = config.widths[2];
    float* cat1 = buffers->cat1.data();  // [d3 | h1]
    float* cat2 = buffers->cat2.data();  // [d2 | h2]
    float* cat3 = buffers->cat3.data();  // [d1 | h3]
    float* deriv[6];
    for (int k = 0; k < 6; k++) deriv[k] = buffers->training ? buffers->gelu_deriv[k].data() : nullptr;
    DenoiserLayer layers[denoiser_layer_count];
    for (int l = 0; l < denoiser_layer_count; l++) layers[l] = denoiser_layer(config, l);

    // Encoder: each h goes into the right half of the decoder input that will use it as a skip.
    hidden_forward(cat1 + w1, 2 * w1, input, config.n + config.embed_dim, params, layers[0], deriv[0], B);  // h1
    hidden_forward(cat2 + w2, 2 * w2, cat1 + w1, 2 * w1, params, layers[1], deriv[1], B);                  // h2
    hidden_forward(cat3 + w3, 2 * w3, cat2 + w2, 2 * w2, params, layers[2], deriv[2], B);                  // h3
    // Decoder: each d goes into the left half of the next decoder input; with skips the layer reads both halves
    // (in_dim = 2w), without them only the left one (in_dim = w, same row stride).
    hidden_forward(cat3, 2 * w3, cat3 + w3, 2 * w3, params, layers[3], deriv[3], B);  // d1 = f(h3)
    hidden_forward(cat2, 2 * w2, cat3, 2 * w3, params, layers[4], deriv[4], B);       // d2 = f([d1 | h3])
    hidden_forward(cat1, 2 * w1, cat2, 2 * w2, params, layers[5], deriv[5], B);       // d3 = f([d2 | h2])
    const DenoiserLayer& out = layers[6];                                             // ε̂ = W6·[d3 | h1] + b6
    linear_forward_strided(eps_pred, config.n, cat1, 2 * w1, params + out.weight_offset, params + out.bias_offset, B,
                           out.in_dim, out.out_dim);
}

// Gradient through one layer: grads of W and b accumulate; dout is the gradient of the layer's output (already
// multiplied by GELU' for a hidden layer); din (a column block of a gradient buffer, or null) accumulates.
static void layer_backward(float* grads, float* din, int ld_din, const float* dout, int ld_dout, const float* in,
                           int ld_in, const float* params, const DenoiserLayer& layer, int B) {
    linear_backward_strided(din, ld_din, grads + layer.weight_offset, grads + layer.bias_offset, dout, ld_dout, in,
                            ld_in, params + layer.weight_offset, B, layer.in_dim, layer.out_dim);
}

void denoiser_backward(float* grads, DenoiserBuffers* buffers, const float* params, const DenoiserConfig& config,
                       const float* input, const float* d_eps_pred, int B) {
    if (!buffers->training) throw std::logic_error("denoiser_backward: the buffers were made for inference");
    if (B < 1 || B > buffers->max_batch) throw std::logic_error("denoiser_backward: batch larger than the buffers");
    const int w1 = config.widths[0], w2 = config.widths[1], w3 = config.widths[2];
    const float* cat1 = buffers->cat1.data();
    const float* cat2 = buffers->cat2.data();
    const float* cat3 = buffers->cat3.data();
    float* dcat1 = buffers->dcat1.data();  // [dd3 | dh1]
    float* dcat2 = buffers->dcat2.data();  // [dd2 | dh2]
    float* dcat3 = buffers->dcat3.data();  // [dd1 | dh3]
    const float* deriv[6];
    for (int k = 0; k < 6; k++) deriv[k] = buffers->gelu_deriv[k].data();
    DenoiserLayer layers[denoiser_layer_count];
    for (int l = 0; l < denoiser_layer_count; l++) layers[l] = denoiser_layer(config, l);

    // The activation gradients accumulate (an encoder output feeds two layers), so they start from zero.
    std::memset(dcat1, 0, sizeof(float) * B * 2 * w1);
    std::memset(dcat2, 0, sizeof(float) * B * 2 * w2);
    std::memset(dcat3, 0, sizeof(float) * B * 2 * w3);

    // Reverse order of denoiser_forward. After a layer's backward fills the gradient of its input, gelu_backward
    // turns the gradient of each GELU output (d or h) into that of its pre-activation, in place.
    layer_backward(grads, dcat1, 2 * w1, d_eps_pred, config.n, cat1, 2 * w1, params, layers[6], B);  // out
    gelu_backward(dcat1, deriv[5], B, w1, 2 * w1);                                                   // d3
    layer_backward(grads, dcat2, 2 * w2, dcat1, 2 * w1, cat2, 2 * w2, params, layers[5], B);         // dec3
    gelu_backward(dcat2, deriv[4], B, w2, 2 * w2);                                                   // d2
    layer_backward(grads, dcat3, 2 * w3, dcat2, 2 * w2, cat3, 2 * w3, params, layers[4], B);         // dec2
    gelu_backward(dcat3, deriv[3], B, w3, 2 * w3);                                                   // d1
    // h3 feeds dec1 and (skip) dec2: dec1's backward adds to the dh3 that dec2's left there.
    layer_backward(grads, dcat3 + w3, 2 * w3, dcat3, 2 * w3, cat3 + w3, 2 * w3, params, layers[3], B);     // dec1
    gelu_backward(dcat3 + w3, deriv[2], B, w3, 2 * w3);                                                    // h3
    layer_backward(grads, dcat2 + w2, 2 * w2, dcat3 + w3, 2 * w3, cat2 + w2, 2 * w2, params, layers[2], B);  // enc3
    gelu_backward(dcat2 + w2, deriv[1], B, w2, 2 * w2);                                                    // h2
    layer_backward(grads, dcat1 + w1, 2 * w1, dcat2 + w2, 2 * w2, cat1 + w1, 2 * w1, params, layers[1], B);  // enc2
    gelu_backward(dcat1 + w1, deriv[0], B, w1, 2 * w1);                                                    // h1
    layer_backward(grads, nullptr, 0, dcat1 + w1, 2 * w1, input, config.n + config.embed_dim, params, layers[0],
                   B);  // enc1
}
