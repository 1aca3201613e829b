// DDPM training (diffusion.h): Ho et al. (2020) Algorithm 1 with minibatches and Adam,
//   repeat
//     x_0 ~ q(x_0),  t ~ Uniform({1, …, T}),  ε ~ N(0, I)                     (a minibatch of each)
//     take a gradient step on ∇_θ ‖ε − ε_θ(√ᾱ_t x_0 + √(1−ᾱ_t) ε, t)‖²       (Adam, nn/adam.h)
//   until the given number of iterations.
// training_step below is one pass of that loop; the threading is two calls to a WorkerTeam (data/workers.h), one
// for the gradient (each worker on its rows of the minibatch) and one for the Adam step (each on its parameters).
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../data/workers.h"
#include "../nn/loss.h"
#include "../nn/vector_kernel.h"
#include "diffusion.h"
#include "lr_schedule.h"
#include "network_input.h"
#include "schedule.h"
#include "ziggurat.h"

static void check_training_data(const float* data_pm1, long count, int n) {
    for (long i = 0; i < count * n; i++)
        if (data_pm1[i] != 1.0f && data_pm1[i] != -1.0f)
            throw std::runtime_error("diffusion_train: training sample " + std::to_string(i / n + 1) + ", spin " +
                                     std::to_string(i % n + 1) + " is " + std::to_string(data_pm1[i]) +
                                     ", not -1 or +1");
}

// The random draws of one step: row r of the minibatch is data row index[r] at time t[r] with noise eps[r].
struct Minibatch {
    std::vector<int> index, t;
    std::vector<float> eps;  // [batch × n]
    // Importance sampling of t only (t_sampler.h; beyond the paper): each row's loss weight 1/(T·p_t) and its loss.
    std::vector<float> weight, row_loss;
    std::vector<double> scratch;  // [2T], draw_times' work space
};

// One worker's share of a step: rows [row_begin, row_end) of the minibatch, its own buffers and gradient, and the
// slice [param_begin, param_end) of the parameters whose Adam step it takes.
struct TrainShard {
    int row_begin = 0, row_end = 0;
    long param_begin = 0, param_end = 0;
    DenoiserBuffers buffers;
    std::vector<float> input, eps_pred, d_eps_pred, grads;
    double loss_sum = 0.0;  // Σ (ε_θ − ε)² over the shard's rows, this step
};

// What every step reads or reuses, set up once per diffusion_train call (the steps allocate nothing).
struct Training {
    const float* data_pm1;  // [count × n]
    long count;
    int batch;
    std::vector<float> signal_scale, noise_scale;  // √ᾱ_t and √(1−ᾱ_t), t = 0 … T
    std::vector<float> embedding_table;            // emb(t), [(T + 1) × embed_dim]
    Minibatch minibatch;
    std::vector<TrainShard> shards;                // one per worker
};

static void training_init(Training* training, const DiffusionModel& model, const float* data_pm1, long count,
                          int batch, int workers) {
    const DenoiserConfig& net = model.config.denoiser;
    const int n = net.n, T = model.config.T;
    const long param_count = denoiser_param_count(net);
    training->data_pm1 = data_pm1;
    training->count = count;
    training->batch = batch;
    // Coefficients of x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε (Eq. (19) applied t times, in closed form), from double ᾱ.
    NoiseSchedule schedule = linear_schedule(T);
    training->signal_scale.resize(T + 1);
    training->noise_scale.resize(T + 1);
    for (int t = 0; t <= T; t++) {
        training->signal_scale[t] = (float)std::sqrt(schedule.alpha_bar[t]);
        training->noise_scale[t] = (float)std::sqrt(1.0 - schedule.alpha_bar[t]);
    }
    training->embedding_table = time_embedding_table(T, net.embed_dim);
    training->minibatch.index.assign(batch, 0);
    training->minibatch.t.assign(batch, 0);
    training->minibatch.eps.assign((size_t)batch * n, 0.0f);
    training->minibatch.weight.assign(batch, 1.0f);
    training->minibatch.row_loss.assign(batch, 0.0f);
    training->minibatch.scratch.assign(2 * (size_t)T, 0.0);
    training->shards.resize(workers);
    for (int s = 0; s < workers; s++) {
        TrainShard& shard = training->shards[s];
        shard.row_begin = (int)((long)batch * s / workers);
        shard.row_end = (int)((long)batch * (s + 1) / workers);
        // Parameter slices on 16-float boundaries, so the vector loops of different workers stay apart.
        shard.param_begin = s == 0 ? 0 : (param_count * s / workers) / 16 * 16;
        shard.param_end = s == workers - 1 ? param_count : (param_count * (s + 1) / workers) / 16 * 16;
        int rows = shard.row_end - shard.row_begin;
        denoiser_buffers_init(&shard.buffers, net, rows, true);
        shard.input.assign((size_t)rows * (n + net.embed_dim), 0.0f);
        shard.eps_pred.assign((size_t)rows * n, 0.0f);
        shard.d_eps_pred.assign((size_t)rows * n, 0.0f);
        shard.grads.assign(param_count, 0.0f);
    }
}

