// First and second moments of spins: ⟨σ_i⟩ and ⟨σ_i σ_j⟩, the statistics Eqs. (8)–(9) compare.
#pragma once
#include <vector>

#include "../data/formats.h"

struct Moments {
    int n = 0;
    std::vector<double> mean;         // ⟨σ_i⟩, n
    std::vector<double> correlation;  // ⟨σ_i σ_j⟩, n × n, symmetric, diagonal 1
};

// Moments of the data distribution f(σ) of Eq. (3): plain averages over the M samples. Float sgemm over blocks
// of rows (exact: every product of ±1 spins summed over a block is an integer below 2^24), summed in double.
Moments sample_moments(const Samples& samples);

// Largest |⟨σ_i⟩_samples − ⟨σ_i⟩_exact| and largest |⟨σ_iσ_j⟩_samples − ⟨σ_iσ_j⟩_exact| (i < j): how far samples are
// from known moments (the tests of every generator against exact enumeration).
void largest_moment_errors(const Samples& samples, const Moments& exact, double* magnetisation, double* correlation);

// Generator fidelity (beyond the paper): how far two distributions are in their first two moments, as the mean over
// spins of |Δm_i| and the mean over pairs i < j of |ΔC_ij|, with C_ij = ⟨σ_iσ_j⟩ − m_i m_j the connected correlation.
// Read against a yardstick: the same distance between two samples of the same distribution (training vs test data)
// is the noise of finite M; a generator at that distance is as faithful as the data can show.
struct MomentDistance {
    double magnetisation = 0.0;  // mean_i |m_i(a) − m_i(b)|
    double correlation = 0.0;    // mean_{i<j} |C_ij(a) − C_ij(b)|
};
MomentDistance moment_distance(const Moments& a, const Moments& b);
