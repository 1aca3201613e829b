// DDPM and DDIM sampling (diffusion.h). Both are written as one loop over reverse steps
//   x_prev = a·x + b·ε_θ(x, t) + σ·z,   z ~ N(0, I),
// whose coefficients (a, b, σ) per step are computed beforehand in double from the schedule.
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>

#include "../nn/vector_kernel.h"
#include "diffusion.h"
#include "network_input.h"
#include "schedule.h"
#include "../data/workers.h"
#include "ziggurat.h"

static const int sample_chunk_rows = 256;  // rows per network call: measured fastest per sample here (128–512 tried)

struct ReverseStep {
    int t;                      // network time of this step
    float x_scale, eps_scale;   // a and b above
    float sigma;                // noise scale; 0 = no draw
};

// DDPM (Ho et al. 2020, Algorithm 2): x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε)/√α_t + σ_t z with σ_t² = β̃_t.
static std::vector<ReverseStep> ddpm_steps(const NoiseSchedule& schedule) {
    std::vector<ReverseStep> steps;
    for (int t = schedule.T; t >= 1; t--) {
        double inv_sqrt_alpha = 1.0 / std::sqrt(schedule.alpha[t]);
        double eps_scale = -schedule.beta[t] / std::sqrt(1.0 - schedule.alpha_bar[t]) * inv_sqrt_alpha;
        steps.push_back({t, (float)inv_sqrt_alpha, (float)eps_scale, (float)std::sqrt(posterior_variance(schedule, t))});
    }
    return steps;
}

// DDIM (Song et al. 2021, Eq. (12)) on τ_i = ⌊i·T/S⌋, i = 1 … S, going from τ_S = T down to τ_0 = 0 (ᾱ_0 = 1):
//   x̂_0 = (x − √(1−ᾱ_t) ε)/√ᾱ_t,   x_prev = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²) ε + σ z,
//   σ = η √((1−ᾱ_prev)/(1−ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev),
// which is linear in x and ε: a = √(ᾱ_prev/ᾱ_t), b = √(1−ᾱ_prev−σ²) − √ᾱ_prev·√(1−ᾱ_t)/√ᾱ_t.
// With S = T and η = 1 this is DDPM with σ_t² = β̃_t; the last step (to τ_0) has σ = 0 and returns x̂_0.
static std::vector<ReverseStep> ddim_steps(const NoiseSchedule& schedule, int S, double eta) {
    const int T = schedule.T;
    std::vector<ReverseStep> steps;
    for (int i = S; i >= 1; i--) {
        int t = (int)((long)i * T / S), t_prev = (int)((long)(i - 1) * T / S);
        double alpha_bar = schedule.alpha_bar[t], alpha_bar_prev = schedule.alpha_bar[t_prev];
        double sigma = eta * std::sqrt((1.0 - alpha_bar_prev) / (1.0 - alpha_bar)) *
                       std::sqrt(1.0 - alpha_bar / alpha_bar_prev);
        double direction = 1.0 - alpha_bar_prev - sigma * sigma;
        if (direction < 0.0) direction = 0.0;  // only rounding can make it negative (η ≤ 1 keeps it ≥ 0)
        double x_scale = std::sqrt(alpha_bar_prev / alpha_bar);
        double eps_scale = std::sqrt(direction) - std::sqrt(alpha_bar_prev) * std::sqrt(1.0 - alpha_bar) /
                                                      std::sqrt(alpha_bar);
        steps.push_back({t, (float)x_scale, (float)eps_scale, (float)sigma});
    }
    return steps;
}

// x = a·x + b·ε (+ σ·z when z is given), blocks of 16 so GCC -O2 vectorises it.
VECTOR_KERNEL static void reverse_update(float* __restrict x, const float* __restrict eps, const float* __restrict z,
                                         long count, float x_scale, float eps_scale, float sigma) {
    long i = 0;
    if (z) {
        for (; i + 16 <= count; i += 16)
            for (int k = 0; k < 16; k++) x[i + k] = x_scale * x[i + k] + eps_scale * eps[i + k] + sigma * z[i + k];
        for (; i < count; i++) x[i] = x_scale * x[i] + eps_scale * eps[i] + sigma * z[i];
    } else {
        for (; i + 16 <= count; i += 16)
            for (int k = 0; k < 16; k++) x[i + k] = x_scale * x[i + k] + eps_scale * eps[i + k];
        for (; i < count; i++) x[i] = x_scale * x[i] + eps_scale * eps[i];
    }
}

