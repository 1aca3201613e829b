// The samples and parameters text formats (see formats.h and README.md, "File formats").
//
// Both parsers are hand-rolled over the whole file held in memory: 400,000 samples × 60 spins is ~60 MB of text,
// and one strtod or istream extraction per value would dominate the time of every command that reads data.
// Every error names FILE:LINE:COL (1-based; the column counts bytes) and says what is wrong.
#include "formats.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "atomic_file.h"

static std::runtime_error format_error(const std::string& name, long line, long column, const std::string& message) {
    return std::runtime_error(name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
}

// A token as it can be shown in a message: at most 24 bytes, non-printable bytes as '?'.
static std::string printable(const char* begin, const char* end) {
    std::string shown;
    for (const char* c = begin; c < end && shown.size() < 24; c++) shown += (*c >= 32 && *c < 127) ? *c : '?';
    if (end - begin > 24) shown += "...";
    return shown;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Splits one line into values separated by blanks and/or one comma. For each value it calls
// on_value(begin, end) and returns the number of values; a comma without a value on both sides is an error.
template <typename OnValue>
static int split_line(const char* begin, const char* end, const std::string& name, long line, OnValue on_value) {
    const char* p = begin;
    int count = 0;
    for (;;) {
        while (p < end && is_blank(*p)) p++;
        if (p == end) return count;
        if (*p == ',') throw format_error(name, line, p - begin + 1, "empty value before ','");
        const char* value_begin = p;
        while (p < end && !is_blank(*p) && *p != ',') p++;
        on_value(value_begin, p, count);
        count++;
        while (p < end && is_blank(*p)) p++;
        if (p < end && *p == ',') {
            const char* comma = p++;
            while (p < end && is_blank(*p)) p++;
            if (p == end) throw format_error(name, line, comma - begin + 1, "missing value after ','");
        }
    }
}

// A line that holds no values: empty, blanks only, or a comment ('#' as its first non-blank character).
static bool is_skipped_line(const char* begin, const char* end) {
    const char* p = begin;
    while (p < end && is_blank(*p)) p++;
    return p == end || *p == '#';
}

// Calls on_line(begin, end, line_number) for every line (without its '\n') of the text.
template <typename OnLine>
static void for_each_line(const std::string& text, OnLine on_line) {
    const char* p = text.data();
    const char* end = p + text.size();
    long line = 1;
    while (p < end) {
        const char* newline = (const char*)std::memchr(p, '\n', (size_t)(end - p));
        const char* line_end = newline ? newline : end;
        on_line(p, line_end, line);
        p = line_end + 1;
        line++;
    }
}

// -1, 0 or +1 from a token; the common spellings are matched directly, anything else ("1.0", "-1e0") goes
// through strtod and must still be exactly one of the three values.
static int parse_spin(const char* begin, const char* end, const std::string& name, long line, long column) {
    size_t length = (size_t)(end - begin);
    if (length == 1 && (*begin == '0' || *begin == '1')) return *begin - '0';
    if (length == 2 && begin[1] == '1' && (*begin == '-' || *begin == '+')) return *begin == '-' ? -1 : 1;
    char buffer[64];
    if (length < sizeof buffer) {
        std::memcpy(buffer, begin, length);
        buffer[length] = '\0';
        char* parsed_end = nullptr;
        double value = std::strtod(buffer, &parsed_end);
        if (parsed_end == buffer + length) {
            if (std::isnan(value)) throw format_error(name, line, column, "NaN is not a spin value (expected -1/+1 or 0/1)");
            if (value == -1.0 || value == 0.0 || value == 1.0) return (int)value;
        }
    }
    throw format_error(name, line, column, "bad spin value '" + printable(begin, end) + "' (expected -1/+1 or 0/1)");
}

Samples parse_samples(const std::string& text, const std::string& name, bool quiet) {
    Samples samples;
    long first_row_line = 0;
    long minus_one_line = 0, minus_one_column = 0, zero_line = 0, zero_column = 0;  // first of each, for messages
    long rows = 0;
    for_each_line(text, [&](const char* begin, const char* end, long line) {
        if (is_skipped_line(begin, end)) return;
        int values = split_line(begin, end, name, line, [&](const char* value_begin, const char* value_end, int index) {
            long column = value_begin - begin + 1;
            if (samples.n > 0 && index >= samples.n)
                throw format_error(name, line, column, "row has more than " + std::to_string(samples.n) +
                                   " values (the first row, line " + std::to_string(first_row_line) + ", has " +
                                   std::to_string(samples.n) + ")");
            int spin = parse_spin(value_begin, value_end, name, line, column);
            // A file is either ±1 or 0/1; a file holding both -1 and 0 has no consistent meaning.
            if (spin == -1 && minus_one_line == 0) {
                minus_one_line = line;
                minus_one_column = column;
                if (zero_line)
                    throw format_error(name, line, column, "value -1 in a file that uses 0 (first at line " +
                                       std::to_string(zero_line) + ":" + std::to_string(zero_column) +
                                       "): values must be all -1/+1 or all 0/1");
            }
            if (spin == 0 && zero_line == 0) {
                zero_line = line;
                zero_column = column;
                if (minus_one_line)
                    throw format_error(name, line, column, "value 0 in a file that uses -1 (first at line " +
                                       std::to_string(minus_one_line) + ":" + std::to_string(minus_one_column) +
                                       "): values must be all -1/+1 or all 0/1");
            }
            samples.spins.push_back((float)spin);
        });
        if (samples.n == 0) {
            samples.n = values;
            first_row_line = line;
            // Reserve once for the most rows the file can hold, so 100 MB of spins are not copied while growing.
            long lines_left = 1 + (long)std::count(end, text.data() + text.size(), '\n');
            samples.spins.reserve((size_t)lines_left * (size_t)values);
        } else if (values != samples.n) {
            throw format_error(name, line, end - begin + 1, "row has " + std::to_string(values) + " values, expected " +
                               std::to_string(samples.n) + " (as in the first row, line " +
                               std::to_string(first_row_line) + ")");
        }
        if (++rows > INT_MAX) throw format_error(name, line, 1, "more than 2^31-1 samples");
    });
    if (rows == 0) throw format_error(name, 1, 1, text.empty() ? "empty file: no samples" : "no samples (only comments or blank lines)");
    samples.count = (int)rows;
    if (zero_line) {
        for (float& spin : samples.spins) spin = spin == 0.0f ? -1.0f : 1.0f;
        if (!quiet) std::fprintf(stderr, "note: %s holds 0/1 values; mapped 0 -> -1 and 1 -> +1\n", name.c_str());
    }
    return samples;
}

Samples read_samples(const std::string& path, bool quiet) { return parse_samples(read_file(path), path, quiet); }

void write_samples(const std::string& path, const Samples& samples) {
    if ((long)samples.spins.size() != (long)samples.count * samples.n)
        throw std::runtime_error("write_samples " + path + ": spins hold " + std::to_string(samples.spins.size()) +
                                 " values, expected " + std::to_string(samples.count) + " x " + std::to_string(samples.n));
    std::string text;
    text.reserve((size_t)samples.count * (size_t)samples.n * 3);
    for (long row = 0; row < samples.count; row++) {
        for (int i = 0; i < samples.n; i++) {
            float spin = samples.spins[(size_t)row * samples.n + i];
            if (spin != 1.0f && spin != -1.0f)
                throw std::runtime_error("write_samples " + path + ": sample " + std::to_string(row) + ", spin " +
                                         std::to_string(i) + " is " + std::to_string(spin) + ", not -1 or +1");
            if (i > 0) text += ' ';
            if (spin < 0) text += '-';
            text += '1';
        }
        text += '\n';
    }
    write_file_atomic(path, text);
}

IsingParams parse_params(const std::string& text, const std::string& name) {
    IsingParams params;
    std::vector<long> value_line, value_column;  // where each coupling was read, for the symmetry messages
    long data_lines = 0, last_line = 0;
    for_each_line(text, [&](const char* begin, const char* end, long line) {
        last_line = line;
        if (is_skipped_line(begin, end)) return;
        if (data_lines > 0 && data_lines > params.n)
            throw format_error(name, line, 1, "more than " + std::to_string(params.n + 1) +
                               " lines of values (the biases, then " + std::to_string(params.n) + " rows of couplings)");
        long row = data_lines - 1;  // -1: the bias line
        int values = split_line(begin, end, name, line, [&](const char* value_begin, const char* value_end, int index) {
            long column = value_begin - begin + 1;
            if (row >= 0 && index >= params.n)
                throw format_error(name, line, column, "coupling row has more than " + std::to_string(params.n) + " values");
            char* parsed_end = nullptr;
            // strtod stops at the blank, comma, newline or final NUL that ends the token, so it reads in place.
            double value = std::strtod(value_begin, &parsed_end);
            if (parsed_end != value_end)
                throw format_error(name, line, column, "bad number '" + printable(value_begin, value_end) + "'");
            if (!std::isfinite(value))
                throw format_error(name, line, column, "parameter is " + printable(value_begin, value_end) + ", not a finite number");
            if (std::fabs(value) > PARAMS_MAX_ABS)
                throw format_error(name, line, column, "parameter " + printable(value_begin, value_end) +
                                   " is out of range: |b_i|, |w_ij| must be at most 1e6 (energies are computed in single "
                                   "precision, and exp(-E) of Eq. (2) is 0 or infinite long before)");
            if (row < 0) {
                params.bias.push_back(value);
            } else {
                params.coupling[(size_t)row * params.n + index] = value;
                value_line[(size_t)row * params.n + index] = line;
                value_column[(size_t)row * params.n + index] = column;
            }
        });
        if (row < 0) {
            params.n = values;
            params.coupling.assign((size_t)values * values, 0.0);
            value_line.assign((size_t)values * values, 0);
            value_column.assign((size_t)values * values, 0);
        } else if (values != params.n) {
            throw format_error(name, line, end - begin + 1, "coupling row has " + std::to_string(values) +
                               " values, expected " + std::to_string(params.n) + " (one per bias)");
        }
        data_lines++;
    });
    if (data_lines == 0) throw format_error(name, 1, 1, text.empty() ? "empty file: no parameters" : "no parameters (only comments or blank lines)");
    if (data_lines != params.n + 1)
        throw format_error(name, last_line + 1, 1, "expected " + std::to_string(params.n) + " rows of couplings after the " +
                           std::to_string(params.n) + " biases, found " + std::to_string(data_lines - 1));
    int n = params.n;
    for (int i = 0; i < n; i++) {
        size_t diagonal = (size_t)i * n + i;
        if (params.coupling[diagonal] != 0.0)
            throw format_error(name, value_line[diagonal], value_column[diagonal],
                               "diagonal coupling w[" + std::to_string(i) + "][" + std::to_string(i) + "] must be 0");
        for (int j = 0; j < i; j++) {
            double upper = params.coupling[(size_t)j * n + i], lower = params.coupling[(size_t)i * n + j];
            if (upper != lower) {
                char message[200];
                std::snprintf(message, sizeof message, "w[%d][%d] = %.17g differs from w[%d][%d] = %.17g (couplings must be symmetric)",
                              i, j, lower, j, i, upper);
                throw format_error(name, value_line[(size_t)i * n + j], value_column[(size_t)i * n + j], message);
            }
        }
    }
    return params;
}

IsingParams read_params(const std::string& path) { return parse_params(read_file(path), path); }

void write_params(const std::string& path, const IsingParams& params) {
    int n = params.n;
    if ((int)params.bias.size() != n || (long)params.coupling.size() != (long)n * n)
        throw std::runtime_error("write_params " + path + ": parameter arrays do not match n = " + std::to_string(n));
    std::string text;
    char number[32];
    for (int row = -1; row < n; row++) {
        for (int i = 0; i < n; i++) {
            double value = row < 0 ? params.bias[i] : params.coupling[(size_t)row * n + i];
            if (!std::isfinite(value))
                throw std::runtime_error("write_params " + path + ": parameter is not finite (" + std::to_string(value) + ")");
            std::snprintf(number, sizeof number, "%.17g", value);  // 17 significant digits: strtod gives the same double
            if (i > 0) text += ' ';
            text += number;
        }
        text += '\n';
    }
    write_file_atomic(path, text);
}

void check_pm1_samples(const Samples& data, int n, const std::string& model, const std::string& where) {
    if (data.n != n || data.count < 1 || (long)data.spins.size() != (long)data.count * data.n)
        throw std::runtime_error(where + ": samples have n = " + std::to_string(data.n) + ", count = " +
                                 std::to_string(data.count) + ", but " + model + " has n = " + std::to_string(n) +
                                 " (need count >= 1 and matching n)");
    for (long k = 0; k < (long)data.spins.size(); k++)
        if (data.spins[k] != 1.0f && data.spins[k] != -1.0f)
            throw std::runtime_error(where + ": sample " + std::to_string(k / n) + ", spin " + std::to_string(k % n) +
                                     " is " + std::to_string(data.spins[k]) + ", not +1 or -1");
}
