// nn/ layers: values against exact formulas, every backward against central finite differences.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "../data/rng.h"
#include "../nn/adam.h"
#include "../nn/denoiser.h"
#include "../method/appendix_a.h"
#include "../nn/embedding.h"
#include "../nn/gelu.h"
#include "../nn/linear.h"
#include "../nn/loss.h"

static std::vector<float> random_vector(long count, Rng* rng, double scale = 1.0) {
    std::vector<float> values(count);
    for (float& value : values) value = (float)(scale * rng_normal(rng));
    return values;
}

static double exact_gelu(double x) { return x * 0.5 * std::erfc(-x / std::sqrt(2.0)); }
static double exact_gelu_derivative(double x) {
    return 0.5 * std::erfc(-x / std::sqrt(2.0)) + x * std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
}

TEST_CASE("gelu: exact erf form to float precision, derivative, strided in place", "[nn]") {
    // 40,001 points on [−12, 12]: the fast erf (A&S 7.1.26) stays within 5e-7 of the exact double value,
    // i.e. a few float ulps (measured maximum 4.2e-7 at x ≈ 3.1, where one ulp of GELU(x) is 2.4e-7).
    const int count = 40001;
    std::vector<float> x(count), y(count), deriv(count);
    for (int i = 0; i < count; i++) x[i] = (float)(-12.0 + 24.0 * i / (count - 1));
    gelu_forward(y.data(), deriv.data(), x.data(), 1, count, count);
    double worst = 0.0, worst_deriv = 0.0;
    for (int i = 0; i < count; i++) {
        worst = std::max(worst, std::fabs(y[i] - exact_gelu(x[i])));
        worst_deriv = std::max(worst_deriv, std::fabs(deriv[i] - exact_gelu_derivative(x[i])));
    }
    CHECK(worst < 5e-7);
    CHECK(worst_deriv < 5e-7);
    // Known values: GELU(1) = Φ(1) = 0.8413447460685429, GELU(−1) = −0.15865525393145707, GELU(0) = 0.
    float known_x[3] = {1.0f, -1.0f, 0.0f}, known_y[3], known_d[3];
    gelu_forward(known_y, known_d, known_x, 1, 3, 3);
    CHECK(known_y[0] == Approx(0.8413447460685429).margin(3e-7));
    CHECK(known_y[1] == Approx(-0.15865525393145707).margin(3e-7));
    CHECK(known_y[2] == 0.0f);
    CHECK(known_d[2] == Approx(0.5).margin(3e-7));
    // Huge inputs do not produce NaN: GELU(x) → x for x → ∞ and → 0 for x → −∞.
    float big_x[2] = {1e30f, -1e30f}, big_y[2];
    gelu_forward(big_y, nullptr, big_x, 1, 2, 2);
    CHECK(big_y[0] == 1e30f);
    CHECK(big_y[1] == Approx(0.0).margin(1e-20));
    // NaN propagates (the training loop's NaN check relies on it).
    float nan_x = std::nanf(""), nan_y;
    gelu_forward(&nan_y, nullptr, &nan_x, 1, 1, 1);
    CHECK(std::isnan(nan_y));

    // In place on a column block (rows 3, cols 5 inside a row stride of 8): the other columns are untouched, and
    // gelu_backward multiplies exactly that block by the derivative.
    Rng rng;
    rng_seed(&rng, 3);
    std::vector<float> block = random_vector(3 * 8, &rng, 2.0), original = block, block_deriv(3 * 5);
    gelu_forward(block.data() + 2, block_deriv.data(), block.data() + 2, 3, 5, 8);
    std::vector<float> grad(3 * 8, 1.5f);
    gelu_backward(grad.data() + 2, block_deriv.data(), 3, 5, 8);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 8; c++) {
            bool inside = c >= 2 && c < 7;
            float expected = inside ? (float)exact_gelu(original[r * 8 + c]) : original[r * 8 + c];
            CHECK(block[r * 8 + c] == Approx(expected).margin(1e-6));
            float expected_grad = inside ? 1.5f * (float)exact_gelu_derivative(original[r * 8 + c]) : 1.5f;
            CHECK(grad[r * 8 + c] == Approx(expected_grad).margin(1e-6));
        }
}

TEST_CASE("gelu: derivative agrees with finite differences of the forward", "[nn]") {
    const int count = 200;
    std::vector<float> x(count), deriv(count);
    for (int i = 0; i < count; i++) x[i] = (float)(-6.0 + 12.0 * i / (count - 1));
    std::vector<float> y(count);
    gelu_forward(y.data(), deriv.data(), x.data(), 1, count, count);
    const float h = 1e-2f;
    for (int i = 0; i < count; i++) {
        float plus_x = x[i] + h, minus_x = x[i] - h, plus_y, minus_y;
        gelu_forward(&plus_y, nullptr, &plus_x, 1, 1, 1);
        gelu_forward(&minus_y, nullptr, &minus_x, 1, 1, 1);
        double numeric = ((double)plus_y - minus_y) / ((double)plus_x - minus_x);
        CHECK(deriv[i] == Approx(numeric).margin(2e-4));
    }
}

