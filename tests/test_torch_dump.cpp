// The denoiser against PyTorch (issue 29), as llm.c's test_gpt2.c: tests/torch_dump.py built Appendix A's network
// in PyTorch at a small size (n = 6, widths 16/24/32, skips, embedding 8, B = 5) and dumped its weights, a
// minibatch, the forward pass, the loss, every gradient, 1 and 10 Adam steps and one DDPM reverse step into
// tests/data/torch_dump.bin (format in the script). Here repro's fast code and reference/ are checked against it.
// The file is committed; `make torch-dump` regenerates it where PyTorch is installed; this test needs no PyTorch.
//
// Tolerances (NMSE = Σ(ours − torch)²/Σ torch²; measured values in docs/reference.md, each bound 10× or more above):
//  - PyTorch runs in float32, so even the double reference differs by float accumulation: NMSE ~1e-14 on outputs;
//  - PyTorch's GELU is the exact erf; the fast GELU's A&S erf (|ΔGELU| ≤ 2.1e-7, at x ≈ −3.08) moves ε̂ by at most
//    3e-8 here (the dump holds ε̂ from both GELUs), about float noise, so the fast code is checked against both;
//  - Adam's updates (lr 1e-3) are checked as updates (weights after − before), which float rounding of the weights
//    (ulp ~1e-8 at |w| ~ 0.1) limits to ~1e-6 relative: NMSE ~1e-11.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../diffusion/schedule.h"
#include "../nn/adam.h"
#include "../nn/denoiser.h"
#include "../nn/embedding.h"
#include "../nn/loss.h"
#include "../reference/reference.h"

#ifndef TORCH_DUMP_PATH
#define TORCH_DUMP_PATH "tests/data/torch_dump.bin"
#endif

using reference::Vector;
using Dump = std::map<std::string, std::vector<float>>;

