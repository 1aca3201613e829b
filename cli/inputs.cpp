#include "inputs.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "../ising/erasure.h"

std::vector<OptionSpec> sample_input_options(bool weights) {
    std::vector<OptionSpec> options = {
        {"header", "", "", "the first line of the samples is a header of column names even if it looks like numbers "
                           "(a first line without numbers is taken as one anyway)"},
        {"var", "NAME", "", ".mat input: the variable holding the samples (rows = samples; default: the only one)"},
        {"unit-axis", "A", "", ".npy/.mat input: the axis holding the spins: 1 for a spins x samples matrix (a raster), "
                               "or of a 3-D array (e.g. 2 for trials x neurons x bins; the other two axes become rows)"}};
    if (weights)
        options.push_back({"weights-column", "COL", "", "a column (name from the header, or 1-based number) holding "
                                                        "each row's count or weight, as in a histogram of configurations"});
    return options;
}

std::vector<OptionSpec> with_sample_input_options(std::vector<OptionSpec> spec, bool weights) {
    for (const OptionSpec& option : sample_input_options(weights)) spec.push_back(option);
    return spec;
}

SampleReadOptions sample_read_options(const Args& args, bool quiet) {
    SampleReadOptions options;
    options.quiet = quiet;
    options.header = arg_flag(args, "header");
    if (arg_given(args, "var")) options.mat_variable = arg_string(args, "var");
    if (arg_given(args, "unit-axis")) options.unit_axis = (int)arg_int_in_range(args, "unit-axis", 1, 3);
    for (const OptionSpec& spec : args.spec)
        if (spec.name == "weights-column" && arg_given(args, "weights-column"))
            options.weights_column = arg_string(args, "weights-column");
    return options;
}

void match_columns_by_name(const std::vector<std::string>& names, const std::string& path, Samples* samples,
                           const SampleFormat& format, const std::string& other_path, bool quiet) {
    if (names.empty() || format.names.empty() || names == format.names) {
        if (!quiet && names.empty() != format.names.empty())
            std::fprintf(stderr, "note: %s has a header and %s has none: the columns are matched by position\n",
                         names.empty() ? other_path.c_str() : path.c_str(), names.empty() ? path.c_str() : other_path.c_str());
        return;
    }
    int n = samples->n;
    std::vector<int> source(n, -1);  // column j of the result is column source[j] of `samples`
    std::string missing, extra;
    for (int j = 0; j < n && j < (int)names.size(); j++)
        for (int k = 0; k < n && k < (int)format.names.size(); k++)
            if (format.names[k] == names[j] && source[j] < 0) source[j] = k;
    for (int j = 0; j < (int)names.size(); j++)
        if (j >= n || source[j] < 0) missing += (missing.empty() ? "" : ", ") + names[j];
    for (const std::string& name : format.names)
        if (std::find(names.begin(), names.end(), name) == names.end()) extra += (extra.empty() ? "" : ", ") + name;
    if (!missing.empty() || !extra.empty() || (int)names.size() != n)
        throw std::runtime_error(other_path + " and " + path + " name different columns (" + path + " lacks: " +
                                 (missing.empty() ? "none" : missing) + "; has besides: " + (extra.empty() ? "none" : extra) +
                                 "): the columns are matched by name, so both headers must list the same spins");
    std::vector<float> reordered(samples->spins.size());
    for (long row = 0; row < samples->count; row++)
        for (int j = 0; j < n; j++) reordered[(size_t)row * n + j] = samples->spins[(size_t)row * n + source[j]];
    samples->spins.swap(reordered);
    if (!quiet)
        std::fprintf(stderr, "note: %s lists the columns of %s in another order: they are matched by name\n",
                     path.c_str(), other_path.c_str());
}

Samples read_sample_inputs(const std::vector<std::string>& paths, const SampleReadOptions& options, SampleFormat* format) {
    int stdin_count = 0;
    for (const std::string& path : paths) stdin_count += path == "-";
    if (stdin_count > 1) throw UsageError("standard input ('-') can be read only once");
    Samples all;
    SampleFormat first_format;
    for (size_t k = 0; k < paths.size(); k++) {
        SampleFormat this_format;
        Samples samples = read_samples(paths[k], options, &this_format);
        if (k == 0) {
            all = std::move(samples);
            first_format = this_format;
            if (format) *format = this_format;
        } else {
            if (samples.n == all.n)
                match_columns_by_name(first_format.names, paths[k], &samples, this_format, paths[0], options.quiet);
            append_samples(&all, samples, paths[0] + " and " + paths[k]);
        }
    }
    return all;
}

OptionSpec sample_format_option() {
    return {"format", "pm1|01", "", "write samples as -1/+1 or 0/1 (default: as the input; its delimiter and header "
                                    "are kept either way)"};
}

SampleFormat output_format(const Args& args, const SampleFormat& input) {
    SampleFormat format = input;
    if (!arg_given(args, "format")) return format;
    std::string encoding = arg_string(args, "format");
    if (encoding != "pm1" && encoding != "01") throw UsageError("--format must be pm1 or 01, got '" + encoding + "'");
    format.zero_one = encoding == "01";
    return format;
}

void warn_unreliable_samples(const Samples& samples, const SampleFormat& format, bool quiet) {
    if (quiet) return;
    for (const std::string& warning : inference_data_warnings(samples, format.names, format.zero_one))
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
}

std::string paths_text(const std::vector<std::string>& paths) {
    std::string text;
    for (const std::string& path : paths) text += (text.empty() ? "" : " ") + path;
    return text;
}

std::string spin_label(const std::vector<std::string>& names, int i) {
    return i >= 0 && (size_t)i < names.size() ? names[i] : std::to_string(i + 1);
}

SampleFormat format_by_extension(const std::string& path) {
    auto ends_with = [&](const char* suffix) {
        size_t length = std::string(suffix).size();
        return path.size() >= length && path.compare(path.size() - length, length, suffix) == 0;
    };
    SampleFormat format;
    if (ends_with(".csv") || ends_with(".CSV")) format.delimiter = ',';
    if (ends_with(".tsv") || ends_with(".TSV")) format.delimiter = '\t';
    return format;
}
