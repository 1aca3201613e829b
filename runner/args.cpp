#include "args.h"

#include <cerrno>
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include "../data/address_space.h"
#include "../data/atomic_file.h"

extern "C" void openblas_set_num_threads(int num_threads);

std::vector<OptionSpec> common_options() {
    return {
        {"seed", "S", "1", "seed of every random draw (a run is reproducible from it)"},
        {"threads", "K", "0", "threads to use (0 = all cores)"},
        {"quiet", "", "", "no progress output on stderr"},
        {"force", "", "", "replace output files that are read-only"},
        {"max-input-bytes", "B", std::to_string(DEFAULT_MAX_INPUT_BYTES),
         "refuse input files larger than B bytes (a guard against reading a device or a wrong file)"},
    };
}

static void print_usage(const std::string& synopsis, const std::string& description,
                        const std::vector<OptionSpec>& spec) {
    std::printf("usage: %s\n\n%s\n\noptions:\n", synopsis.c_str(), description.c_str());
    for (const OptionSpec& option : spec) {
        std::string left = "  --" + option.name + (option.value_name.empty() ? "" : " " + option.value_name);
        std::printf("%-28s %s", left.c_str(), option.help.c_str());
        if (!option.default_value.empty()) std::printf(" (default %s)", option.default_value.c_str());
        for (const std::string& old_name : option.old_names)
            std::printf(" (--%s: its old name, still accepted)", old_name.c_str());
        std::printf("\n");
    }
    std::printf("  %-26s %s\n", "--help", "show this help");
}

// The options every command shares and that take effect for the whole process, checked before any work.
// Only those the command declares (a command that lists only the options that act in it may leave some out).
static void apply_common_options(const Args& args) {
    auto declared = [&](const char* name) {
        for (const OptionSpec& option : args.spec)
            if (option.name == name) return true;
        return false;
    };
    // --seed: a decimal integer 0 ... 2^63-1; no sign, no blanks (" 7" or "-1" are more likely a mistake than a seed).
    if (declared("seed")) arg_int_in_range(args, "seed", 0, 9223372036854775807LL);
    if (declared("threads")) arg_int_in_range(args, "threads", 0, 1024);
    if (declared("force")) set_replace_read_only(arg_flag(args, "force"));
    if (declared("max-input-bytes"))
        set_max_input_bytes((uint64_t)arg_int_in_range(args, "max-input-bytes", 1, 9223372036854775807LL));
}

// The option called `name`, or (with old_names) the option that `name` is an old name of.
static const OptionSpec* find_option(const std::vector<OptionSpec>& spec, const std::string& name,
                                     bool old_names = false) {
    for (const OptionSpec& option : spec) {
        if (option.name == name) return &option;
        if (old_names && std::find(option.old_names.begin(), option.old_names.end(), name) != option.old_names.end())
            return &option;
    }
    return nullptr;
}

// Levenshtein distance: how many single-letter edits turn a into b.
static size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++) previous[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        current[0] = i;
        for (size_t j = 1; j <= b.size(); j++)
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1])});
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::string nearest_word(const std::string& typed, const std::vector<std::string>& words) {
    std::string best;
    size_t best_distance = 3;  // at most 2 edits, and less than half the word
    for (const std::string& word : words) {
        size_t distance = edit_distance(typed, word);
        if (distance < best_distance && 2 * distance < word.size()) best = word, best_distance = distance;
    }
    return best;
}

// "unknown option --lamda; did you mean --lambda?" (the nearest name or old name the command declares).
static std::string unknown_option_message(const std::vector<OptionSpec>& spec, const std::string& name) {
    std::vector<std::string> names = {"help"};
    for (const OptionSpec& option : spec) {
        names.push_back(option.name);
        names.insert(names.end(), option.old_names.begin(), option.old_names.end());
    }
    std::string nearest = nearest_word(name, names);
    return "unknown option --" + name + (nearest.empty() ? "" : "; did you mean --" + nearest + "?");
}

static Args parse_with_common(int argc, char** argv, int first, const std::string& synopsis,
                              const std::string& description, std::vector<OptionSpec> spec, int min_positional,
                              int max_positional, const std::vector<OptionSpec>& common) {
    for (const OptionSpec& option : common)
        if (!find_option(spec, option.name)) spec.push_back(option);
    Args args;
    args.spec = spec;
    for (int i = first; i < argc; i++) {
        std::string word = argv[i];
        if (word == "--help" || word == "-h") {
            print_usage(synopsis, description, spec);
            std::exit(0);
        }
        if (word.size() > 2 && word.compare(0, 2, "--") == 0) {
            std::string name = word.substr(2), value;
            bool has_inline_value = false;
            size_t equals = name.find('=');
            if (equals != std::string::npos) {
                value = name.substr(equals + 1);
                name = name.substr(0, equals);
                has_inline_value = true;
            }
            const OptionSpec* option = find_option(spec, name, true);
            if (!option) throw UsageError(unknown_option_message(spec, name));
            // The second of two values would win silently, and a script that sets one twice is likely wrong.
            if (args.values.count(option->name))
                throw UsageError("option --" + option->name + " is given twice" +
                                 (option->old_names.empty() ? "" : " (--" + option->old_names[0] + " is its old name)"));
            name = option->name;
            if (option->value_name.empty()) {
                if (has_inline_value) throw UsageError("option --" + name + " takes no value");
                args.values[name] = "1";
            } else {
                if (!has_inline_value) {
                    if (i + 1 >= argc) throw UsageError("option --" + name + " needs a value " + option->value_name);
                    value = argv[++i];
                }
                args.values[name] = value;
            }
        } else {
            args.positional.push_back(word);
        }
    }
    int count = (int)args.positional.size();
    if (count < min_positional || count > max_positional) {
        if (count < min_positional) throw UsageError("missing argument(s); usage: " + synopsis);
        throw UsageError("unexpected argument '" + args.positional[max_positional] + "'; usage: " + synopsis);
    }
    apply_common_options(args);
    return args;
}

