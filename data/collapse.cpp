#include "collapse.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>

Samples collapse_repeated_rows(const Samples& samples) {
    const int n = samples.n;
    if (samples.spins.size() != (size_t)samples.count * n) throw std::runtime_error("collapse_repeated_rows: malformed samples");
    Samples out;
    out.n = n;
    // A row's key: its spins as bits, packed 8 to a byte (a string, so any n works with the standard hash).
    std::unordered_map<std::string, long> row_of_key;
    std::string key((size_t)(n + 7) / 8, '\0');
    for (long mu = 0; mu < samples.count; mu++) {
        double weight = samples.weight.empty() ? 1.0 : samples.weight[mu];
        if (weight == 0) continue;
        const float* row = samples.spins.data() + (size_t)mu * n;
        std::fill(key.begin(), key.end(), '\0');
        for (int i = 0; i < n; i++)
            if (row[i] > 0) key[i / 8] = (char)(key[i / 8] | (1 << (i % 8)));
        auto found = row_of_key.find(key);
        if (found != row_of_key.end()) {
            out.weight[found->second] += weight;
            continue;
        }
        row_of_key.emplace(key, (long)out.count);
        out.spins.insert(out.spins.end(), row, row + n);
        out.weight.push_back(weight);
        out.count++;
    }
    return out;
}
