// Importance sampling of t (t_sampler.h).
#include "t_sampler.h"

#include <algorithm>
#include <cmath>

void time_history_init(TimeLossHistory* history, int T) {
    history->loss.assign((size_t)T * T_LOSS_HISTORY, 0.0f);
    history->seen.assign(T, 0);
}

void time_history_record(TimeLossHistory* history, int t, float loss) {
    int64_t& seen = history->seen[t - 1];
    history->loss[(size_t)(t - 1) * T_LOSS_HISTORY + seen % T_LOSS_HISTORY] = loss;
    seen++;
}

void time_probabilities(const TimeLossHistory& history, int T, double* probability) {
    bool full = true;
    for (int t = 1; t <= T; t++) full = full && history.seen[t - 1] >= T_LOSS_HISTORY;
    if (!full) {
        for (int t = 1; t <= T; t++) probability[t - 1] = 1.0 / T;
        return;
    }
    double total = 0.0;
    for (int t = 1; t <= T; t++) {  // √E[L_t²] over the history (Nichol & Dhariwal 2021, Eq. (18))
        double mean_square = 0.0;
        for (int k = 0; k < T_LOSS_HISTORY; k++) {
            double loss = history.loss[(size_t)(t - 1) * T_LOSS_HISTORY + k];
            mean_square += loss * loss / T_LOSS_HISTORY;
        }
        probability[t - 1] = std::sqrt(mean_square);
        total += probability[t - 1];
    }
    const double uniform_share = 0.001;  // their code's uniform_prob
    for (int t = 1; t <= T; t++)
        probability[t - 1] = total > 0.0 ? (1.0 - uniform_share) * probability[t - 1] / total + uniform_share / T
                                         : 1.0 / T;
}

int draw_time(const double* cumulative, int T, Rng* rng) {
    double u = rng_uniform(rng) * cumulative[T - 1];
    int index = (int)(std::upper_bound(cumulative, cumulative + T, u) - cumulative);
    return 1 + std::min(index, T - 1);
}

void draw_times(const TimeLossHistory& history, int T, int batch, Rng* rng, int* t_out, float* weight_out,
                double* scratch) {
    time_probabilities(history, T, scratch);
    double* cumulative = scratch + T;
    double sum = 0.0;
    for (int t = 0; t < T; t++) cumulative[t] = sum += scratch[t];
    for (int r = 0; r < batch; r++) {
        t_out[r] = draw_time(cumulative, T, rng);
        weight_out[r] = (float)(1.0 / (T * scratch[t_out[r] - 1]));
    }
}
