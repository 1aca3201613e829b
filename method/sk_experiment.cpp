#include "sk_experiment.h"

#include <algorithm>

#include "../ising/energy.h"
#include "../ising/metrics.h"
#include "seeds.h"
#include "sk_data.h"

SkAugmentResult run_sk_augmentation(int n, double g, int M, const std::vector<long>& augmented_counts, bool with_union,
                                    const AugmentSettings& settings, const SolverChoice& solver, uint64_t seed) {
    SkAugmentResult result;
    SkData data = make_sk_data(n, g, M, M, seed, settings.threads);
    Inference observed = infer_with(data.train, solver, settings.threads, derive_seed(seed, 10));
    result.mse_obs = parameter_mse(observed.params, data.truth);  // Eq. (23)
    result.eps_obs = observed.eps;
    result.var_train = energy_stats(observed.params, data.train).variance;
    result.var_test = energy_stats(observed.params, data.test).variance;
    long most = *std::max_element(augmented_counts.begin(), augmented_counts.end());
    Samples augmented = augment_energy_variance_stopped(data.train, observed.params, result.var_test, most, settings,
                                                        derive_seed(seed, 20), &result.trace);
    Moments generated = sample_moments(augmented), train = sample_moments(data.train), test = sample_moments(data.test);
    result.fidelity_train = moment_distance(generated, train);
    result.fidelity_test = moment_distance(generated, test);
    result.yardstick = moment_distance(train, test);
    result.augmented_counts = augmented_counts;
    for (long count : augmented_counts) {
        Samples part = sample_rows(augmented, 0, count);
        Inference aug = infer_with(part, solver, settings.threads, derive_seed(seed, 10));
        result.mse_aug.push_back(parameter_mse(aug.params, data.truth));
        result.eps_aug.push_back(aug.eps);
        if (with_union) {
            Inference both = infer_with(samples_concat(part, data.train), solver, settings.threads, derive_seed(seed, 10));
            result.mse_aug_obs.push_back(parameter_mse(both.params, data.truth));
        }
    }
    return result;
}