Args parse_args(int argc, char** argv, int first, const std::string& synopsis, const std::string& description,
                std::vector<OptionSpec> spec, int min_positional, int max_positional) {
    return parse_with_common(argc, argv, first, synopsis, description, spec, min_positional, max_positional,
                             common_options());
}

Args parse_args_with(int argc, char** argv, int first, const std::string& synopsis, const std::string& description,
                     std::vector<OptionSpec> spec, int min_positional, int max_positional,
                     const std::vector<std::string>& common) {
    std::vector<OptionSpec> chosen;
    for (const OptionSpec& option : common_options())
        if (std::find(common.begin(), common.end(), option.name) != common.end()) chosen.push_back(option);
    return parse_with_common(argc, argv, first, synopsis, description, spec, min_positional, max_positional, chosen);
}

bool arg_given(const Args& args, const std::string& name) { return args.values.count(name) > 0; }

bool arg_flag(const Args& args, const std::string& name) { return arg_given(args, name); }

std::string arg_string(const Args& args, const std::string& name) {
    auto found = args.values.find(name);
    if (found != args.values.end()) return found->second;
    const OptionSpec* option = find_option(args.spec, name);
    if (!option) throw std::logic_error("option --" + name + " is not declared");
    if (option->default_value.empty()) throw UsageError("option --" + name + " is required");
    return option->default_value;
}

long long arg_int(const Args& args, const std::string& name) {
    std::string text = arg_string(args, name);
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    // strtoll skips leading blanks and takes a '+'; an option value is digits with an optional '-', nothing else.
    bool digits_only = !text.empty() && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'));
    if (!digits_only || *end != '\0' || errno == ERANGE)
        throw UsageError("option --" + name + " needs an integer from -9223372036854775808 to 9223372036854775807, got '" +
                         text + "'");
    return value;
}

long long arg_int_in_range(const Args& args, const std::string& name, long long lo, long long hi) {
    long long value = arg_int(args, name);
    if (value < lo || value > hi)
        throw UsageError("option --" + name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                         ", got " + arg_string(args, name));
    return value;
}

double arg_double(const Args& args, const std::string& name) {
    std::string text = arg_string(args, name);
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value))
        throw UsageError("option --" + name + " needs a finite number, got '" + text + "'");
    return value;
}

int apply_threads(const Args& args) {
    long long threads = arg_int(args, "threads");
    if (threads < 0 || threads > 1024) throw UsageError("option --threads must be between 0 and 1024");
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    require_address_space_for_blas((int)threads);  // under ulimit -v OpenBLAS would spin without a word
    openblas_set_num_threads((int)threads);
    return (int)threads;
}

long long arg_int_or(const Args& args, const std::string& name, long long fallback) {
    return arg_given(args, name) ? arg_int(args, name) : fallback;
}

double arg_double_or(const Args& args, const std::string& name, double fallback) {
    return arg_given(args, name) ? arg_double(args, name) : fallback;
}

void require_same_n(const std::string& path_a, int n_a, const std::string& path_b, int n_b) {
    if (n_a != n_b)
        throw std::runtime_error(path_a + " has n = " + std::to_string(n_a) + " but " + path_b + " has n = " +
                                 std::to_string(n_b));
}

void require_memory(double bytes, const std::string& what) {
    double physical = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGE_SIZE);
    if (physical <= 0 || bytes <= physical) return;
    char message[160];
    std::snprintf(message, sizeof message, " needs about %.3g GB of memory, but this machine has %.3g GB",
                  bytes / 1e9, physical / 1e9);
    throw std::runtime_error(what + message);
}

std::vector<double> parse_double_list(const std::string& text, const std::string& option) {
    std::vector<double> values;
    size_t start = 0;
    for (;;) {
        size_t comma = text.find(',', start);
        std::string word = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* end = nullptr;
        double value = std::strtod(word.c_str(), &end);
        if (word.empty() || *end != '\0' || !std::isfinite(value) || value <= 0)
            throw UsageError("--" + option + " needs positive numbers separated by commas, got '" + text + "'");
        values.push_back(value);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return values;
}

std::vector<long> parse_long_list(const std::string& text, const std::string& option) {
    std::vector<long> values;
    for (double value : parse_double_list(text, option)) {
        if (value != std::floor(value) || value > 9e18)
            throw UsageError("--" + option + " needs positive integers separated by commas, got '" + text + "'");
        values.push_back((long)value);
    }
    return values;
}
