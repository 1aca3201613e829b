// The diffusion model of the paper (Sec. II C, Eqs. (19)–(22), Appendix A): a DDPM (Ho et al. 2020) whose noise
// predictor is the MLP of nn/denoiser.h, trained on ±1 samples and sampled with ancestral DDPM or with DDIM
// (Song et al. 2021); samples are mapped back to spins by analog bits, σ = sign(x_0) (Chen et al. 2023).
//
// Typical use (what `repro augment` and the figure experiments do):
//   DiffusionModel model;
//   diffusion_init(&model, diffusion_config_for(n), seed);   // method/appendix_a.h
//   diffusion_train(&model, data.spins.data(), data.count, 1000, 256, threads, progress);   // 1,000 Adam steps
//   diffusion_train(&model, ..., 31000, ...);                          // continues: now at iteration 32,000
//   checkpoint_save(model, "run/ckpt.bin");                           // and later checkpoint_load(&model, ...)
//   std::vector<float> out((size_t)count * n);
//   diffusion_sample(model, count, SamplerOptions(), sample_seed, out.data(), threads, progress);  // DDPM
//
// Reproducibility: training draws every minibatch index, t and ε from model->rng, and sampling draws chunk c of
// 256 samples from the generator rng_seed(seed, c + 1). Sampling output therefore does not depend on the thread
// count; training output does only through the float summation order of the per-thread gradients, so a run is
// bit-reproducible for a given seed and --threads (and a checkpoint resumed with the same --threads continues it
// bit-identically).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "../data/rng.h"
#include "../nn/adam.h"
#include "../nn/denoiser.h"
#include "t_sampler.h"

struct DiffusionConfig {
    DenoiserConfig denoiser;  // network shape (method/appendix_a.h: Appendix A's per n)
    int T = 1000;             // diffusion steps (Sec. II C), linear schedule of diffusion/schedule.h
    AdamConfig adam;          // learning rate 1e-4, β 0.9/0.999, ε 1e-8 (Appendix A; PyTorch defaults)
    // Exponential moving average of the weights, an option beyond the paper (which describes none): 0 = off, the
    // paper's setting. With 0 < d < 1, after Adam step k, ema ← d_k·ema + (1 − d_k)·params with the warm-up
    // d_k = min(d, (1 + k)/(10 + k)) (ema_warmup_decay), and sampling uses ema. Ho et al. (2020) sampled from such
    // an average (d = 0.9999); the warm-up keeps a short run's average from remembering the random initial weights.
    float ema_decay = 0.0f;
    // Learning-rate schedule, beyond the paper (diffusion/lr_schedule.h): adam.learning_rate is the peak, reached
    // after lr_warmup steps of linear warm-up, then a half cosine down to lr_final at step lr_horizon, then lr_final.
    // 0 and 0 (the defaults) are the paper's constant rate.
    long lr_warmup = 0;
    long lr_horizon = 0;
    float lr_final = 0.0f;
    // Importance sampling of t with loss weights, beyond the paper (diffusion/t_sampler.h); false = uniform t.
    bool t_importance = false;
};

// min(decay, (1 + step)/(10 + step)): the EMA decay after Adam step `step` (1, 2, …).
float ema_warmup_decay(float decay, long step);

// How a long call reports how far it is, for a display (diffusion/progress.h draws one) or a log: called on the
// calling thread with done = the count it starts from (before any work), then as work completes, the last call with
// done = total. Training counts iterations (done = model->iteration, so a resumed run starts at its checkpoint's)
// and passes each step's loss; sampling counts finished samples and passes NaN. An empty function reports nothing.
using ProgressCallback = std::function<void(long done, long total, double loss)>;

// Everything a run needs to continue: the checkpoint stores exactly these fields.
struct DiffusionModel {
    DiffusionConfig config;
    std::vector<float> params;          // denoiser weights and biases (nn/denoiser.h layout)
    std::vector<float> adam_m, adam_v;  // Adam's first and second moments, same layout
    std::vector<float> ema_params;      // the weights' moving average (same layout); empty when ema_decay = 0
    TimeLossHistory t_history;          // the losses per t that importance sampling reads; empty when t_importance is off
    long iteration = 0;                 // Adam steps taken so far
    Rng rng;                            // draws training minibatches, t and ε
};

// Fresh model: PyTorch-style initial weights drawn from rng_seed(seed, 0), zero Adam state, iteration 0; the same
// generator then draws the training batches. Throws std::runtime_error on an invalid config.
void diffusion_init(DiffusionModel* model, const DiffusionConfig& config, uint64_t seed);

// Throws std::runtime_error("<caller>: the model is not initialised …") unless params (and, with
// `with_optimizer_state`, adam_m and adam_v) hold the config's parameter count, and ema_params too when
// config.ema_decay > 0 ("… has no moving average"). Training, sampling and checkpoint_save call it first.
void diffusion_check_model(const DiffusionModel& model, const char* caller, bool with_optimizer_state);

