// The denoiser ε_θ(x_t, t) of Appendix A, its loss and its optimiser, one row at a time in double (reference.h).
//
//   input  a0 = [x_t | emb(t)]          enc1  h1 = GELU(W0·a0 + b0)        enc2  h2 = GELU(W1·h1 + b1)
//   enc3   h3 = GELU(W2·h2 + b2)        dec1  d1 = GELU(W3·h3 + b3)        dec2  d2 = GELU(W4·[d1 | h3] + b4)
//   dec3   d3 = GELU(W5·[d2 | h2] + b5) out   ε̂  = W6·[d3 | h1] + b6
// ("512, 512+512, 256+256, 128+128" in Appendix A; without skips each decoder layer reads d only.)
#include <cmath>
#include <stdexcept>

#include "reference.h"

namespace reference {

// Which activations each layer reads, in concatenation order: hidden k = 0 … 5 is h1, h2, h3, d1, d2, d3;
// -1 is the network input; the second entry is the skip connection (used only when shape.skip).
static const int layer_sources[7][2] = {{-1, -1}, {0, -1}, {1, -1}, {2, -1}, {3, 2}, {4, 1}, {5, 0}};

LayerShape layer_shape(const NetworkShape& shape, int layer) {
    const int w1 = shape.widths[0], w2 = shape.widths[1], w3 = shape.widths[2], k = shape.skip ? 2 : 1;
    const int in_dims[7] = {shape.n + shape.embed_dim, w1, w2, w3, k * w3, k * w2, k * w1};
    const int out_dims[7] = {w1, w2, w3, w3, w2, w1, shape.n};
    if (layer < 0 || layer > 6) throw std::logic_error("layer_shape: layers are 0 … 6");
    long offset = 0;
    for (int l = 0; l < layer; l++) offset += (long)in_dims[l] * out_dims[l] + out_dims[l];
    return {in_dims[layer], out_dims[layer], offset, offset + (long)in_dims[layer] * out_dims[layer]};
}

long parameter_count(const NetworkShape& shape) {
    LayerShape last = layer_shape(shape, 6);
    return last.bias_offset + last.out_dim;
}

// out[i] = sin(t·f_i), out[half + i] = cos(t·f_i), f_i = 10⁻⁴^(i/(half − 1)): frequencies from 1 down to 10⁻⁴.
Vector sinusoidal_embedding(int t, int dim) {
    const int half = dim / 2;
    Vector out(dim);
    for (int i = 0; i < half; i++) {
        double frequency = std::exp(-std::log(10000.0) * i / (half - 1));
        out[i] = std::sin(t * frequency);
        out[half + i] = std::cos(t * frequency);
    }
    return out;
}

// erf by Abramowitz & Stegun 7.1.26: erf(z) ≈ 1 − (a1·u + a2·u² + … + a5·u⁵)·exp(−z²), u = 1/(1 + p·z), z ≥ 0.
static double erf_abramowitz_stegun(double x) {
    const double p = 0.3275911, a1 = 0.254829592, a2 = -0.284496736, a3 = 1.421413741, a4 = -1.453152027,
                 a5 = 1.061405429;
    double z = std::fabs(x), u = 1.0 / (1.0 + p * z);
    double value = 1.0 - u * (a1 + u * (a2 + u * (a3 + u * (a4 + u * a5)))) * std::exp(-z * z);
    return x < 0 ? -value : value;
}

// Φ(x) = ½(1 + erf(x/√2)), the standard normal distribution function.
static double normal_cdf(double x, Gelu kind) {
    double z = x / std::sqrt(2.0);
    return 0.5 * (1.0 + (kind == Gelu::exact_erf ? std::erf(z) : erf_abramowitz_stegun(z)));
}

double gelu(double x, Gelu kind) { return x * normal_cdf(x, kind); }

double gelu_derivative(double x, Gelu kind) {
    const double density = std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);  // φ(x)
    return normal_cdf(x, kind) + x * density;
}

// The input vector of layer l: the network input, or [source | skip] of the hidden activations.
static Vector layer_input(const Activations& act, int layer, bool skip) {
    if (layer == 0) return act.input;
    Vector in = act.post[layer_sources[layer][0]];
    if (skip && layer_sources[layer][1] >= 0) {
        const Vector& skipped = act.post[layer_sources[layer][1]];
        in.insert(in.end(), skipped.begin(), skipped.end());
    }
    return in;
}

// y = W·x + b, W [out × in] row-major.
static Vector linear(const Vector& params, const LayerShape& layer, const Vector& x) {
    Vector y(layer.out_dim);
    for (int o = 0; o < layer.out_dim; o++) {
        double sum = params[layer.bias_offset + o];
        for (int i = 0; i < layer.in_dim; i++) sum += params[layer.weight_offset + (long)o * layer.in_dim + i] * x[i];
        y[o] = sum;
    }
    return y;
}