TEST_CASE("embedding: pinned [sin | cos] convention at known t", "[nn]") {
    std::vector<float> e(128);
    sinusoidal_embedding(e.data(), 1.0, 128);
    CHECK(e[0] == Approx(std::sin(1.0)).margin(1e-7));     // frequency 1
    CHECK(e[64] == Approx(std::cos(1.0)).margin(1e-7));
    CHECK(e[63] == Approx(std::sin(1e-4)).margin(1e-10));  // last frequency exactly 1e-4
    CHECK(e[127] == Approx(std::cos(1e-4)).margin(1e-7));
    sinusoidal_embedding(e.data(), 1000.0, 128);
    CHECK(e[63] == Approx(std::sin(0.1)).margin(1e-7));
    CHECK(e[127] == Approx(std::cos(0.1)).margin(1e-7));
    double f32 = std::exp(-std::log(1e4) * 32.0 / 63.0);  // i = 32 of half = 64
    CHECK(e[32] == Approx(std::sin(1000.0 * f32)).margin(1e-6));
    CHECK(e[96] == Approx(std::cos(1000.0 * f32)).margin(1e-6));
    sinusoidal_embedding(e.data(), 0.0, 128);
    CHECK(e[10] == 0.0f);
    CHECK(e[74] == 1.0f);
    CHECK_THROWS(sinusoidal_embedding(e.data(), 1.0, 7));
}

// Central difference of a scalar function of one float parameter, in double arithmetic around float evaluations.
template <typename F> static double central_difference(float* parameter, float h, F loss) {
    float saved = *parameter;
    *parameter = saved + h;
    double plus = loss();
    float actual_plus = *parameter;
    *parameter = saved - h;
    double minus = loss();
    float actual_minus = *parameter;
    *parameter = saved;
    return (plus - minus) / ((double)actual_plus - actual_minus);
}

TEST_CASE("linear: backward against finite differences, strided blocks, accumulation", "[nn]") {
    Rng rng;
    rng_seed(&rng, 11);
    const int B = 4, in_dim = 5, out_dim = 3, ld_in = 7, ld_out = 6;
    std::vector<float> weight(out_dim * in_dim), bias(out_dim);
    linear_init(weight.data(), bias.data(), in_dim, out_dim, &rng);
    for (float w : weight) CHECK(std::fabs(w) <= 1.0f / std::sqrt(5.0f));
    std::vector<float> in = random_vector(B * ld_in, &rng), coefficient = random_vector(B * ld_out, &rng);
    std::vector<float> out(B * ld_out, 0.0f);
    // L = Σ coefficient ⊙ out over the block; dL/dout = coefficient.
    auto loss = [&]() {
        std::fill(out.begin(), out.end(), 99.0f);
        linear_forward_strided(out.data(), ld_out, in.data(), ld_in, weight.data(), bias.data(), B, in_dim, out_dim);
        double sum = 0.0;
        for (int r = 0; r < B; r++)
            for (int j = 0; j < out_dim; j++) sum += (double)coefficient[r * ld_out + j] * out[r * ld_out + j];
        return sum;
    };
    loss();
    for (int r = 0; r < B; r++) CHECK(out[r * ld_out + out_dim] == 99.0f);  // columns outside the block untouched
    std::vector<float> dweight(out_dim * in_dim, 0.5f), dbias(out_dim, 0.5f), din(B * ld_in, 0.5f);
    linear_backward_strided(din.data(), ld_in, dweight.data(), dbias.data(), coefficient.data(), ld_out, in.data(),
                            ld_in, weight.data(), B, in_dim, out_dim);
    // Accumulation: everything started at 0.5, so the gradient is the value minus 0.5.
    for (int i = 0; i < out_dim * in_dim; i++)
        CHECK(dweight[i] - 0.5 == Approx(central_difference(&weight[i], 1e-2f, loss)).margin(1e-3));
    for (int j = 0; j < out_dim; j++)
        CHECK(dbias[j] - 0.5 == Approx(central_difference(&bias[j], 1e-2f, loss)).margin(1e-3));
    for (int r = 0; r < B; r++)
        for (int k = 0; k < ld_in; k++) {
            double numeric = k < in_dim ? central_difference(&in[r * ld_in + k], 1e-2f, loss) : 0.0;
            CHECK(din[r * ld_in + k] - 0.5 == Approx(numeric).margin(1e-3));
        }
    // The contiguous API is the strided one with ld = width.
    std::vector<float> contiguous_in(B * in_dim), contiguous_out(B * out_dim);
    for (int r = 0; r < B; r++)
        for (int k = 0; k < in_dim; k++) contiguous_in[r * in_dim + k] = in[r * ld_in + k];
    linear_forward(contiguous_out.data(), contiguous_in.data(), weight.data(), bias.data(), B, in_dim, out_dim);
    loss();
    for (int r = 0; r < B; r++)
        for (int j = 0; j < out_dim; j++) CHECK(contiguous_out[r * out_dim + j] == out[r * ld_out + j]);
}