// x_0 ~ q(x_0) (a data row drawn uniformly, with replacement), t ~ Uniform({1, …, T}), ε ~ N(0, I) for every row
// of the minibatch, in one fixed order from the model's generator, so a run does not depend on the thread count.
// With config.t_importance, t is drawn ∝ √E[L_t²] instead and weighted by 1/(T·p_t) (t_sampler.h).
static void draw_minibatch(Minibatch* minibatch, long count, DiffusionModel* model) {
    const int T = model->config.T;
    Rng* rng = &model->rng;
    for (int& index : minibatch->index) index = (int)rng_below(rng, (uint64_t)count);
    if (model->config.t_importance)
        draw_times(model->t_history, T, (int)minibatch->t.size(), rng, minibatch->t.data(), minibatch->weight.data(),
                   minibatch->scratch.data());
    else
        for (int& t : minibatch->t) t = 1 + (int)rng_below(rng, (uint64_t)T);
    normal_fill(minibatch->eps.data(), (long)minibatch->eps.size(), rng);
}

// The loss ‖ε − ε_θ(x_t, t)‖² on the shard's rows, x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε, and its gradient added into
// shard->grads. The loss is the mean over the whole minibatch's entries (nn/loss.h), so the shards' sums add up to it.
static void shard_loss_and_gradient(TrainShard* shard, Training* training_state, const float* params,
                                    const DiffusionConfig& config) {
    const Training& training = *training_state;
    const DenoiserConfig& net = config.denoiser;
    const int n = net.n, width = n + net.embed_dim, rows = shard->row_end - shard->row_begin;
    const Minibatch& minibatch = training.minibatch;
    for (int r = 0; r < rows; r++) {  // the network input [x_t | emb(t)]
        int row = shard->row_begin + r, t = minibatch.t[row];
        const float* x0 = training.data_pm1 + (long)minibatch.index[row] * n;
        const float* eps = minibatch.eps.data() + (long)row * n;
        float* input_row = shard->input.data() + (long)r * width;
        for (int j = 0; j < n; j++) input_row[j] = training.signal_scale[t] * x0[j] + training.noise_scale[t] * eps[j];
        std::memcpy(input_row + n, training.embedding_table.data() + (long)t * net.embed_dim,
                    sizeof(float) * net.embed_dim);
    }
    const float* eps_rows = minibatch.eps.data() + (long)shard->row_begin * n;
    const long entries = (long)rows * n, batch_entries = (long)training.batch * n;
    denoiser_forward(shard->eps_pred.data(), &shard->buffers, params, net, shard->input.data(), rows);
    shard->loss_sum = mse_forward(shard->eps_pred.data(), eps_rows, entries);
    std::memset(shard->d_eps_pred.data(), 0, sizeof(float) * entries);
    mse_backward(shard->d_eps_pred.data(), shard->eps_pred.data(), eps_rows, entries, batch_entries);
    if (config.t_importance)  // each row's loss for the history; its gradient weighted by w_t (t_sampler.h)
        for (int r = 0; r < rows; r++) {
            int row = shard->row_begin + r;
            training_state->minibatch.row_loss[row] =
                (float)(mse_forward(shard->eps_pred.data() + (long)r * n, eps_rows + (long)r * n, n) / n);
            for (int j = 0; j < n; j++) shard->d_eps_pred[(long)r * n + j] *= minibatch.weight[row];
        }
    denoiser_backward(shard->grads.data(), &shard->buffers, params, net, shard->input.data(),
                      shard->d_eps_pred.data(), rows);
}

