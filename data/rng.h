// The one random generator of the project: xoshiro256** (Blackman & Vigna), seeded through splitmix64.
// Every random draw in repro goes through an Rng passed in explicitly, so a run is reproducible from --seed.
// It lives in data/, the bottom layer that every other folder may include (formats, randomness, splits).
#pragma once
#include <cmath>
#include <cstdint>

struct Rng {
    uint64_t state[4];
    int has_spare_normal;   // Box–Muller makes normals in pairs; the second one is kept here
    double spare_normal;
};

static inline uint64_t splitmix64_next(uint64_t* x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Seeds the generator; different (seed, stream) pairs give independent-looking sequences, which is how
// worker threads and ensemble members get their own generator from one --seed.
static inline void rng_seed(Rng* rng, uint64_t seed, uint64_t stream = 0) {
    uint64_t x = seed ^ (0xD1B54A32D192ED03ull * (stream + 1));
    for (int i = 0; i < 4; i++) rng->state[i] = splitmix64_next(&x);
    rng->has_spare_normal = 0;
    rng->spare_normal = 0.0;
}

static inline uint64_t rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(Rng* rng) {
    uint64_t* s = rng->state;
    const uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

// Uniform double in [0, 1) with 53 random bits.
static inline double rng_uniform(Rng* rng) { return (double)(rng_next(rng) >> 11) * 0x1.0p-53; }

// Uniform integer in [0, bound) (bound > 0), by rejection so there is no modulo bias.
static inline uint64_t rng_below(Rng* rng, uint64_t bound) {
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t r = rng_next(rng);
        if (r >= threshold) return r % bound;
    }
}

// Standard normal N(0, 1), Box–Muller (both values of a pair are used).
static inline double rng_normal(Rng* rng) {
    if (rng->has_spare_normal) { rng->has_spare_normal = 0; return rng->spare_normal; }
    double u1 = rng_uniform(rng), u2 = rng_uniform(rng);
    if (u1 < 1e-300) u1 = 1e-300;
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 6.283185307179586476925 * u2;
    rng->spare_normal = radius * std::sin(angle);
    rng->has_spare_normal = 1;
    return radius * std::cos(angle);
}
