#include "inputs.h"

#include <cstdio>

#include "../ising/erasure.h"

std::vector<OptionSpec> sample_input_options(bool weights) {
    std::vector<OptionSpec> options = {
        {"header", "", "", "the first line of the samples is a header of column names even if it looks like numbers "
                           "(a first line without numbers is taken as one anyway)"},
        {"var", "NAME", "", ".mat input: the variable holding the samples (rows = samples; default: the only one)"}};
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
    for (const OptionSpec& spec : args.spec)
        if (spec.name == "weights-column" && arg_given(args, "weights-column"))
            options.weights_column = arg_string(args, "weights-column");
    return options;
}

Samples read_sample_inputs(const std::vector<std::string>& paths, const SampleReadOptions& options, SampleFormat* format) {
    int stdin_count = 0;
    for (const std::string& path : paths) stdin_count += path == "-";
    if (stdin_count > 1) throw UsageError("standard input ('-') can be read only once");
    Samples all;
    for (size_t k = 0; k < paths.size(); k++) {
        SampleFormat this_format;
        Samples samples = read_samples(paths[k], options, &this_format);
        if (k == 0) {
            all = std::move(samples);
            if (format) *format = this_format;
        } else {
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
