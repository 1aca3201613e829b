// The user's own sample files from the command line: the options every command that reads samples shares
// (--header, --var, --weights-column), several files read as one data set, samples written back in the input's
// own format (--format), and warnings where what is inferred from the samples is unreliable.
#pragma once
#include <string>
#include <vector>

#include "../data/formats.h"
#include "args.h"

// --header and --var, and --weights-column when `weights` (only inference uses weights).
std::vector<OptionSpec> sample_input_options(bool weights);
// `spec` followed by sample_input_options(weights).
std::vector<OptionSpec> with_sample_input_options(std::vector<OptionSpec> spec, bool weights);
SampleReadOptions sample_read_options(const Args& args, bool quiet);
// Reads every file ("-" = standard input) and appends their rows; all must have the same n. `format` (may be null)
// receives the first file's format.
Samples read_sample_inputs(const std::vector<std::string>& paths, const SampleReadOptions& options, SampleFormat* format);

// --format pm1|01 (default: as the input): the encoding to write, with the input's delimiter and header.
OptionSpec sample_format_option();
SampleFormat output_format(const Args& args, const SampleFormat& input);

// Warnings on stderr (unless quiet): fewer samples than spins; a spin that never changes (its bias has no finite
// estimate): inference_data_warnings (ising/erasure.h), with the column names and values of `format`.
void warn_unreliable_samples(const Samples& samples, const SampleFormat& format, bool quiet);

// "a.csv b.csv" for parameter-file comments.
std::string paths_text(const std::vector<std::string>& paths);
