// DDPM training (diffusion.h): Ho et al. (2020) Algorithm 1 with minibatches and Adam.
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../nn/loss.h"
#include "../nn/vector_kernel.h"
#include "diffusion.h"
#include "lr_schedule.h"
#include "network_input.h"
#include "schedule.h"
#include "../data/workers.h"
#include "ziggurat.h"

// sum += part; part = 0 (blocks of 16 so GCC -O2 vectorises it).
VECTOR_KERNEL static void add_and_clear(float* __restrict sum, float* __restrict part, long count) {
    long i = 0;
    for (; i + 16 <= count; i += 16)
        for (int k = 0; k < 16; k++) {
            sum[i + k] += part[i + k];
            part[i + k] = 0.0f;
        }
    for (; i < count; i++) {
        sum[i] += part[i];
        part[i] = 0.0f;
    }
}

static void check_training_data(const float* data_pm1, long count, int n) {
    for (long i = 0; i < count * n; i++)
        if (data_pm1[i] != 1.0f && data_pm1[i] != -1.0f)
            throw std::runtime_error("diffusion_train: training sample " + std::to_string(i / n + 1) + ", spin " +
                                     std::to_string(i % n + 1) + " is " + std::to_string(data_pm1[i]) +
                                     ", not -1 or +1");
}

// One worker's share of a step: rows [row_begin, row_end) of the batch, and its own buffers and gradient.
struct TrainShard {
    int row_begin = 0, row_end = 0;
    long param_begin = 0, param_end = 0;  // the slice of parameters this worker reduces and updates with Adam
    DenoiserBuffers buffers;
    std::vector<float> input, eps_pred, d_eps_pred, grads;
    double loss_sum = 0.0;  // Σ (ε̂ − ε)² over the shard's rows, this step
};