// Runs `iterations` more Adam steps (continuing from model->iteration). Each step: a minibatch of `batch` rows of
// data_pm1 [count × n, values exactly ±1] drawn uniformly with replacement, t uniform in 1..T (or by importance,
// with weights, when config.t_importance), ε ~ N(0, I), learning rate of step k by config's schedule, loss
// mean |ε − ε_θ(√ᾱ_t x_0 + √(1−ᾱ_t) ε, t)|² over the batch's entries, one Adam step. The batch is split over
// `threads` worker threads (each running single-threaded BLAS). With config.ema_decay > 0 each step also updates
// ema_params. Returns the mean loss over these iterations
// (NaN if iterations = 0). Throws on bad data (a value not ±1, count < 1, batch < 1) or if the loss becomes NaN/inf.
double diffusion_train(DiffusionModel* model, const float* data_pm1, long count, long iterations, int batch,
                       int threads, const ProgressCallback& progress);

enum class SamplerKind { ddpm, ddim };

struct SamplerOptions {
    SamplerKind kind = SamplerKind::ddpm;  // DDPM: ancestral, all T steps (the default; see below)
    int steps = 100;                       // DDIM only: number of steps S (1 ≤ S ≤ T), times τ_i = ⌊i·T/S⌋
    double eta = 0.0;                      // DDIM only: 0 = deterministic, 1 = ancestral on the sub-sequence
    bool analog_bits = true;               // true: output sign(x_0) ∈ {−1, +1} (ties → +1); false: x_0 itself
};
// Why DDPM is the default: an independent pilot with this network found that DDIM (η = 0, 100 steps) lost the
// augmentation gain that full DDPM sampling gave (inference MSE 0.0054 vs 0.0042). Judge fast samplers by the MSE
// they give, not by their speed.

// Generates `count` samples into out [count × n]. DDPM: x_T ~ N(0, I), then for t = T … 1
//   x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε_θ(x_t, t))/√α_t + σ_t z,  σ_t² = β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t,
// the posterior variance (Ho et al. Eq. (7); their other choice σ_t² = β_t was reported to give similar samples;
// β̃_t is the one that DDIM with η = 1 reduces to, and it adds no noise at the last step).
// DDIM: Song et al. (2021) Eq. (12) with σ = η·√((1−ᾱ_prev)/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_prev).
// The network's weights are model.ema_params when config.ema_decay > 0, else model.params.
// Samples are made in chunks of 256 (buffers allocated once per call), spread over `threads` worker threads.
// Throws on invalid options or non-finite output.
void diffusion_sample(const DiffusionModel& model, long count, const SamplerOptions& options, uint64_t seed,
                      float* out, int threads, const ProgressCallback& progress);

// ε_θ(x_t, t) for `rows` ≤ 256 rows of x_t [rows × n], all at time t, into eps [rows × n]. The sampler calls it
// from several workers at once, each with its number (0 … threads − 1), so that a network keeps buffers per worker.
using NoisePredictor = std::function<void(float* eps, const float* x_t, int t, int rows, int worker)>;

// diffusion_sample with any noise predictor in place of the network (same steps, chunks, seeds and output), for n
// values per sample and the linear schedule of T steps: diffusion_sample passes the denoiser, the tests an exact ε.
void sample_reverse_process(const NoisePredictor& eps_theta, int n, int T, long count, const SamplerOptions& options,
                            uint64_t seed, float* out, int threads, const ProgressCallback& progress);

// Training and sampling speed at this model's size, for the time estimates commands print before a long run:
// `trial` (a throw-away model: it is trained further) is trained on the data for 10 and then 50 iterations and the
// difference of the two times taken, so each call's set-up cancels; it then draws two 256-row chunks per thread with
// 10 DDIM steps, scaled to `sampler`'s steps (1000 for DDPM). About a second at n = 40. Measured against real runs:
// timing 6–8 iterations with their set-up, and one chunk on one thread, overestimated a run 1.4–2×.
struct DiffusionRates {
    double seconds_per_iteration = 0, seconds_per_sample = 0;
};
DiffusionRates diffusion_measure_rates(DiffusionModel* trial, const float* data_pm1, long count,
                                       const SamplerOptions& sampler, int batch, int threads);

// Checkpoints: a versioned binary file (format in diffusion/checkpoint.cpp) holding the whole DiffusionModel,
// written atomically (temp file + rename, data/atomic_file.h). Load throws std::runtime_error naming the file and
// the problem (not a checkpoint, unknown version, truncated, checksum mismatch, inconsistent sizes, NaN).
void checkpoint_save(const DiffusionModel& model, const std::string& path);
// The bytes checkpoint_save writes: every field of the model, so equal bytes mean the same model (the store of
// trained models names a training by the bytes of its initial model).
std::string checkpoint_bytes(const DiffusionModel& model);
void checkpoint_load(DiffusionModel* model, const std::string& path);
