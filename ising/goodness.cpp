#include "goodness.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>

#include "moments.h"

std::vector<int> goodness_triplets(int n, long max_triplets, Rng* rng) {
    std::vector<int> index;
    double all = (double)n * (n - 1) * (n - 2) / 6.0;
    if (all <= (double)max_triplets) {
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                for (int k = j + 1; k < n; k++) index.insert(index.end(), {i, j, k});
        return index;
    }
    // Rejection of repeats: max_triplets is far below the n(n−1)(n−2)/6 > max_triplets candidates drawn from.
    std::set<std::tuple<int, int, int>> seen;
    while ((long)seen.size() < max_triplets) {
        int t[3];
        t[0] = (int)rng_below(rng, (uint64_t)n);
        do t[1] = (int)rng_below(rng, (uint64_t)n); while (t[1] == t[0]);
        do t[2] = (int)rng_below(rng, (uint64_t)n); while (t[2] == t[0] || t[2] == t[1]);
        std::sort(t, t + 3);
        if (seen.insert(std::make_tuple(t[0], t[1], t[2])).second) index.insert(index.end(), {t[0], t[1], t[2]});
    }
    return index;
}

SpinStatistics spin_statistics(const Samples& samples, const std::vector<int>& triplets) {
    const int n = samples.n;
    if (samples.count < 1 || n < 1 || samples.spins.size() != (size_t)samples.count * n || triplets.size() % 3)
        throw std::runtime_error("spin_statistics: no samples, or a malformed triplet list");
    for (int i : triplets)
        if (i < 0 || i >= n) throw std::runtime_error("spin_statistics: triplet spin " + std::to_string(i) + " of n = " + std::to_string(n));
    SpinStatistics stats;
    stats.n = n;
    Moments moments = sample_moments(samples);  // weighted when the rows are
    stats.magnetisation = moments.mean;
    const std::vector<double>& m = moments.mean;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) stats.pair.push_back(moments.correlation[(size_t)i * n + j] - m[i] * m[j]);
    // Third order: one pass over the rows per block of triplets, with the centred spins x_i = σ_i − m_i.
    size_t count = triplets.size() / 3;
    stats.triplet.assign(count, 0.0);
    double total = 0;
    std::vector<double> x(n);
    for (long mu = 0; mu < samples.count; mu++) {
        double c = samples.weight.empty() ? 1.0 : samples.weight[mu];
        if (c == 0) continue;
        total += c;
        const float* row = samples.spins.data() + (size_t)mu * n;
        for (int i = 0; i < n; i++) x[i] = row[i] - m[i];
        for (size_t t = 0; t < count; t++)
            stats.triplet[t] += c * x[triplets[3 * t]] * x[triplets[3 * t + 1]] * x[triplets[3 * t + 2]];
    }
    for (double& value : stats.triplet) value /= total;
    return stats;
}

static double rms_difference(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) throw std::runtime_error("statistics_distance: statistics of different shapes");
    if (a.empty()) return 0.0;
    double sum = 0;
    for (size_t k = 0; k < a.size(); k++) sum += (a[k] - b[k]) * (a[k] - b[k]);
    return std::sqrt(sum / a.size());
}

StatisticsDistance statistics_distance(const SpinStatistics& a, const SpinStatistics& b) {
    if (a.n != b.n) throw std::runtime_error("statistics_distance: n differs");
    return {rms_difference(a.magnetisation, b.magnetisation), rms_difference(a.pair, b.pair),
            rms_difference(a.triplet, b.triplet)};
}
