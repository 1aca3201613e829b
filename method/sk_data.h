// Sec. III A steps 1–2: the synthetic data of Figs. 2–5 and 7, and the sample-set operations the figures use.
#pragma once
#include <cstdint>

#include "../data/formats.h"
#include "../data/rng.h"

// True parameters b, w ~ N(0, g²/n) and train_count + test_count Metropolis samples, the first train_count for
// training and the rest for testing (the paper's split: M and M).
struct SkData {
    IsingParams truth;
    Samples train, test;
};
SkData make_sk_data(int n, double g, int train_count, int test_count, uint64_t seed, int threads);

// Rows first … first + count − 1.
Samples sample_rows(const Samples& samples, long first, long count);
// a's rows, then b's (the "augmented + observed" data set).
Samples samples_concat(const Samples& a, const Samples& b);
// `count` rows drawn uniformly with replacement (the "bootstrap" control: what mere replication gives).
Samples bootstrap_samples(const Samples& samples, long count, Rng* rng);
