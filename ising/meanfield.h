// Naive mean-field inversion (Kappen & Rodríguez 1998; Tanaka 1998; reviewed in Nguyen, Zecchina & Berg 2017,
// Sec. 4.1): the cheap baseline of the inverse Ising literature. With m_i = ⟨σ_i⟩ and the connected correlations
// C_ij = ⟨σ_iσ_j⟩ − m_i m_j, the mean-field equations m_i = tanh(b_i + Σ_j w_ij m_j), linearised, give
//   w_ij = −(C⁻¹)_ij  (i ≠ j),        b_i = atanh(m_i) − Σ_{j≠i} w_ij m_j.
// In the paper's convention E = −Σ b_i σ_i − Σ_{i<j} w_ij σ_iσ_j (Eq. 2), so w is J of those papers.
#pragma once
#include <vector>

#include "../data/formats.h"

struct MeanFieldResult {
    IsingParams params;
    std::vector<int> constant_spins;  // spins that never flip: m_i clamped to ±(1 − 1/(M + 1)), couplings 0
    double ridge = 0;                 // added to C before inverting when it was singular (0: none was needed)
};

MeanFieldResult mean_field_fit(const Samples& samples);
