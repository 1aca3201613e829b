#include "meanfield.h"

#include <cmath>
#include <stdexcept>

#include "linear_solve.h"
#include "moments.h"

MeanFieldResult mean_field_fit(const Samples& samples) {
    if (samples.count < 1 || samples.n < 1) throw std::runtime_error("mean field: no samples");
    int n = samples.n;
    double M = samples.count;  // with row weights (histogram data), their total
    if (!samples.weight.empty()) {
        M = 0;
        for (double w : samples.weight) M += w;
    }
    Moments moments = sample_moments(samples);
    MeanFieldResult result;
    // A spin that never flips has m_i = ±1 (atanh infinite) and a zero row in C: its magnetisation is taken with
    // one pseudo-observation shared between the signs, |m| = 1 − 1/(M + 1), and it is decoupled from the rest.
    std::vector<double> m = moments.mean;
    std::vector<char> constant(n, 0);
    for (int i = 0; i < n; i++)
        if (std::fabs(m[i]) >= 1.0) {
            m[i] = (m[i] > 0 ? 1.0 : -1.0) * (1.0 - 1.0 / (M + 1.0));
            constant[i] = 1;
            result.constant_spins.push_back(i);
        }
    std::vector<double> C((size_t)n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double c = moments.correlation[(size_t)i * n + j] - m[i] * m[j];
            if (constant[i] || constant[j]) c = i == j ? 1.0 - m[i] * m[i] : 0.0;
            C[(size_t)i * n + j] = c;
        }
    std::vector<double> inverse = inverse_positive_definite(C, n, &result.ridge);
    result.params.n = n;
    result.params.bias.resize(n);
    result.params.coupling.assign((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j)  // C⁻¹ is symmetric up to rounding; average so the file is exactly symmetric
                result.params.coupling[(size_t)i * n + j] = -0.5 * (inverse[(size_t)i * n + j] + inverse[(size_t)j * n + i]);
    for (int i = 0; i < n; i++) {
        double field = 0;
        for (int j = 0; j < n; j++) field += result.params.coupling[(size_t)i * n + j] * m[j];
        result.params.bias[i] = std::atanh(m[i]) - field;
    }
    return result;
}
