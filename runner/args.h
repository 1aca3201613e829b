// Command-line options for every subcommand: each command declares the options it accepts (with help text
// and default), so `--help` is generated from the same table that parsing checks, and a typo is an error.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

struct OptionSpec {
    std::string name;           // without the leading "--"
    std::string value_name;     // e.g. "N"; empty for a flag that takes no value
    std::string default_value;  // shown in --help and returned when the option is absent ("" = none)
    std::string help;
    // Other spellings accepted for this option, kept only where a published command line used them (e.g. --method
    // for --solver in repro infer); --help names them. Values are stored under `name`.
    std::vector<std::string> old_names = {};
};

struct Args {
    std::map<std::string, std::string> values;  // options given on the command line (flags map to "1")
    std::vector<std::string> positional;
    std::vector<OptionSpec> spec;
};

// A bad command line: main prints the message and a pointer to --help, and exits with status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Options every command accepts: --seed, --threads, --quiet, --force (replace read-only outputs),
// --max-input-bytes (largest input file read), --help.
std::vector<OptionSpec> common_options();

// The word of `words` nearest to `typed` (at most 2 single-letter edits, and fewer than half its letters), or "" when
// none is near enough to be what was meant: "did you mean" for a mistyped command or option.
std::string nearest_word(const std::string& typed, const std::vector<std::string>& words);

// Parses argv[first..argc) against spec (common options are added). "--help"/"-h" prints the usage text built
// from `synopsis`, `description` and the spec to stdout and exits 0. Both "--key value" and "--key=value" work.
// Throws UsageError for unknown options (naming the nearest declared one), an option given twice (also under its
// old name), missing values, or a positional count outside
// [min_pos, max_pos]. Checks --seed (0 ... 2^63-1) and --threads, and applies --force and --max-input-bytes.
Args parse_args(int argc, char** argv, int first, const std::string& synopsis, const std::string& description,
                std::vector<OptionSpec> spec, int min_positional, int max_positional);

// The same with only the common options named in `common` (e.g. {"quiet"}), for a command where the others would
// do nothing and so should not be offered in its --help.
Args parse_args_with(int argc, char** argv, int first, const std::string& synopsis, const std::string& description,
                     std::vector<OptionSpec> spec, int min_positional, int max_positional,
                     const std::vector<std::string>& common);

bool arg_given(const Args& args, const std::string& name);
bool arg_flag(const Args& args, const std::string& name);
std::string arg_string(const Args& args, const std::string& name);  // throws UsageError if absent and no default
long long arg_int(const Args& args, const std::string& name);        // checked integer (digits, optional '-')
// A checked integer in [lo, hi], checked before the caller narrows it to int: "--steps 4294967297" is an error,
// not 1. Throws UsageError naming the range otherwise.
long long arg_int_in_range(const Args& args, const std::string& name, long long lo, long long hi);
double arg_double(const Args& args, const std::string& name);       // checked finite number
// Applies --threads (0 = all cores) to OpenBLAS and returns the thread count to use for our own threads.
int apply_threads(const Args& args);

// Two input files must describe the same number of spins: throws "A has n = X but B has n = Y" otherwise.
void require_same_n(const std::string& path_a, int n_a, const std::string& path_b, int n_b);

// The option's value if given on the command line, else `fallback` (for defaults that depend on --scale).
long long arg_int_or(const Args& args, const std::string& name, long long fallback);
double arg_double_or(const Args& args, const std::string& name, double fallback);

// List options: "0.5,1,2" → positive numbers separated by commas; throws UsageError naming --option otherwise.
std::vector<double> parse_double_list(const std::string& text, const std::string& option);
// The same, each a positive integer ("1000,2000,4000").
std::vector<long> parse_long_list(const std::string& text, const std::string& option);

// Refuses, before allocating, a command whose estimated memory `bytes` exceeds the machine's physical memory
// (a bare std::bad_alloc hours later says nothing). `what` says what needs it, e.g. "the erasure machine at
// n = 2000 on 2 threads". Throws std::runtime_error with both numbers.
void require_memory(double bytes, const std::string& what);
