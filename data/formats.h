// The two text formats every command reads and writes (documented in docs/file-formats.md).
//
// Samples: one sample per line, n values separated by spaces, tabs or commas, each in {-1,+1} or {0,1}
//   (a file written in 0/1 is mapped to -1/+1 and a note goes to stderr). A line starting with '#' is a comment;
//   a UTF-8 byte-order mark is skipped; a first line of names only (no numbers) is a header of column names,
//   kept so that outputs can carry it. Optionally one column holds a count or weight per row (histogram data).
//   Anything else (ragged row, a value like 2 or x, NaN, an empty file) is an error naming file, line and column.
//   Also read: NumPy .npy and MATLAB v5 .mat matrices (rows = samples); other binary files are refused with
//   "convert to text". The path "-" is standard input (and standard output when writing).
// Parameters: an optional first comment line saying how they were made; the n biases b_i; then n lines of n
//   couplings w_ij (symmetric, zero diagonal). A file written in the 0/1 gauge says so in that comment line and is
//   converted back to the ±1 form when read.
#pragma once
#include <string>
#include <vector>

// M samples of n spins, row-major, values exactly -1.0f or +1.0f (float so energies are one sgemm away).
struct Samples {
    int count = 0;              // M
    int n = 0;                  // spins per sample
    std::vector<float> spins;   // count × n
    std::vector<double> weight; // count weights (counts of histogram data), each >= 0; empty: every row counts once
};

// How a samples file was written, so that outputs derived from it can be written the same way.
struct SampleFormat {
    bool zero_one = false;           // values 0/1 (else -1/+1)
    char delimiter = ' ';            // ' ', '\t' or ','
    std::vector<std::string> names;  // column names of the spins from a header line (empty: no header)
};

struct SampleReadOptions {
    bool quiet = false;           // no note on stderr about a 0/1 file
    bool header = false;          // the first line is a header even though it looks like numbers
    std::string weights_column;   // name or 1-based number of a column of row counts/weights ("" = none)
    std::string mat_variable;     // .mat input: the variable to read ("" = the only numeric matrix in the file)
    int unit_axis = 0;            // 3-D .npy/.mat input (e.g. trials × neurons × bins): the axis 1..3 holding the
                                  // spins; the other two axes become the rows, the earlier one outer (0 = 2-D only)
};

// Ising parameters of Eq. (2): E(σ) = -Σ_i b_i σ_i - Σ_{i<j} w_ij σ_i σ_j.
struct IsingParams {
    int n = 0;
    std::vector<double> bias;       // n
    std::vector<double> coupling;   // n × n, symmetric, zero diagonal
};

// Reads a samples file (text, .npy or .mat; "-" = standard input). Throws std::runtime_error("FILE:LINE:COL:
// message") on bad input. If `quiet` is false, a 0/1 file prints a note on stderr that it was mapped to ±1.
Samples read_samples(const std::string& path, bool quiet = false);
// The same with every option; `format` (may be null) receives how the file was written.
Samples read_samples(const std::string& path, const SampleReadOptions& options, SampleFormat* format);
// Parses samples from a string (same rules; `name` is used in error messages).
Samples parse_samples(const std::string& text, const std::string& name, bool quiet = true);
Samples parse_samples(const std::string& text, const std::string& name, const SampleReadOptions& options,
                      SampleFormat* format);
// Appends b's rows (and weights) to a; both must have the same n (`what` names them in the error).
void append_samples(Samples* a, const Samples& b, const std::string& what);
// Writes ±1 samples, one per line, space separated (atomic write; "-" = standard output).
void write_samples(const std::string& path, const Samples& samples);
// Writes samples in `format`: 0/1 or ±1, its delimiter, and its header line if it has names (one per spin).
void write_samples(const std::string& path, const Samples& samples, const SampleFormat& format);

// The whole of a file, or of standard input for "-".
std::string read_input(const std::string& path);
// Writes `text` atomically to a file, or to standard output for "-".
void write_output(const std::string& path, const std::string& text);

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
// Writes with %.17g so a round trip is exact (atomic write; "-" = standard output). A non-empty `comment` is
// written first as one line "# comment" (it must not contain a newline).
void write_params(const std::string& path, const IsingParams& params, const std::string& comment = "");

// The 0/1 gauge. With σ = 2s − 1, E(σ) of Eq. (2) equals, up to a constant, E(s) = −Σ_i h_i s_i − Σ_{i<j} J_ij s_i s_j
// with J_ij = 4 w_ij and h_i = 2 b_i − 2 Σ_{j≠i} w_ij (derivation in formats.cpp). The inverse: w = J/4,
// b_i = h_i/2 + Σ_{j≠i} w_ij.
IsingParams params_to_zero_one(const IsingParams& pm1);
IsingParams params_from_zero_one(const IsingParams& zero_one);
// The marker that write_params's comment line must contain for a file in the 0/1 gauge (read_params converts it).
extern const char* const ZERO_ONE_GAUGE_MARK;
