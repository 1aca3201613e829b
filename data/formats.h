// The two text formats every command reads and writes (documented in README.md, "File formats").
//
// Samples: one sample per line, n values separated by spaces or commas, each in {-1,+1} or {0,1}
//   (a file written in 0/1 is mapped to -1/+1 and a note goes to stderr). A line starting with '#' is a comment.
//   Anything else (ragged row, a value like 2 or x, NaN, an empty file) is an error naming file, line and column.
// Parameters: first line the n biases b_i; then n lines of n couplings w_ij (symmetric, zero diagonal).
#pragma once
#include <string>
#include <vector>

// M samples of n spins, row-major, values exactly -1.0f or +1.0f (float so energies are one sgemm away).
struct Samples {
    int count = 0;              // M
    int n = 0;                  // spins per sample
    std::vector<float> spins;   // count × n
};

// Ising parameters of Eq. (2): E(σ) = -Σ_i b_i σ_i - Σ_{i<j} w_ij σ_i σ_j.
struct IsingParams {
    int n = 0;
    std::vector<double> bias;       // n
    std::vector<double> coupling;   // n × n, symmetric, zero diagonal
};

// Reads a samples file. Throws std::runtime_error("FILE:LINE:COL: message") on bad input.
// If `quiet` is false, a 0/1 file prints a note on stderr that it was mapped to ±1.
Samples read_samples(const std::string& path, bool quiet = false);
// Parses samples from a string (same rules; `name` is used in error messages).
Samples parse_samples(const std::string& text, const std::string& name, bool quiet = true);
// Writes ±1 samples, one per line, space separated (atomic write).
void write_samples(const std::string& path, const Samples& samples);

// Checks that `data` holds count >= 1 samples of exactly n spins, each exactly -1 or +1, for a consumer named
// `model` (e.g. "the RBM") in function `where`; throws std::runtime_error saying what is wrong otherwise.
void check_pm1_samples(const Samples& data, int n, const std::string& model, const std::string& where);

// Largest |b_i| or |w_ij| read_params accepts. Energies are sums of n² terms computed in float (max 3.4e38), their
// fourth powers in double (the kurtosis) and squared differences in double (Eq. 23): a bias of 4e38 or 1e300 gave
// NaN or inf. At 1e6 every one of these stays finite for n up to 10^5, and no Ising model one can sample or infer
// has fields anywhere near it (exp(-1e6) underflows).
constexpr double PARAMS_MAX_ABS = 1e6;

IsingParams read_params(const std::string& path);
IsingParams parse_params(const std::string& text, const std::string& name);
// Writes with %.17g so a round trip is exact (atomic write).
void write_params(const std::string& path, const IsingParams& params);
