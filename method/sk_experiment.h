// One synthetic experiment of Figs. 3–4 (Sec. III A, steps 1–6): SK data (n, g; M train + M test), the solver on
// the observed data, a diffusion model stopped by the energy-variance rule, and the solver on the first m augmented
// samples for every m in augmented_counts (alone, and with the observed data when with_union).
#pragma once
#include <cstdint>
#include <vector>

#include "augment.h"
#include "solvers.h"

struct SkAugmentResult {
    double mse_obs = 0, var_train = 0, var_test = 0, eps_obs = 0;
    std::vector<long> augmented_counts;
    std::vector<double> mse_aug, mse_aug_obs, eps_aug;  // per augmented count (mse_aug_obs empty without union)
    AugmentTrace trace;
    // Generator fidelity (issue 17): the largest augmented set's first two moments against the training data and the
    // test data, and the training data against the test data (the yardstick: the noise of finite M).
    MomentDistance fidelity_train, fidelity_test, yardstick;
};
SkAugmentResult run_sk_augmentation(int n, double g, int M, const std::vector<long>& augmented_counts, bool with_union,
                                    const AugmentSettings& settings, const SolverChoice& solver, uint64_t seed);
