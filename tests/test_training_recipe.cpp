// Training options beyond the paper (issue 17): the learning-rate schedule, importance sampling of t, and their
// round trip through a checkpoint. The paper's recipe is the defaults; these only check the options do what they say.
#include <catch2/catch.hpp>

#include <stdexcept>

#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#include "../data/atomic_file.h"
#include "../data/rng.h"
#include "../diffusion/diffusion.h"
#include "../diffusion/lr_schedule.h"
#include "../diffusion/t_sampler.h"
#include "../method/appendix_a.h"
#include "../method/training_recipe.h"

TEST_CASE("learning-rate schedule: constant, linear warm-up, half cosine, floor", "[diffusion]") {
    for (long step : {1L, 1000L, 1000000L}) CHECK(learning_rate_at(1e-4f, 0, 0, 0.0f, step) == 1e-4f);  // the paper
    const float peak = 1e-3f, final_lr = 1e-5f;
    CHECK(learning_rate_at(peak, 1000, 9000, final_lr, 1) == Approx(1e-6));
    CHECK(learning_rate_at(peak, 1000, 9000, final_lr, 500) == Approx(5e-4));
    CHECK(learning_rate_at(peak, 1000, 9000, final_lr, 1000) == Approx(1e-3));
    CHECK(learning_rate_at(peak, 1000, 9000, final_lr, 5000) == Approx((1e-3 + 1e-5) / 2));  // half way down
    CHECK(learning_rate_at(peak, 1000, 9000, final_lr, 3000) == Approx(1e-5 + (1e-3 - 1e-5) * (1 + std::cos(M_PI / 4)) / 2));
    CHECK(learning_rate_at(peak, 1000, 9000, final_lr, 9000) == Approx(1e-5));
    CHECK(learning_rate_at(peak, 1000, 9000, final_lr, 50000) == Approx(1e-5));
    CHECK(learning_rate_at(peak, 1000, 0, final_lr, 50000) == Approx(1e-3));  // warm-up only
    for (long step = 1001; step < 9000; step += 97)
        CHECK(learning_rate_at(peak, 1000, 9000, final_lr, step + 1) <= learning_rate_at(peak, 1000, 9000, final_lr, step));
}

TEST_CASE("importance sampling of t: uniform until the history is full, then p ∝ sqrt(E[L²]), unbiased weights", "[diffusion]") {
    const int T = 6;
    TimeLossHistory history;
    time_history_init(&history, T);
    std::vector<double> p(T), scratch(2 * T);
    // A toy loss per t; before every t has 10 losses the draw is uniform.
    const double loss_at[T] = {4.0, 1.0, 0.5, 0.25, 0.1, 2.0};
    for (int t = 1; t <= T; t++)
        for (int k = 0; k < T_LOSS_HISTORY - (t == 3); k++) time_history_record(&history, t, (float)loss_at[t - 1]);
    time_probabilities(history, T, p.data());
    for (int t = 1; t <= T; t++) CHECK(p[t - 1] == Approx(1.0 / T));
    time_history_record(&history, 3, 0.5f);
    time_probabilities(history, T, p.data());
    double total = 0.0, sum_loss = 0.0;
    for (int t = 1; t <= T; t++) total += loss_at[t - 1];  // √E[L²] of a constant history is the loss itself
    for (int t = 1; t <= T; t++) CHECK(p[t - 1] == Approx(0.999 * loss_at[t - 1] / total + 0.001 / T));
    // Exactly: E_p[w·L] = Σ_t p_t·L_t/(T·p_t) = E_uniform[L].
    double weighted = 0.0;
    for (int t = 1; t <= T; t++) weighted += p[t - 1] * loss_at[t - 1] / (T * p[t - 1]), sum_loss += loss_at[t - 1];
    CHECK(weighted == Approx(sum_loss / T));
    // And by drawing: draw_times' weights make the mean of w·L the uniform mean (within 4 standard errors).
    Rng rng;
    rng_seed(&rng, 5);
    const int batch = 200000;
    std::vector<int> t_drawn(batch);
    std::vector<float> weight(batch);
    draw_times(history, T, batch, &rng, t_drawn.data(), weight.data(), scratch.data());
    double mean = 0.0, mean_square = 0.0;
    std::vector<long> hits(T, 0);
    for (int r = 0; r < batch; r++) {
        double value = weight[r] * loss_at[t_drawn[r] - 1];
        mean += value / batch, mean_square += value * value / batch;
        hits[t_drawn[r] - 1]++;
    }
    CHECK(std::fabs(mean - sum_loss / T) < 4.0 * std::sqrt((mean_square - mean * mean) / batch) + 1e-12);
    for (int t = 1; t <= T; t++) CHECK((double)hits[t - 1] / batch == Approx(p[t - 1]).margin(0.005));
    // A ring of 10: an eleventh loss replaces the oldest.
    for (int k = 0; k < T_LOSS_HISTORY; k++) time_history_record(&history, 1, 1.0f);
    time_probabilities(history, T, p.data());
    CHECK(p[0] == Approx(0.999 * 1.0 / (total - 3.0) + 0.001 / T));
}