Activations denoiser_forward(const Vector& params, const NetworkShape& shape, const Vector& input, Gelu kind) {
    if ((long)params.size() != parameter_count(shape) || (int)input.size() != shape.n + shape.embed_dim)
        throw std::logic_error("reference denoiser_forward: parameter or input size does not match the shape");
    Activations act;
    act.input = input;
    for (int l = 0; l < 7; l++) {
        Vector z = linear(params, layer_shape(shape, l), layer_input(act, l, shape.skip));
        if (l == 6) {
            act.output = z;  // the output layer is linear
            break;
        }
        act.pre[l] = z;
        act.post[l].resize(z.size());
        for (size_t j = 0; j < z.size(); j++) act.post[l][j] = gelu(z[j], kind);
    }
    return act;
}

// Backpropagation, layers in reverse. dz is ∂L/∂(layer l's pre-activation); the gradient of its input is split
// back into the activations it was concatenated from, which add up (h_k feeds two layers when skips are on).
void denoiser_backward(const Vector& params, const NetworkShape& shape, const Activations& act, const Vector& d_output,
                       Gelu kind, Vector* grads) {
    Vector d_post[6];
    for (int k = 0; k < 6; k++) d_post[k].assign(act.post[k].size(), 0.0);
    for (int l = 6; l >= 0; l--) {
        const LayerShape layer = layer_shape(shape, l);
        Vector dz(layer.out_dim);                // ∂L/∂z, z = W·in + b
        for (int o = 0; o < layer.out_dim; o++)  // the output layer is linear; the others go through GELU
            dz[o] = l == 6 ? d_output[o] : d_post[l][o] * gelu_derivative(act.pre[l][o], kind);
        const Vector in = layer_input(act, l, shape.skip);
        for (int o = 0; o < layer.out_dim; o++) {  // ∂L/∂W = dz ⊗ in, ∂L/∂b = dz
            (*grads)[layer.bias_offset + o] += dz[o];
            for (int i = 0; i < layer.in_dim; i++)
                (*grads)[layer.weight_offset + (long)o * layer.in_dim + i] += dz[o] * in[i];
        }
        if (l == 0) break;               // the network input learns nothing
        Vector d_in(layer.in_dim, 0.0);  // ∂L/∂in = Wᵀ·dz
        for (int o = 0; o < layer.out_dim; o++)
            for (int i = 0; i < layer.in_dim; i++)
                d_in[i] += params[layer.weight_offset + (long)o * layer.in_dim + i] * dz[o];
        const int first = layer_sources[l][0], second = layer_sources[l][1];
        const int width = (int)d_post[first].size();
        for (int i = 0; i < width; i++) d_post[first][i] += d_in[i];
        if (shape.skip && second >= 0)
            for (size_t i = 0; i < d_post[second].size(); i++) d_post[second][i] += d_in[width + i];
    }
}

double mse_loss(const Vector& predicted, const Vector& target) {
    double sum = 0.0;
    for (size_t k = 0; k < predicted.size(); k++) sum += (predicted[k] - target[k]) * (predicted[k] - target[k]);
    return sum / (double)predicted.size();
}

Vector mse_loss_gradient(const Vector& predicted, const Vector& target) {
    Vector gradient(predicted.size());
    for (size_t k = 0; k < predicted.size(); k++)
        gradient[k] = 2.0 * (predicted[k] - target[k]) / (double)predicted.size();
    return gradient;
}

// m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  θ ← θ − lr · m̂/(√v̂ + ε) with m̂ = m/(1−β1^k), v̂ = v/(1−β2^k),
// ε added to √v̂ as torch.optim.Adam does (not to √v as in Kingma & Ba's efficient variant).
void adam_step(Vector* params, const Vector& grads, AdamState* adam) {
    if (adam->m.empty()) adam->m.assign(params->size(), 0.0), adam->v.assign(params->size(), 0.0);
    adam->step++;
    const double correction1 = 1.0 - std::pow(adam->beta1, (double)adam->step);
    const double correction2 = 1.0 - std::pow(adam->beta2, (double)adam->step);
    for (size_t k = 0; k < params->size(); k++) {
        adam->m[k] = adam->beta1 * adam->m[k] + (1.0 - adam->beta1) * grads[k];
        adam->v[k] = adam->beta2 * adam->v[k] + (1.0 - adam->beta2) * grads[k] * grads[k];
        double m_hat = adam->m[k] / correction1, v_hat = adam->v[k] / correction2;
        (*params)[k] -= adam->learning_rate * m_hat / (std::sqrt(v_hat) + adam->epsilon);
    }
}

}  // namespace reference