// sum += part; part = 0.
VECTOR_KERNEL static void add_and_clear(float* __restrict sum, float* __restrict part, long count) {
    for (long i = 0; i < count; i++) {
        sum[i] += part[i];
        part[i] = 0.0f;
    }
}

// Adam step `step` on parameters [begin, end): the shards' gradients there are summed into shard 0's (the others
// cleared), Adam updates the parameters (and clears shard 0's gradient), and the moving average follows.
static void adam_step_on_slice(DiffusionModel* model, Training* training, long begin, long end, long step) {
    std::vector<TrainShard>& shards = training->shards;
    const long length = end - begin;
    float* grads = shards[0].grads.data() + begin;
    for (size_t k = 1; k < shards.size(); k++) add_and_clear(grads, shards[k].grads.data() + begin, length);
    float* params = model->params.data() + begin;
    AdamConfig adam = model->config.adam;  // this step's learning rate (lr_schedule.h; constant in the paper)
    adam.learning_rate = learning_rate_at(adam.learning_rate, model->config.lr_warmup, model->config.lr_horizon,
                                          model->config.lr_final, step);
    adam_update(params, grads, model->adam_m.data() + begin, model->adam_v.data() + begin, length, adam, step);
    if (model->config.ema_decay > 0.0f) {  // diffusion.h, ema_decay
        float decay = ema_warmup_decay(model->config.ema_decay, step);
        float* ema = model->ema_params.data() + begin;
        for (long i = 0; i < length; i++) ema[i] = decay * ema[i] + (1.0f - decay) * params[i];
    }
}

// One iteration of Algorithm 1. Returns the minibatch's mean loss; when it is not finite the parameters are left
// as they were (the caller stops).
static double training_step(DiffusionModel* model, Training* training, WorkerTeam* team) {
    draw_minibatch(&training->minibatch, training->count, model);
    team->run([&](int worker) {
        shard_loss_and_gradient(&training->shards[worker], training, model->params.data(), model->config);
    });
    double loss_sum = 0.0;
    for (const TrainShard& shard : training->shards) loss_sum += shard.loss_sum;
    double loss = loss_sum / ((double)training->batch * model->config.denoiser.n);
    if (!std::isfinite(loss)) return loss;
    const long step = model->iteration + 1;
    team->run([&](int worker) {
        const TrainShard& shard = training->shards[worker];
        adam_step_on_slice(model, training, shard.param_begin, shard.param_end, step);
    });
    if (model->config.t_importance)
        for (int r = 0; r < training->batch; r++)
            time_history_record(&model->t_history, training->minibatch.t[r], training->minibatch.row_loss[r]);
    model->iteration = step;
    return loss;
}

double diffusion_train(DiffusionModel* model, const float* data_pm1, long count, long iterations, int batch,
                       int threads, const ProgressCallback& progress) {
    if (count < 1) throw std::runtime_error("diffusion_train: no training samples");
    if (iterations < 0) throw std::runtime_error("diffusion_train: negative iteration count");
    if (batch < 1 || batch > (1 << 20)) throw std::runtime_error("diffusion_train: batch size must be 1 … 2^20");
    if (threads < 1) throw std::runtime_error("diffusion_train: at least one thread is needed");
    diffusion_check_model(*model, "diffusion_train", true);
    check_training_data(data_pm1, count, model->config.denoiser.n);
    if (iterations == 0) return std::nan("");

    const int workers = threads < batch ? threads : batch;
    Training training;
    training_init(&training, *model, data_pm1, count, batch, workers);
    WorkerTeam team(workers);
    const long end = model->iteration + iterations;
    if (progress) progress(model->iteration, end, std::nan(""));
    double loss_total = 0.0;
    while (model->iteration < end) {
        double loss = training_step(model, &training, &team);
        if (!std::isfinite(loss))
            throw std::runtime_error("diffusion_train: the loss is not finite at iteration " +
                                     std::to_string(model->iteration + 1) + " (diverged; try a smaller learning rate)");
        loss_total += loss;
        if (progress) progress(model->iteration, end, loss);
    }
    return loss_total / (double)iterations;
}
