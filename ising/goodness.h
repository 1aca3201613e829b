// Goodness of fit of a pairwise (Ising) model, as Schneidman, Berry, Segev & Bialek (2006, Nature 440:1007) checked
// theirs: draw samples from the fitted model and compare their statistics with those of data the fit never saw —
// the magnetisations m_i = ⟨σ_i⟩, the connected pairwise correlations C_ij = ⟨σ_iσ_j⟩ − m_i m_j, which a maximum-
// entropy pairwise model reproduces by construction on its training data, and the connected third-order
// correlations C_ijk = ⟨(σ_i − m_i)(σ_j − m_j)(σ_k − m_k)⟩, which it does not fit and so predicts. A good model's
// statistics are as far from the held-out data's as the training data's own are (the yardstick: finite-M noise).
#pragma once
#include <vector>

#include "../data/formats.h"
#include "../data/rng.h"

// Triplets (i < j < k) to compare: all n(n−1)(n−2)/6 of them when that is at most `max_triplets` (n ≤ 40 at the
// default 10,000), else `max_triplets` distinct ones drawn uniformly with `rng` (at n = 1000 all would be 1.7e8).
// Returned flat: triplet t is (index[3t], index[3t+1], index[3t+2]).
constexpr long GOODNESS_MAX_TRIPLETS = 10000;
std::vector<int> goodness_triplets(int n, long max_triplets, Rng* rng);

struct SpinStatistics {
    int n = 0;
    std::vector<double> magnetisation;  // n
    std::vector<double> pair;           // n(n−1)/2: C_ij for i < j, row by row
    std::vector<double> triplet;        // one C_ijk per triplet of goodness_triplets
};
// The statistics of the samples (rows weighted by Samples::weight when present, as repeated rows).
SpinStatistics spin_statistics(const Samples& samples, const std::vector<int>& triplets);

// Root-mean-square differences between two sets of statistics, per order.
struct StatisticsDistance {
    double magnetisation = 0, pair = 0, triplet = 0;
};
StatisticsDistance statistics_distance(const SpinStatistics& a, const SpinStatistics& b);
