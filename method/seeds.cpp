#include "seeds.h"

#include <cstdio>

#include "../data/rng.h"

uint64_t derive_seed(uint64_t seed, uint64_t purpose) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + purpose;
    splitmix64_next(&x);
    return splitmix64_next(&x);
}

uint64_t text_hash(const std::string& text) {
    uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    return hash;
}

uint64_t sk_point_seed(uint64_t seed, int n, double g, int M, int member) {
    char text[128];
    std::snprintf(text, sizeof text, "sk/n=%d/g=%.17g/M=%d/member=%d", n, g, M, member);
    return derive_seed(seed, text_hash(text));
}