double diffusion_train(DiffusionModel* model, const float* data_pm1, long count, long iterations, int batch,
                       int threads, const ProgressOptions& progress_options) {
    const DenoiserConfig& net = model->config.denoiser;
    const int n = net.n, embed_dim = net.embed_dim, T = model->config.T;
    const long param_count = denoiser_param_count(net);
    if (count < 1) throw std::runtime_error("diffusion_train: no training samples");
    if (iterations < 0) throw std::runtime_error("diffusion_train: negative iteration count");
    if (batch < 1 || batch > (1 << 20)) throw std::runtime_error("diffusion_train: batch size must be 1 … 2^20");
    if (threads < 1) throw std::runtime_error("diffusion_train: at least one thread is needed");
    diffusion_check_model(*model, "diffusion_train", true);
    const float ema_decay = model->config.ema_decay;
    check_training_data(data_pm1, count, n);
    if (iterations == 0) return std::nan("");

    // Coefficients of x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε (Eq. (19) applied t times, in closed form), from double ᾱ.
    NoiseSchedule schedule = linear_schedule(T);
    std::vector<float> signal_scale(T + 1), noise_scale(T + 1);
    for (int t = 0; t <= T; t++) {
        signal_scale[t] = (float)std::sqrt(schedule.alpha_bar[t]);
        noise_scale[t] = (float)std::sqrt(1.0 - schedule.alpha_bar[t]);
    }
    std::vector<float> embedding_table = time_embedding_table(T, embed_dim);

    // Everything is allocated here, once; the loop below allocates nothing.
    const int workers = threads < batch ? threads : batch;
    std::vector<int> batch_index(batch), batch_t(batch);
    std::vector<float> batch_eps((size_t)batch * n);
    std::vector<float> row_weight(batch, 1.0f), row_loss(batch);  // importance sampling of t only (t_sampler.h)
    std::vector<double> t_scratch(2 * (size_t)T);
    std::vector<TrainShard> shards(workers);
    for (int s = 0; s < workers; s++) {
        TrainShard& shard = shards[s];
        shard.row_begin = (int)((long)batch * s / workers);
        shard.row_end = (int)((long)batch * (s + 1) / workers);
        // Parameter slices on 16-float boundaries, so the vector loops of different workers stay apart.
        shard.param_begin = s == 0 ? 0 : (param_count * s / workers) / 16 * 16;
        shard.param_end = s == workers - 1 ? param_count : (param_count * (s + 1) / workers) / 16 * 16;
        int rows = shard.row_end - shard.row_begin;
        denoiser_buffers_init(&shard.buffers, net, rows, true);
        shard.input.assign((size_t)rows * (n + embed_dim), 0.0f);
        shard.eps_pred.assign((size_t)rows * n, 0.0f);
        shard.d_eps_pred.assign((size_t)rows * n, 0.0f);
        shard.grads.assign(param_count, 0.0f);
    }

    const long start_iteration = model->iteration;
    const long batch_entries = (long)batch * n;
    double loss_total = 0.0;
    long failed_at = -1;  // iteration whose loss was not finite
    ProgressLine progress;
    progress_start(&progress, progress_options, start_iteration);  // the rate counts this call's iterations only
    Barrier barrier(workers);

    run_workers(workers, [&](int s) {
        TrainShard& shard = shards[s];
        const int rows = shard.row_end - shard.row_begin;
        float* params = model->params.data();
        for (long it = 0; it < iterations; it++) {
            if (s == 0) {  // the batch's random draws, in one fixed order from the model's generator
                for (int r = 0; r < batch; r++) batch_index[r] = (int)rng_below(&model->rng, (uint64_t)count);
                if (model->config.t_importance)  // t ∝ √E[L_t²], weight 1/(T·p_t) (t_sampler.h)
                    draw_times(model->t_history, T, batch, &model->rng, batch_t.data(), row_weight.data(),
                               t_scratch.data());
                else
                    for (int r = 0; r < batch; r++) batch_t[r] = 1 + (int)rng_below(&model->rng, (uint64_t)T);
                normal_fill(batch_eps.data(), batch_entries, &model->rng);
            }
            barrier.wait();  // the batch is drawn and the previous Adam step is complete

            // Network input rows [x_t | emb(t)] for this shard's rows.
            for (int r = 0; r < rows; r++) {
                int row = shard.row_begin + r, t = batch_t[row];
                const float* x0 = data_pm1 + (long)batch_index[row] * n;
                const float* eps = batch_eps.data() + (long)row * n;
                float* input_row = shard.input.data() + (long)r * (n + embed_dim);
                for (int j = 0; j < n; j++) input_row[j] = signal_scale[t] * x0[j] + noise_scale[t] * eps[j];
                std::memcpy(input_row + n, embedding_table.data() + (long)t * embed_dim, sizeof(float) * embed_dim);
            }
            const float* eps_rows = batch_eps.data() + (long)shard.row_begin * n;
            denoiser_forward(shard.eps_pred.data(), &shard.buffers, params, net, shard.input.data(), rows);
            shard.loss_sum = mse_forward(shard.eps_pred.data(), eps_rows, (long)rows * n);
            std::memset(shard.d_eps_pred.data(), 0, sizeof(float) * rows * n);
            mse_backward(shard.d_eps_pred.data(), shard.eps_pred.data(), eps_rows, (long)rows * n, batch_entries);
            if (model->config.t_importance)  // each row's loss for the history; its gradient weighted by w_t
                for (int r = 0; r < rows; r++) {
                    int row = shard.row_begin + r;
                    row_loss[row] = (float)(mse_forward(shard.eps_pred.data() + (long)r * n, eps_rows + (long)r * n, n) / n);
                    for (int j = 0; j < n; j++) shard.d_eps_pred[(long)r * n + j] *= row_weight[row];
                }
            denoiser_backward(shard.grads.data(), &shard.buffers, params, net, shard.input.data(),
                              shard.d_eps_pred.data(), rows);
            barrier.wait();  // every shard's gradient and loss is in

            // Every worker computes the same total in the same order, so all take the same branch.
            double loss_sum = 0.0;
            for (int k = 0; k < workers; k++) loss_sum += shards[k].loss_sum;
            double loss = loss_sum / (double)batch_entries;
            if (!std::isfinite(loss)) {
                if (s == 0) failed_at = start_iteration + it + 1;
                break;
            }
            // Sum the shards' gradients into shard 0's (zeroing the others), then Adam on this worker's slice,
            // which also zeroes shard 0's gradient there.
            long begin = shard.param_begin, length = shard.param_end - shard.param_begin;
            float* grads = shards[0].grads.data();
            for (int k = 1; k < workers; k++) add_and_clear(grads + begin, shards[k].grads.data() + begin, length);
            AdamConfig adam = model->config.adam;  // this step's learning rate (lr_schedule.h)
            adam.learning_rate = learning_rate_at(adam.learning_rate, model->config.lr_warmup, model->config.lr_horizon,
                                                  model->config.lr_final, start_iteration + it + 1);
            adam_update(params + begin, grads + begin, model->adam_m.data() + begin, model->adam_v.data() + begin,
                        length, adam, start_iteration + it + 1);
            if (ema_decay > 0.0f) {  // the moving average of this worker's slice (diffusion.h, ema_decay)
                float decay = ema_warmup_decay(ema_decay, start_iteration + it + 1);
                float* ema = model->ema_params.data() + begin;
                const float* updated = params + begin;
                for (long i = 0; i < length; i++) ema[i] = decay * ema[i] + (1.0f - decay) * updated[i];
            }
            if (s == 0) {
                if (model->config.t_importance)
                    for (int r = 0; r < batch; r++) time_history_record(&model->t_history, batch_t[r], row_loss[r]);
                model->iteration = start_iteration + it + 1;
                loss_total += loss;
                progress_update(&progress, model->iteration, start_iteration + iterations, "it", loss);
            }
        }
    });
    if (failed_at >= 0)
        throw std::runtime_error("diffusion_train: the loss is not finite at iteration " + std::to_string(failed_at) +
                                 " (diverged; try a smaller learning rate)");
    double mean_loss = loss_total / (double)iterations;
    progress_finish(&progress, model->iteration, start_iteration + iterations, "it", mean_loss);
    return mean_loss;
}
