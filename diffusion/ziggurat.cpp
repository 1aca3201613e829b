#include "ziggurat.h"

#include <cmath>
#include <cstdint>

namespace {

// Layer tables, built once (Marsaglia & Tsang's zigset for RNOR). Layer i covers |x| < x_i; k[i] is the
// fast-accept threshold on the 31-bit integer, w[i] = x_i/2³¹ scales it, f[i] = exp(−x_i²/2).
struct ZigguratTables {
    double k[128], w[128], f[128];
    ZigguratTables() {
        const double m1 = 2147483648.0;  // 2³¹
        const double vn = 9.91256303526217e-3;
        double dn = 3.442619855899, tn = dn;
        double q = vn / std::exp(-0.5 * dn * dn);
        k[0] = (dn / q) * m1;
        k[1] = 0.0;
        w[0] = q / m1;
        w[127] = dn / m1;
        f[0] = 1.0;
        f[127] = std::exp(-0.5 * dn * dn);
        for (int i = 126; i >= 1; i--) {
            dn = std::sqrt(-2.0 * std::log(vn / dn + std::exp(-0.5 * dn * dn)));
            k[i + 1] = (dn / tn) * m1;
            tn = dn;
            f[i] = std::exp(-0.5 * dn * dn);
            w[i] = dn / m1;
        }
    }
};

const ZigguratTables& tables() {
    static const ZigguratTables instance;  // thread-safe one-time construction (C++11)
    return instance;
}

const double tail_start = 3.442619855899;  // r: where the base layer's tail begins

// Uniform in (0, 1], so its log is finite.
inline double uniform_open0(Rng* rng) { return 1.0 - rng_uniform(rng); }

double normal_slow_path(const ZigguratTables& z, int32_t value, int layer, Rng* rng) {
    for (;;) {
        double x = value * z.w[layer];
        if (layer == 0) {  // the tail |x| > r: Marsaglia's exponential rejection
            double tail_x, tail_y;
            do {
                tail_x = -std::log(uniform_open0(rng)) / tail_start;
                tail_y = -std::log(uniform_open0(rng));
            } while (tail_y + tail_y < tail_x * tail_x);
            return value > 0 ? tail_start + tail_x : -tail_start - tail_x;
        }
        // The wedge between the layer's rectangle and the density: accept under the curve.
        if (z.f[layer] + rng_uniform(rng) * (z.f[layer - 1] - z.f[layer]) < std::exp(-0.5 * x * x)) return x;
        uint64_t bits = rng_next(rng);
        value = (int32_t)(uint32_t)(bits >> 32);
        layer = (int)(bits & 127);
        if (std::fabs((double)value) < z.k[layer]) return value * z.w[layer];
    }
}

}  // namespace

void normal_fill(float* out, long count, Rng* rng) {
    const ZigguratTables& z = tables();
    for (long i = 0; i < count; i++) {
        uint64_t bits = rng_next(rng);
        int32_t value = (int32_t)(uint32_t)(bits >> 32);  // signed 32-bit: sign and magnitude of the draw
        int layer = (int)(bits & 127);                    // low bits: which layer (disjoint from value's bits)
        double x = std::fabs((double)value) < z.k[layer] ? value * z.w[layer]
                                                          : normal_slow_path(z, value, layer, rng);
        out[i] = (float)x;
    }
}