TEST_CASE("mse: value and gradient, shards add up to the whole", "[nn]") {
    float pred[4] = {1.0f, -2.0f, 0.5f, 3.0f}, target[4] = {0.0f, -1.0f, 0.5f, 1.0f};
    CHECK(mse_forward(pred, target, 4) == Approx(1.0 + 1.0 + 0.0 + 4.0));
    float grad[4] = {0, 0, 0, 0};
    mse_backward(grad, pred, target, 2, 4);      // first shard of a 4-entry mean
    mse_backward(grad + 2, pred + 2, target + 2, 2, 4);
    CHECK(grad[0] == Approx(0.5));   // 2·(1 − 0)/4
    CHECK(grad[1] == Approx(-0.5));
    CHECK(grad[2] == Approx(0.0));
    CHECK(grad[3] == Approx(1.0));
}

TEST_CASE("adam: matches the PyTorch update computed by hand, zeroes gradients", "[nn]") {
    AdamConfig config;
    config.learning_rate = 0.01f;
    // 37 parameters, a multiple of no vector width: the vector loop and its scalar remainder both run.
    const int count = 37;
    std::vector<float> params(count), grads(count), m(count, 0.0f), v(count, 0.0f);
    std::vector<double> p_ref(count), m_ref(count, 0.0), v_ref(count, 0.0);
    for (int i = 0; i < count; i++) params[i] = p_ref[i] = 0.1 * i - 1.0;
    for (int step = 1; step <= 3; step++) {
        for (int i = 0; i < count; i++) grads[i] = (float)(std::sin(i + step) * (i % 3 == 0 ? 1e-3 : 1.0));
        for (int i = 0; i < count; i++) {
            double g = grads[i];
            m_ref[i] = 0.9 * m_ref[i] + 0.1 * g;
            v_ref[i] = 0.999 * v_ref[i] + 0.001 * g * g;
            double denom = std::sqrt(v_ref[i]) / std::sqrt(1.0 - std::pow(0.999, step)) + 1e-8;
            p_ref[i] -= 0.01 / (1.0 - std::pow(0.9, step)) * m_ref[i] / denom;
        }
        adam_update(params.data(), grads.data(), m.data(), v.data(), count, config, step);
        for (int i = 0; i < count; i++) {
            CHECK(params[i] == Approx(p_ref[i]).margin(1e-6));
            CHECK(grads[i] == 0.0f);
        }
    }
    CHECK_THROWS(adam_update(params.data(), grads.data(), m.data(), v.data(), count, config, 0));
    // The first step from zero moments moves every parameter by lr against its gradient's sign, whatever the
    // gradient's size: m̂ = g, v̂ = g², so Δθ = −lr·g/(|g| + ε) (Adam's normalisation; ε = 1e-8 matters only for
    // |g| near 1e-8, so the gradients here span 1e-4 … 1e2).
    std::vector<float> fresh_m(count, 0.0f), fresh_v(count, 0.0f), before(count);
    for (int i = 0; i < count; i++) {
        grads[i] = (float)((i % 2 ? 1.0 : -1.0) * std::pow(10.0, -4.0 + 6.0 * i / (count - 1)));
        before[i] = params[i];
    }
    std::vector<float> signs(grads);
    adam_update(params.data(), grads.data(), fresh_m.data(), fresh_v.data(), count, config, 1);
    for (int i = 0; i < count; i++)
        CHECK(params[i] - before[i] == Approx(signs[i] > 0 ? -0.01 : 0.01).epsilon(1e-3));
}

