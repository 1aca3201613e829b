// DDPM and DDIM sampling (diffusion.h). Both are written as one loop over reverse steps
//   x_prev = a·x + b·ε_θ(x, t) + σ·z,   z ~ N(0, I),
// whose coefficients (a, b, σ) per step are computed beforehand in double from the schedule (ddpm_steps,
// ddim_steps); sample_chunk runs that loop, sample_reverse_process spreads chunks over workers, and diffusion_sample
// gives it the network as ε_θ.
#include <atomic>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../data/workers.h"
#include "../nn/vector_kernel.h"
#include "diffusion.h"
#include "network_input.h"
#include "schedule.h"
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

// x = a·x + b·ε + σ·z.
VECTOR_KERNEL static void reverse_update(float* __restrict x, const float* __restrict eps, const float* __restrict z,
                                         long count, float x_scale, float eps_scale, float sigma) {
    for (long i = 0; i < count; i++) x[i] = x_scale * x[i] + eps_scale * eps[i] + sigma * z[i];
}

// The buffers of one worker, allocated once and reused for all its chunks.
struct ChunkBuffers {
    std::vector<float> x, eps, z;  // [sample_chunk_rows × n] each
};

// Algorithm 2 of Ho et al. (2020), or DDIM, on one chunk of `rows` samples: x_T ~ N(0, I); for each reverse step
// x ← a·x + b·ε_θ(x, t) + σ·z with z ~ N(0, I); x_0 (or its signs, with analog bits) into out [rows × n].
// Returns false if x_0 is not finite.
static bool sample_chunk(float* out, int rows, int n, const std::vector<ReverseStep>& steps, bool analog_bits,
                         const NoisePredictor& eps_theta, int worker, Rng* rng, ChunkBuffers* buffers) {
    const long entries = (long)rows * n;
    float *x = buffers->x.data(), *eps = buffers->eps.data(), *z = buffers->z.data();
    normal_fill(x, entries, rng);  // x_T
    for (const ReverseStep& step : steps) {
        eps_theta(eps, x, step.t, rows, worker);
        if (step.sigma > 0.0f) normal_fill(z, entries, rng);  // σ = 0: no draw (σ·z is 0 whatever z holds)
        reverse_update(x, eps, z, entries, step.x_scale, step.eps_scale, step.sigma);
    }
    bool finite = true;
    for (long i = 0; i < entries; i++) {
        if (!std::isfinite(x[i])) finite = false;
        // Analog bits (Chen et al. 2023): σ = sign(x_0), a tie at exactly 0 goes to +1.
        out[i] = analog_bits ? (x[i] >= 0.0f ? 1.0f : -1.0f) : x[i];
    }
    return finite;
}

static std::vector<ReverseStep> reverse_steps(const SamplerOptions& options, int T) {
    NoiseSchedule schedule = linear_schedule(T);
    if (options.kind == SamplerKind::ddpm) return ddpm_steps(schedule);
    if (options.steps < 1 || options.steps > T)
        throw std::runtime_error("diffusion_sample: DDIM steps must be between 1 and T = " + std::to_string(T) +
                                 ", got " + std::to_string(options.steps));
    if (!(options.eta >= 0.0 && options.eta <= 1.0))
        throw std::runtime_error("diffusion_sample: DDIM eta must be between 0 and 1");
    return ddim_steps(schedule, options.steps, options.eta);
}

void sample_reverse_process(const NoisePredictor& eps_theta, int n, int T, long count, const SamplerOptions& options,
                            uint64_t seed, float* out, int threads, const ProgressCallback& progress) {
    if (count < 0) throw std::runtime_error("diffusion_sample: negative sample count");
    if (threads < 1) throw std::runtime_error("diffusion_sample: at least one thread is needed");
    const std::vector<ReverseStep> steps = reverse_steps(options, T);
    if (count == 0) return;
    // Chunk c is samples [256·c, 256·c + 256) with its own generator rng_seed(seed, c + 1): the output does not
    // depend on which worker takes which chunk.
    const long chunks = (count + sample_chunk_rows - 1) / sample_chunk_rows;
    const int workers = (int)(threads < chunks ? threads : chunks);
    std::atomic<long> next_chunk(0), samples_done(0);
    std::atomic<bool> failed(false);
    if (progress) progress(0, count, std::nan(""));
    run_workers(workers, [&](int worker) {
        ChunkBuffers buffers;
        for (std::vector<float>* buffer : {&buffers.x, &buffers.eps, &buffers.z})
            buffer->assign((size_t)sample_chunk_rows * n, 0.0f);
        for (long chunk; (chunk = next_chunk.fetch_add(1)) < chunks && !failed.load();) {
            const long first = chunk * sample_chunk_rows;
            const int rows = (int)(count - first < sample_chunk_rows ? count - first : sample_chunk_rows);
            Rng rng;
            rng_seed(&rng, seed, (uint64_t)chunk + 1);
            if (!sample_chunk(out + first * n, rows, n, steps, options.analog_bits, eps_theta, worker, &rng, &buffers))
                failed.store(true);
            long done = samples_done.fetch_add(rows) + rows;
            if (worker == 0 && progress && done < count) progress(done, count, std::nan(""));  // the calling thread
        }
    });
    if (failed.load()) throw std::runtime_error("diffusion_sample: the reverse process produced NaN or inf");
    if (progress) progress(count, count, std::nan(""));
}

void diffusion_sample(const DiffusionModel& model, long count, const SamplerOptions& options, uint64_t seed,
                      float* out, int threads, const ProgressCallback& progress) {
    diffusion_check_model(model, "diffusion_sample", false);
    const DenoiserConfig& net = model.config.denoiser;
    const float* weights = model.config.ema_decay > 0.0f ? model.ema_params.data() : model.params.data();
    const std::vector<float> embedding_table = time_embedding_table(model.config.T, net.embed_dim);
    // Per worker, made at its first call: the network's buffers and its input rows [x_t | emb(t)].
    std::vector<DenoiserBuffers> buffers(threads > 0 ? threads : 0);
    std::vector<std::vector<float>> inputs(buffers.size());
    const int n = net.n, width = n + net.embed_dim;
    NoisePredictor network = [&](float* eps, const float* x_t, int t, int rows, int worker) {
        DenoiserBuffers& own = buffers[worker];
        float* input = inputs[worker].data();
        if (own.max_batch == 0) {
            denoiser_buffers_init(&own, net, sample_chunk_rows, false);
            inputs[worker].assign((size_t)sample_chunk_rows * width, 0.0f);
            input = inputs[worker].data();
        }
        for (int r = 0; r < rows; r++) {
            std::memcpy(input + (long)r * width, x_t + (long)r * n, sizeof(float) * n);
            std::memcpy(input + (long)r * width + n, embedding_table.data() + (long)t * net.embed_dim,
                        sizeof(float) * net.embed_dim);
        }
        denoiser_forward(eps, &own, weights, net, input, rows);
    };
    sample_reverse_process(network, net.n, model.config.T, count, options, seed, out, threads, progress);
}