TEST_CASE("checkpoint round trip with the schedule and the importance sampler's history; resume is bit-identical", "[diffusion]") {
    const int n = 5, T = 20;
    DiffusionConfig config;
    config.denoiser.n = n;
    config.denoiser.widths[0] = 8, config.denoiser.widths[1] = 8, config.denoiser.widths[2] = 8;
    config.denoiser.embed_dim = 8;
    config.T = T;
    config.adam.learning_rate = 1e-3f;
    config.lr_warmup = 5, config.lr_horizon = 40, config.lr_final = 1e-5f, config.t_importance = true;
    Rng rng;
    rng_seed(&rng, 3);
    std::vector<float> data(40 * n);
    for (float& s : data) s = rng_below(&rng, 2) ? 1.0f : -1.0f;
    DiffusionModel model, resumed;
    diffusion_init(&model, config, 7);
    diffusion_train(&model, data.data(), 40, 20, 32, 2, nullptr);  // 640 draws: every t's history fills
    for (int t = 1; t <= T; t++) CHECK(model.t_history.seen[t - 1] >= T_LOSS_HISTORY);
    std::string path = "/tmp/repro_test_recipe_" + std::to_string(getpid()) + ".ckpt";
    checkpoint_save(model, path);
    checkpoint_load(&resumed, path);
    std::remove(path.c_str());
    CHECK(resumed.config.lr_warmup == 5);
    CHECK(resumed.config.lr_horizon == 40);
    CHECK(resumed.config.lr_final == 1e-5f);
    CHECK(resumed.config.t_importance);
    CHECK(resumed.t_history.loss == model.t_history.loss);
    CHECK(resumed.t_history.seen == model.t_history.seen);
    diffusion_train(&model, data.data(), 40, 30, 32, 2, nullptr);  // past the horizon: lr_final
    diffusion_train(&resumed, data.data(), 40, 30, 32, 2, nullptr);
    CHECK(resumed.params == model.params);
    CHECK(resumed.t_history.loss == model.t_history.loss);
    // A horizon inside the warm-up is refused.
    config.lr_horizon = 5;
    CHECK_THROWS_WITH(diffusion_init(&model, config, 1), Catch::Contains("horizon"));
}

TEST_CASE("--recipe: paper is the defaults, fast changes only training fields", "[diffusion]") {
    DiffusionConfig config = diffusion_config_for(40), paper = config;
    apply_training_recipe("paper", &config);
    CHECK(config.adam.learning_rate == 1e-4f);
    CHECK((config.ema_decay == 0.0f && config.lr_warmup == 0 && config.lr_horizon == 0 && !config.t_importance));
    apply_training_recipe("fast", &config);
    CHECK(config.denoiser.widths[2] == paper.denoiser.widths[2]);
    CHECK(config.T == paper.T);
    CHECK_THROWS_AS(apply_training_recipe("slow", &config), std::invalid_argument);
}
