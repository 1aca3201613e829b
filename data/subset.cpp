#include "subset.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "rng.h"

std::vector<int> most_active_columns(const Samples& samples, int count) {
    const int n = samples.n;
    if (count < 1 || count > n)
        throw std::runtime_error("most active: asked for " + std::to_string(count) + " of " + std::to_string(n) + " spins");
    std::vector<double> active(n, 0.0);
    for (long mu = 0; mu < samples.count; mu++) {
        double w = samples.weight.empty() ? 1.0 : samples.weight[mu];
        for (int i = 0; i < n; i++) active[i] += samples.spins[(size_t)mu * n + i] > 0 ? w : 0.0;
    }
    std::vector<int> order(n);
    for (int i = 0; i < n; i++) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return active[a] > active[b]; });
    order.resize(count);
    return order;
}

Samples select_columns(const Samples& samples, const std::vector<int>& columns) {
    Samples out;
    out.n = (int)columns.size();
    out.count = samples.count;
    out.weight = samples.weight;
    out.spins.resize((size_t)out.count * out.n);
    for (long mu = 0; mu < samples.count; mu++)
        for (int j = 0; j < out.n; j++) out.spins[(size_t)mu * out.n + j] = samples.spins[(size_t)mu * samples.n + columns[j]];
    return out;
}

Samples random_rows(const Samples& samples, long count, uint64_t seed) {
    if (count < 1 || count > samples.count)
        throw std::runtime_error("random rows: asked for " + std::to_string(count) + " of " + std::to_string(samples.count) + " rows");
    std::vector<long> order(samples.count);
    for (long mu = 0; mu < samples.count; mu++) order[mu] = mu;
    Rng rng;
    rng_seed(&rng, seed, 0);
    for (long k = 0; k < count; k++) std::swap(order[k], order[k + (long)rng_below(&rng, (uint64_t)(samples.count - k))]);
    Samples out;
    out.n = samples.n;
    out.count = (int)count;
    out.spins.resize((size_t)count * out.n);
    for (long k = 0; k < count; k++) {
        std::copy(samples.spins.begin() + (size_t)order[k] * out.n, samples.spins.begin() + (size_t)(order[k] + 1) * out.n,
                  out.spins.begin() + (size_t)k * out.n);
        if (!samples.weight.empty()) out.weight.push_back(samples.weight[order[k]]);
    }
    return out;
}