void diffusion_sample(const DiffusionModel& model, long count, const SamplerOptions& options, uint64_t seed,
                      float* out, int threads, const ProgressOptions& progress_options) {
    const DenoiserConfig& net = model.config.denoiser;
    const int n = net.n, embed_dim = net.embed_dim, T = model.config.T;
    if (count < 0) throw std::runtime_error("diffusion_sample: negative sample count");
    if (threads < 1) throw std::runtime_error("diffusion_sample: at least one thread is needed");
    diffusion_check_model(model, "diffusion_sample", false);
    const float* weights = model.config.ema_decay > 0.0f ? model.ema_params.data() : model.params.data();
    NoiseSchedule schedule = linear_schedule(T);
    std::vector<ReverseStep> steps;
    if (options.kind == SamplerKind::ddpm) {
        steps = ddpm_steps(schedule);
    } else {
        if (options.steps < 1 || options.steps > T)
            throw std::runtime_error("diffusion_sample: DDIM steps must be between 1 and T = " + std::to_string(T) +
                                     ", got " + std::to_string(options.steps));
        if (!(options.eta >= 0.0 && options.eta <= 1.0))
            throw std::runtime_error("diffusion_sample: DDIM eta must be between 0 and 1");
        steps = ddim_steps(schedule, options.steps, options.eta);
    }
    if (count == 0) return;
    std::vector<float> embedding_table = time_embedding_table(T, embed_dim);

    const long chunks = (count + sample_chunk_rows - 1) / sample_chunk_rows;
    const int workers = (int)(threads < chunks ? threads : chunks);
    std::atomic<long> next_chunk(0), row_steps_done(0);
    std::atomic<bool> failed(false);
    ProgressLine progress;
    progress_start(&progress, progress_options);

    run_workers(workers, [&](int worker) {
        // This worker's buffers, allocated once and reused for all its chunks.
        DenoiserBuffers buffers;
        denoiser_buffers_init(&buffers, net, sample_chunk_rows, false);
        std::vector<float> x((size_t)sample_chunk_rows * n), eps((size_t)sample_chunk_rows * n),
            z((size_t)sample_chunk_rows * n);
        for (;;) {
            long chunk = next_chunk.fetch_add(1);
            if (chunk >= chunks || failed.load()) break;
            int rows = (int)(count - chunk * sample_chunk_rows < sample_chunk_rows ? count - chunk * sample_chunk_rows
                                                                                   : sample_chunk_rows);
            Rng rng;
            rng_seed(&rng, seed, (uint64_t)chunk + 1);  // the chunk's own stream: output independent of threads
            normal_fill(x.data(), (long)rows * n, &rng);  // x_T ~ N(0, I)
            for (const ReverseStep& step : steps) {
                const float* embedding = embedding_table.data() + (long)step.t * embed_dim;  // emb(t), all rows
                denoiser_forward_same_t(eps.data(), &buffers, weights, net, x.data(), embedding, rows);
                if (step.sigma > 0.0f) normal_fill(z.data(), (long)rows * n, &rng);
                reverse_update(x.data(), eps.data(), step.sigma > 0.0f ? z.data() : nullptr, (long)rows * n,
                               step.x_scale, step.eps_scale, step.sigma);
                long done = row_steps_done.fetch_add(rows) + rows;
                if (worker == 0) progress_update(&progress, done / (long)steps.size(), count, "samples", std::nan(""));
            }
            float* out_rows = out + chunk * sample_chunk_rows * n;
            for (long i = 0; i < (long)rows * n; i++) {
                if (!std::isfinite(x[i])) failed.store(true);
                // Analog bits (Chen et al. 2023): σ = sign(x_0), a tie at exactly 0 goes to +1.
                out_rows[i] = options.analog_bits ? (x[i] >= 0.0f ? 1.0f : -1.0f) : x[i];
            }
        }
    });
    if (failed.load()) throw std::runtime_error("diffusion_sample: the reverse process produced NaN or inf");
    progress_finish(&progress, row_steps_done.load() / (long)steps.size(), count, "samples", std::nan(""));
}
