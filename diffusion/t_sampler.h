// Importance sampling of the diffusion time t (beyond the paper, which draws t uniformly; Nichol & Dhariwal 2021,
// "Improved DDPM", Sec. 3.3): keep the last T_LOSS_HISTORY losses seen at each t; once every t has that many, draw t
// with probability p_t ∝ √E[L_t²] (mixed with 0.1 % of the uniform distribution, as their code does, so no t is
// starved) and weight its loss by w_t = 1/(T·p_t). Then E_p[w_t·L_t] = Σ_t p_t·L_t/(T·p_t) = (1/T)·Σ_t L_t, the
// uniform loss the paper minimises: the expected gradient is unchanged, its variance is what changes. Before every
// history is full, p is uniform and w = 1.
#pragma once
#include <cstdint>
#include <vector>

#include "../data/rng.h"

constexpr int T_LOSS_HISTORY = 10;

// The sampler's state, kept in DiffusionModel (and its checkpoint) when DiffusionConfig::t_importance is on.
struct TimeLossHistory {
    std::vector<float> loss;    // [T × T_LOSS_HISTORY]: row t−1 is a ring of the last losses seen at t
    std::vector<int64_t> seen;  // [T]: how many losses were ever recorded at t (slot = seen mod T_LOSS_HISTORY)
};

void time_history_init(TimeLossHistory* history, int T);
// Records the loss of one batch row drawn at time t (1 … T).
void time_history_record(TimeLossHistory* history, int t, float loss);
// probability[t−1] for t = 1 … T (sums to 1): uniform until every t has a full history, then ∝ √(mean of L²).
void time_probabilities(const TimeLossHistory& history, int T, double* probability);
// Draws t ∈ 1 … T from `cumulative` (the running sum of probability, last entry 1) with one uniform from rng.
int draw_time(const double* cumulative, int T, Rng* rng);
// Draws the times of one batch: t_out[r] from time_probabilities, weight_out[r] = 1/(T·p_t). scratch holds 2·T doubles.
void draw_times(const TimeLossHistory& history, int T, int batch, Rng* rng, int* t_out, float* weight_out,
                double* scratch);