TEST_CASE("denoiser: Appendix A shapes", "[nn]") {
    DenoiserConfig c40 = denoiser_config_for(40);
    CHECK(c40.skip);
    CHECK(c40.widths[0] == 128);
    CHECK(c40.widths[2] == 512);
    CHECK(c40.embed_dim == 128);
    // 168·128+128 + 128·256+256 + 256·512+512 + 512·512+512 + 1024·256+256 + 512·128+128 + 256·40+40
    CHECK(denoiser_param_count(c40) == 787240);
    CHECK(denoiser_layer(c40, 4).in_dim == 1024);
    CHECK(denoiser_layer(c40, 6).in_dim == 256);
    DenoiserConfig c20 = denoiser_config_for(20);
    CHECK_FALSE(c20.skip);
    CHECK(denoiser_layer(c20, 4).in_dim == 512);
    CHECK(denoiser_layer(c20, 6).in_dim == 128);
    DenoiserConfig c60 = denoiser_config_for(60);
    CHECK(c60.skip);
    CHECK(c60.widths[0] == 200);
    CHECK(c60.widths[1] == 400);
    CHECK(c60.widths[2] == 600);
    CHECK(denoiser_layer(c60, 0).in_dim == 188);
    DenoiserConfig c33 = denoiser_config_for(33);
    CHECK(c33.skip);
    CHECK(c33.widths[1] == 256);
    DenoiserConfig bad = c40;
    bad.embed_dim = 7;
    CHECK_THROWS(denoiser_validate(bad));
}

// A small denoiser for the whole-network tests: n spins, encoder widths w1-w2-w3, embedding width embed_dim.
static DenoiserConfig small_denoiser(int n, int w1, int w2, int w3, bool skip, int embed_dim) {
    DenoiserConfig config;
    config.n = n;
    config.widths[0] = w1;
    config.widths[1] = w2;
    config.widths[2] = w3;
    config.skip = skip;
    config.embed_dim = embed_dim;
    return config;
}

// Whole-network gradient check: L = Σ coefficient ⊙ ε̂ for a small net, every parameter against a central
// difference. A wrong sign, a missing skip-connection term or a wrong GELU' would each show up in some layer.
static void check_denoiser_gradient(bool skip) {
    const DenoiserConfig config = small_denoiser(5, 6, 7, 9, skip, 8);
    const int B = 3, width = config.n + config.embed_dim;
    Rng rng;
    rng_seed(&rng, skip ? 21 : 22);
    std::vector<float> params(denoiser_param_count(config)), grads(params.size(), 0.0f);
    denoiser_init(params.data(), config, &rng);
    std::vector<float> input = random_vector(B * width, &rng), coefficient = random_vector(B * config.n, &rng);
    DenoiserBuffers training, inference;
    denoiser_buffers_init(&training, config, B, true);
    denoiser_buffers_init(&inference, config, B, false);
    std::vector<float> eps(B * config.n);
    auto loss = [&]() {
        denoiser_forward(eps.data(), &inference, params.data(), config, input.data(), B);
        double sum = 0.0;
        for (int i = 0; i < B * config.n; i++) sum += (double)coefficient[i] * eps[i];
        return sum;
    };
    denoiser_forward(eps.data(), &training, params.data(), config, input.data(), B);
    std::vector<float> eps_training = eps;
    loss();
    for (int i = 0; i < B * config.n; i++) CHECK(eps[i] == eps_training[i]);  // both modes compute the same thing
    denoiser_backward(grads.data(), &training, params.data(), config, input.data(), coefficient.data(), B);
    // Per layer: the tolerance is 3 % of the layer's RMS gradient (float finite differences are good to ~0.1 %),
    // and most parameters must have a gradient larger than it, so a flipped sign or a dropped term cannot pass.
    long checked = 0;
    for (int l = 0; l < denoiser_layer_count; l++) {
        DenoiserLayer layer = denoiser_layer(config, l);
        std::vector<double> numeric;
        for (long i = layer.weight_offset; i < layer.bias_offset + layer.out_dim; i++)
            numeric.push_back(central_difference(&params[i], 1e-2f, loss));
        double mean_square = 0.0;
        for (double value : numeric) mean_square += value * value / numeric.size();
        double tolerance = 0.03 * std::sqrt(mean_square) + 1e-6;
        long decisive = 0;
        for (size_t k = 0; k < numeric.size(); k++) {
            CHECK(grads[layer.weight_offset + k] == Approx(numeric[k]).margin(tolerance));
            if (std::fabs(numeric[k]) > tolerance) decisive++;
            checked++;
        }
        INFO("layer " << l << ": rms gradient " << std::sqrt(mean_square));
        CHECK(std::sqrt(mean_square) > 1e-4);
        CHECK(decisive > (long)numeric.size() * 6 / 10);
    }
    CHECK(checked == (long)params.size());
}

TEST_CASE("denoiser: whole-net gradient against finite differences, with skips", "[nn]") {
    check_denoiser_gradient(true);
}

TEST_CASE("denoiser: whole-net gradient against finite differences, without skips", "[nn]") {
    check_denoiser_gradient(false);
}
