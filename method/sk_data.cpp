#include "sk_data.h"

#include <algorithm>
#include <stdexcept>

#include "../ising/metropolis.h"
#include "../ising/sk.h"
#include "seeds.h"

SkData make_sk_data(int n, double g, int train_count, int test_count, uint64_t seed, int threads) {
    SkData data;
    Rng rng;
    rng_seed(&rng, derive_seed(seed, 1));
    data.truth = draw_sk_params(n, g, &rng);
    Samples all = metropolis_sample(data.truth, train_count + test_count, metropolis_default_burn_in(data.truth),
                                    metropolis_default_thin(data.truth), &rng, threads);
    data.train = sample_rows(all, 0, train_count);
    data.test = sample_rows(all, train_count, test_count);
    return data;
}

Samples sample_rows(const Samples& samples, long first, long count) {
    if (first < 0 || count < 0 || first + count > samples.count) throw std::out_of_range("sample_rows: rows out of range");
    Samples part;
    part.count = (int)count;
    part.n = samples.n;
    part.spins.assign(samples.spins.begin() + first * samples.n, samples.spins.begin() + (first + count) * samples.n);
    return part;
}

Samples samples_concat(const Samples& a, const Samples& b) {
    if (a.n != b.n) throw std::invalid_argument("samples_concat: different n");
    Samples both = a;
    both.count += b.count;
    both.spins.insert(both.spins.end(), b.spins.begin(), b.spins.end());
    return both;
}

Samples bootstrap_samples(const Samples& samples, long count, Rng* rng) {
    Samples drawn;
    drawn.count = (int)count;
    drawn.n = samples.n;
    drawn.spins.resize((size_t)count * samples.n);
    for (long row = 0; row < count; row++) {
        long source = (long)rng_below(rng, (uint64_t)samples.count);
        std::copy(samples.spins.begin() + source * samples.n, samples.spins.begin() + (source + 1) * samples.n,
                  drawn.spins.begin() + row * samples.n);
    }
    return drawn;
}
