// The user's own sample files from the command line: the options every command that reads samples shares
// (--header, --var, --weights-column), several files read as one data set, samples written back in the input's
// own format (--format), and warnings where what is inferred from the samples is unreliable.
#pragma once
#include <string>
#include <vector>

#include "../data/formats.h"
#include "../runner/args.h"

// --header and --var, and --weights-column when `weights` (only inference uses weights).
std::vector<OptionSpec> sample_input_options(bool weights);
// `spec` followed by sample_input_options(weights).
std::vector<OptionSpec> with_sample_input_options(std::vector<OptionSpec> spec, bool weights);
SampleReadOptions sample_read_options(const Args& args, bool quiet);
// Reads every file ("-" = standard input) and appends their rows; all must have the same n, and headers the same
// column names (match_columns_by_name). `format` (may be null) receives the first file's format.
Samples read_sample_inputs(const std::vector<std::string>& paths, const SampleReadOptions& options, SampleFormat* format);

// Two inputs of one data set (`other_path` read first, with header `names`; `path` with `format`, read into samples):
// when both have headers, the columns are matched by name: the same names in another order are reordered to
// `names` (with a note on stderr unless quiet); different names are refused (std::runtime_error naming both files and
// the names that differ). When only one has a header, a note says that the columns are matched by position.
void match_columns_by_name(const std::vector<std::string>& names, const std::string& path, Samples* samples,
                           const SampleFormat& format, const std::string& other_path, bool quiet);

// The format a new samples file is written in when no input gives one: -1/+1, separated by commas for a .csv, tabs for
// a .tsv, else blanks (what pandas and numpy expect of the name).
SampleFormat format_by_extension(const std::string& path);

// --format pm1|01 (default: as the input): the encoding to write, with the input's delimiter and header.
OptionSpec sample_format_option();
SampleFormat output_format(const Args& args, const SampleFormat& input);

// Warnings on stderr (unless quiet): fewer samples than spins; a spin that never changes (its bias has no finite
// estimate): inference_data_warnings (ising/erasure.h), with the column names and values of `format`.
void warn_unreliable_samples(const Samples& samples, const SampleFormat& format, bool quiet);

// "a.csv b.csv" for parameter-file comments.
std::string paths_text(const std::vector<std::string>& paths);

// How warnings name spin i (0-based inside): by its column name when the input had a header, else 1-based, as the
// files and the columns count ("spin 1" is the first column).
std::string spin_label(const std::vector<std::string>& names, int i);