static uint32_t read_u32(std::ifstream& in) {
    unsigned char bytes[4];
    in.read((char*)bytes, 4);
    return bytes[0] | bytes[1] << 8 | bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

static Dump read_dump(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    char magic[8];
    in.read(magic, 8);
    REQUIRE(std::string(magic, 8) == "REPROTD1");
    Dump dump;
    for (uint32_t k = 0, count = read_u32(in); k < count; k++) {
        std::string name(read_u32(in), '\0');
        in.read(&name[0], (std::streamsize)name.size());
        std::vector<float>& values = dump[name];
        values.resize(read_u32(in));
        for (float& value : values) {
            uint32_t bits = read_u32(in);
            std::memcpy(&value, &bits, 4);
        }
        REQUIRE(in.good());
    }
    return dump;
}

template <class A, class B>
static double nmse(const A& a, const B& b) {
    REQUIRE(a.size() == b.size());
    double error = 0.0, norm = 0.0;
    for (size_t k = 0; k < a.size(); k++) {
        error += ((double)a[k] - (double)b[k]) * ((double)a[k] - (double)b[k]);
        norm += (double)b[k] * (double)b[k];
    }
    return error / norm;
}

static void check_nmse(const std::string& what, double value, double tolerance) {
    INFO(what << ": NMSE " << value << " (tolerance " << tolerance << ")");
    if (std::getenv("REPRO_REFERENCE_REPORT")) std::printf("torch vs %-40s NMSE %.2e\n", what.c_str(), value);
    CHECK(value <= tolerance);
}

static Vector to_double(const std::vector<float>& values) { return Vector(values.begin(), values.end()); }
static Vector difference(const Vector& a, const std::vector<float>& b) {
    Vector out(a.size());
    for (size_t k = 0; k < a.size(); k++) out[k] = a[k] - b[k];
    return out;
}

struct TorchCase {
    Dump dump;
    reference::NetworkShape shape;
    DenoiserConfig config;
    int B = 0, T = 0;
    std::vector<int> t;
    std::vector<float> input;  // [x_t | emb(t)] rows from PyTorch's own x_t and embedding
};

static TorchCase load_case() {
    TorchCase c;
    c.dump = read_dump(TORCH_DUMP_PATH);
    const std::vector<float>& config = c.dump.at("config");
    REQUIRE(config.size() == 12);
    c.shape.n = c.config.n = (int)config[0];
    for (int k = 0; k < 3; k++) c.shape.widths[k] = c.config.widths[k] = (int)config[1 + k];
    c.shape.skip = c.config.skip = config[4] != 0.0f;
    c.shape.embed_dim = c.config.embed_dim = (int)config[5];
    c.T = (int)config[6];
    c.B = (int)config[7];
    REQUIRE((long)c.dump.at("params").size() == denoiser_param_count(c.config));
    for (float value : c.dump.at("t")) c.t.push_back((int)value);
    const int n = c.shape.n, E = c.shape.embed_dim;
    for (int r = 0; r < c.B; r++) {
        c.input.insert(c.input.end(), c.dump.at("x_t").begin() + r * n, c.dump.at("x_t").begin() + (r + 1) * n);
        c.input.insert(c.input.end(), c.dump.at("temb").begin() + r * E, c.dump.at("temb").begin() + (r + 1) * E);
    }
    return c;
}

// The fast code's loss and gradient on the dump's minibatch (what diffusion/train.cpp does per shard).
static double fast_loss_and_gradient(const TorchCase& c, const std::vector<float>& params, std::vector<float>* eps_pred,
                                     std::vector<float>* grads) {
    const long entries = (long)c.B * c.shape.n;
    DenoiserBuffers buffers;
    denoiser_buffers_init(&buffers, c.config, c.B, true);
    eps_pred->assign(entries, 0.0f);
    std::vector<float> d_eps(entries, 0.0f);
    denoiser_forward(eps_pred->data(), &buffers, params.data(), c.config, c.input.data(), c.B);
    const std::vector<float>& eps = c.dump.at("eps");
    double loss = mse_forward(eps_pred->data(), eps.data(), entries) / entries;
    mse_backward(d_eps.data(), eps_pred->data(), eps.data(), entries, entries);
    grads->assign(params.size(), 0.0f);
    denoiser_backward(grads->data(), &buffers, params.data(), c.config, c.input.data(), d_eps.data(), c.B);
    return loss;
}

TEST_CASE("PyTorch dump: embedding, x_t, forward, loss and every gradient", "[reference][torch]") {
    TorchCase c = load_case();
    const Dump& d = c.dump;
    const int n = c.shape.n, E = c.shape.embed_dim;
    // Embedding and x_t: both sides compute in double and round to float (x_t: float coefficients × float values).
    std::vector<float> fast_temb(c.B * E);
    for (int r = 0; r < c.B; r++) sinusoidal_embedding(fast_temb.data() + r * E, c.t[r], E);
    check_nmse("fast embedding", nmse(fast_temb, d.at("temb")), 1e-14);
    Vector ref_temb, ref_x_t;
    const reference::Schedule schedule = reference::linear_schedule(c.T);
    const NoiseSchedule fast_schedule = linear_schedule(c.T);
    std::vector<float> fast_x_t(c.B * n);
    for (int r = 0; r < c.B; r++) {
        Vector e = reference::sinusoidal_embedding(c.t[r], E);
        ref_temb.insert(ref_temb.end(), e.begin(), e.end());
        Vector x0(d.at("x0").begin() + r * n, d.at("x0").begin() + (r + 1) * n);
        Vector eps(d.at("eps").begin() + r * n, d.at("eps").begin() + (r + 1) * n);
        Vector x = reference::noised_sample_eq19(x0, eps, c.t[r], schedule);
        ref_x_t.insert(ref_x_t.end(), x.begin(), x.end());
        for (int j = 0; j < n; j++)  // as diffusion/train.cpp: float √ᾱ_t and √(1 − ᾱ_t)
            fast_x_t[r * n + j] = (float)std::sqrt(fast_schedule.alpha_bar[c.t[r]]) * d.at("x0")[r * n + j] +
                                  (float)std::sqrt(1.0 - fast_schedule.alpha_bar[c.t[r]]) * d.at("eps")[r * n + j];
    }
    check_nmse("reference embedding", nmse(ref_temb, d.at("temb")), 1e-14);
    check_nmse("fast x_t (Eq. 19)", nmse(fast_x_t, d.at("x_t")), 1e-14);
    check_nmse("reference x_t (Eq. 19)", nmse(ref_x_t, d.at("x_t")), 1e-14);

    std::vector<float> eps_pred, grads;
    const double loss = fast_loss_and_gradient(c, d.at("params"), &eps_pred, &grads);
    // The fast GELU against both of PyTorch's: the A&S approximation moves PyTorch's own ε̂ by NMSE 1.2e-14 (at most
    // 3e-8 per entry), the size of float32 accumulation noise, so the fast code passes against either form.
    check_nmse("fast eps_pred (exact GELU)", nmse(eps_pred, d.at("eps_pred")), 1e-12);
    check_nmse("fast eps_pred (A&S GELU)", nmse(eps_pred, d.at("eps_pred_as")), 1e-12);
    check_nmse("fast loss", nmse(Vector{loss}, d.at("loss")), 1e-12);
    check_nmse("fast grads", nmse(grads, d.at("grads")), 1e-11);
    // How far apart the two GELUs put PyTorch's own outputs: that is the approximation's whole effect here.
    check_nmse("torch A&S vs exact GELU eps_pred", nmse(d.at("eps_pred_as"), d.at("eps_pred")), 1e-13);

    for (reference::Gelu kind : {reference::Gelu::exact_erf, reference::Gelu::abramowitz_stegun}) {
        Vector ref_eps_pred, ref_grads;
        const double ref_loss =
            reference::training_loss_and_gradient(to_double(d.at("params")), c.shape, to_double(d.at("x0")), c.t,
                                                  to_double(d.at("eps")), schedule, kind, &ref_grads, &ref_eps_pred);
        const bool exact = kind == reference::Gelu::exact_erf;
        check_nmse(exact ? "reference eps_pred (exact GELU)" : "reference eps_pred (A&S GELU)",
                   nmse(ref_eps_pred, d.at(exact ? "eps_pred" : "eps_pred_as")), 1e-12);
        check_nmse(exact ? "reference loss" : "reference loss (A&S GELU)", nmse(Vector{ref_loss}, d.at("loss")), 1e-12);
        check_nmse(exact ? "reference grads" : "reference grads (A&S GELU)", nmse(ref_grads, d.at("grads")), 1e-11);
    }
}

TEST_CASE("PyTorch dump: 1 and 10 Adam steps (Algorithm 1 on a fixed minibatch), one DDPM step", "[reference][torch]") {
    TorchCase c = load_case();
    const Dump& d = c.dump;
    const std::vector<float>& config = d.at("config");
    const std::vector<float>& start = d.at("params");
    // Fast: the layers and adam_update of diffusion/train.cpp, on PyTorch's minibatch.
    AdamConfig adam;
    adam.learning_rate = config[8], adam.beta1 = config[9], adam.beta2 = config[10], adam.epsilon = config[11];
    std::vector<float> params = start, m(start.size(), 0.0f), v(start.size(), 0.0f), eps_pred, grads;
    std::vector<double> fast_losses;
    // Reference: Algorithm 1 with the same draws.
    reference::AdamState ref_adam;
    ref_adam.learning_rate = config[8], ref_adam.beta1 = config[9], ref_adam.beta2 = config[10];
    ref_adam.epsilon = config[11];
    Vector ref_params = to_double(start), ref_losses;
    const reference::Schedule schedule = reference::linear_schedule(c.T);
    for (long step = 1; step <= 10; step++) {
        fast_losses.push_back(fast_loss_and_gradient(c, params, &eps_pred, &grads));
        adam_update(params.data(), grads.data(), m.data(), v.data(), (long)params.size(), adam, step);
        ref_losses.push_back(reference::training_step_algorithm1(&ref_params, &ref_adam, c.shape, to_double(d.at("x0")),
                                                                 c.t, to_double(d.at("eps")), schedule,
                                                                 reference::Gelu::exact_erf));
        if (step != 1 && step != 10) continue;
        const std::vector<float>& torch_after = d.at(step == 1 ? "params_adam1" : "params_adam10");
        const Vector torch_update = difference(to_double(torch_after), start);
        check_nmse(step == 1 ? "fast Adam update, 1 step" : "fast Adam update, 10 steps",
                   nmse(difference(to_double(params), start), torch_update), 1e-9);
        check_nmse(step == 1 ? "reference Adam update, 1 step" : "reference Adam update, 10 steps",
                   nmse(difference(ref_params, start), torch_update), 1e-9);
    }
    check_nmse("fast losses of 10 steps", nmse(fast_losses, d.at("losses10")), 1e-12);
    check_nmse("reference losses of 10 steps", nmse(ref_losses, d.at("losses10")), 1e-12);

    // One DDPM reverse step (Algorithm 2) at t from PyTorch's x_t and z, with the initial weights.
    const int t = (int)d.at("ddpm_t")[0], n = c.shape.n, E = c.shape.embed_dim;
    const Vector ref_prev =
        reference::ddpm_step_algorithm2(to_double(start), c.shape, to_double(d.at("ddpm_x_t")), t,
                                        to_double(d.at("ddpm_z")), schedule, reference::Gelu::exact_erf);
    check_nmse("reference DDPM step (Alg. 2)", nmse(ref_prev, d.at("ddpm_x_prev")), 1e-12);
    // Fast: the network and the schedule's coefficients as diffusion/sample.cpp forms them (float a, b, σ).
    std::vector<float> input, eps(c.B * n), temb(E);
    sinusoidal_embedding(temb.data(), t, E);
    for (int r = 0; r < c.B; r++) {
        input.insert(input.end(), d.at("ddpm_x_t").begin() + r * n, d.at("ddpm_x_t").begin() + (r + 1) * n);
        input.insert(input.end(), temb.begin(), temb.end());
    }
    DenoiserBuffers buffers;
    denoiser_buffers_init(&buffers, c.config, c.B, false);
    denoiser_forward(eps.data(), &buffers, start.data(), c.config, input.data(), c.B);
    const NoiseSchedule fast_schedule = linear_schedule(c.T);
    const double inv_sqrt_alpha = 1.0 / std::sqrt(fast_schedule.alpha[t]);
    const float x_scale = (float)inv_sqrt_alpha,
                eps_scale =
                    (float)(-fast_schedule.beta[t] / std::sqrt(1.0 - fast_schedule.alpha_bar[t]) * inv_sqrt_alpha),
                sigma = (float)std::sqrt(posterior_variance(fast_schedule, t));
    std::vector<float> fast_prev(c.B * n);
    for (int k = 0; k < c.B * n; k++)
        fast_prev[k] = x_scale * d.at("ddpm_x_t")[k] + eps_scale * eps[k] + sigma * d.at("ddpm_z")[k];
    check_nmse("fast DDPM step (Alg. 2)", nmse(fast_prev, d.at("ddpm_x_prev")), 1e-12);
}
