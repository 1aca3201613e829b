// The forward-process noise schedule of Appendix A, the linear schedule of Ho et al. (2020):
//   1 − α_t = 10⁻⁴ + 0.02·t/T,  t = 1 … T (T = 1000),   ᾱ_t = Π_{s≤t} α_s,
// so x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε (Eq. (19) applied t times). Products are kept in double: ᾱ_T ≈ 4e-5.
#pragma once
#include <vector>

struct NoiseSchedule {
    int T = 0;
    // Indexed by t = 0 … T; entry 0 is the noiseless start: beta[0] = 0, alpha[0] = alpha_bar[0] = 1.
    std::vector<double> beta;       // β_t = 1 − α_t
    std::vector<double> alpha;      // α_t
    std::vector<double> alpha_bar;  // ᾱ_t
};

NoiseSchedule linear_schedule(int T);

// Variance of the DDPM posterior q(x_{t−1} | x_t, x_0): β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t (Ho et al. Eq. (7));
// β̃_1 = 0, so the last reverse step adds no noise.
double posterior_variance(const NoiseSchedule& schedule, int t);
