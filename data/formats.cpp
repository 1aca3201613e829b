// The samples and parameters text formats (see formats.h and docs/file-formats.md).
//
// Both parsers are hand-rolled over the whole file held in memory: 400,000 samples × 60 spins is ~60 MB of text,
// and one strtod or istream extraction per value would dominate the time of every command that reads data.
// Every error names FILE:LINE:COL (1-based; the column counts bytes) and says what is wrong.
#include "formats.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

#include "atomic_file.h"
#include "mat5.h"
#include "npy.h"

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

// Calls on_line(begin, end, line_number) for every line (without its '\n') of the text. A text with carriage
// returns and no '\n' (old Mac line ends, some spreadsheet exports) has its lines ended by '\r'; read as '\n' lines
// it would be one row.
template <typename OnLine>
static void for_each_line(const std::string& text, OnLine on_line) {
    const char* p = text.data();
    const char* end = p + text.size();
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) p += 3;  // a UTF-8 byte-order mark (spreadsheets write one)
    const char line_end_char = text.find('\n') == std::string::npos && text.find('\r') != std::string::npos ? '\r' : '\n';
    long line = 1;
    while (p < end) {
        const char* newline = (const char*)std::memchr(p, line_end_char, (size_t)(end - p));
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
    // Two files people have: pandas' booleans and a spreadsheet's semicolon-separated export.
    std::string token(begin, end), hint;
    if (token == "True" || token == "False" || token == "true" || token == "false")
        hint = "; booleans are not read: write them as 0/1 (pandas: df.astype(int).to_csv(...))";
    else if (token.find(';') != std::string::npos)
        hint = "; the values are separated by ';': use commas, blanks or tabs (pandas: to_csv(sep=','))";
    throw format_error(name, line, column, "bad spin value '" + printable(begin, end) + "' (expected -1/+1 or 0/1)" + hint);
}

// A token that reads as a number (strtod takes all of it): what tells a data row from a header of names.
static bool is_number(const char* begin, const char* end) {
    char buffer[64];
    size_t length = (size_t)(end - begin);
    if (length == 0 || length >= sizeof buffer) return false;
    std::memcpy(buffer, begin, length);
    buffer[length] = '\0';
    char* parsed_end = nullptr;
    std::strtod(buffer, &parsed_end);
    return parsed_end == buffer + length;
}

// One text samples file being parsed: what has been seen so far, for the values and for the messages.
struct SampleParse {
    std::string name;
    SampleReadOptions options;
    Samples samples;
    SampleFormat format;
    std::vector<std::string> header;  // every column's name, the weights column included
    int columns = 0;                  // values per row, the weights column included (0 until the first row)
    int weight_index = -1;            // 0-based column of the weights; -1: none
    long header_line = 0, first_row_line = 0, rows = 0;
    long minus_one_line = 0, minus_one_column = 0, zero_line = 0, zero_column = 0;  // first of each, for messages
};

static char line_delimiter(const char* begin, const char* end) {
    if (std::memchr(begin, ',', (size_t)(end - begin))) return ',';
    if (std::memchr(begin, '\t', (size_t)(end - begin))) return '\t';
    return ' ';
}

// The names of a header line, split at the delimiter only (a name may hold blanks), without surrounding blanks or
// the double quotes that spreadsheets and pandas may put around them. An empty name is kept as "" (an error later).
static std::vector<std::string> header_names(const char* begin, const char* end, char delimiter) {
    std::vector<std::string> names;
    for (const char* p = begin;;) {
        const char* name_end = p;
        if (delimiter == ' ') while (name_end < end && !is_blank(*name_end)) name_end++;
        else while (name_end < end && *name_end != delimiter) name_end++;
        const char* field_end = name_end;
        while (p < name_end && is_blank(*p)) p++;
        while (name_end > p && is_blank(name_end[-1])) name_end--;
        if (name_end - p >= 2 && *p == '"' && name_end[-1] == '"') p++, name_end--;
        if (p < name_end || delimiter != ' ') names.emplace_back(p, name_end);
        if (field_end == end) break;
        p = field_end + 1;
    }
    return names;
}

// A header: asked for, or a first line none of whose fields reads as a number.
static bool is_header_line(const char* begin, const char* end, bool asked) {
    if (asked) return true;
    for (const std::string& name : header_names(begin, end, line_delimiter(begin, end)))
        if (is_number(name.data(), name.data() + name.size())) return false;
    return true;
}

static void read_header(SampleParse* parse, const char* begin, const char* end, long line) {
    parse->header_line = line;
    parse->format.delimiter = line_delimiter(begin, end);
    parse->header = header_names(begin, end, parse->format.delimiter);
    for (const std::string& name : parse->header)
        if (name.empty()) throw format_error(parse->name, line, 1, "empty column name in the header");
}

// --weights-column: a 1-based column number, or a name from the header.
static void find_weights_column(SampleParse* parse, long line) {
    const std::string& wanted = parse->options.weights_column;
    if (wanted.empty()) return;
    bool is_index = wanted.find_first_not_of("0123456789") == std::string::npos;
    if (is_index) {
        long index = std::atol(wanted.c_str());
        if (index < 1 || index > parse->columns)
            throw format_error(parse->name, line, 1, "weights column " + wanted + " does not exist (the rows have " +
                               std::to_string(parse->columns) + " columns)");
        parse->weight_index = (int)index - 1;
        return;
    }
    std::string names;
    for (size_t k = 0; k < parse->header.size(); k++) {
        if (parse->header[k] == wanted) parse->weight_index = (int)k;
        names += (k ? ", " : "") + parse->header[k];
    }
    if (parse->weight_index < 0)
        throw format_error(parse->name, parse->header_line ? parse->header_line : line, 1,
                           parse->header.empty() ? "no header line, so no column is named '" + wanted + "' (give its number)"
                                                 : "no column named '" + wanted + "' (columns: " + names + ")");
}

// A file is either ±1 or 0/1; a file holding both -1 and 0 has no consistent meaning.
static void note_encoding(SampleParse* parse, int spin, long line, long column) {
    if (spin == -1 && parse->minus_one_line == 0) {
        parse->minus_one_line = line;
        parse->minus_one_column = column;
        if (parse->zero_line)
            throw format_error(parse->name, line, column, "value -1 in a file that uses 0 (first at line " +
                               std::to_string(parse->zero_line) + ":" + std::to_string(parse->zero_column) +
                               "): values must be all -1/+1 or all 0/1");
    }
    if (spin == 0 && parse->zero_line == 0) {
        parse->zero_line = line;
        parse->zero_column = column;
        if (parse->minus_one_line)
            throw format_error(parse->name, line, column, "value 0 in a file that uses -1 (first at line " +
                               std::to_string(parse->minus_one_line) + ":" + std::to_string(parse->minus_one_column) +
                               "): values must be all -1/+1 or all 0/1");
    }
}

static double parse_weight(const char* begin, const char* end, const std::string& name, long line, long column) {
    char buffer[64];
    size_t length = (size_t)(end - begin);
    if (length < sizeof buffer) {
        std::memcpy(buffer, begin, length);
        buffer[length] = '\0';
        char* parsed_end = nullptr;
        double value = std::strtod(buffer, &parsed_end);
        // At most 1e15: sums of weights times spins must stay finite (1e300 ended in an internal solver message).
        if (parsed_end == buffer + length && std::isfinite(value) && value >= 0 && value <= 1e15) return value;
    }
    throw format_error(name, line, column, "bad weight '" + printable(begin, end) + "' (expected a count or weight from 0 to 1e15)");
}

// The first data row fixes the number of columns; a bad value there may mean an undetected header.
static void first_row(SampleParse* parse, const char* begin, const char* end, long line) {
    parse->first_row_line = line;
    int values = split_line(begin, end, parse->name, line, [](const char*, const char*, int) {});
    if (!parse->header.empty() && values != (int)parse->header.size())
        throw format_error(parse->name, line, end - begin + 1, "row has " + std::to_string(values) + " values, the header (line " +
                           std::to_string(parse->header_line) + ") has " + std::to_string(parse->header.size()) + " names");
    if (parse->header.empty()) parse->format.delimiter = line_delimiter(begin, end);
    parse->columns = values;
    find_weights_column(parse, line);
    parse->samples.n = values - (parse->weight_index >= 0 ? 1 : 0);
    if (parse->samples.n < 1) throw format_error(parse->name, line, 1, "no spin columns besides the weights");
}

static void data_row(SampleParse* parse, const char* begin, const char* end, long line, const char* text_end) {
    bool first = parse->columns == 0;
    if (first) {
        first_row(parse, begin, end, line);
        // Reserve once for the most rows the file can hold, so 100 MB of spins are not copied while growing.
        long lines_left = 1 + (long)std::count(end, text_end, '\n');
        parse->samples.spins.reserve((size_t)lines_left * (size_t)parse->samples.n);
    }
    int values = split_line(begin, end, parse->name, line, [&](const char* value_begin, const char* value_end, int index) {
        long column = value_begin - begin + 1;
        if (index >= parse->columns)
            throw format_error(parse->name, line, column, "row has more than " + std::to_string(parse->columns) +
                               " values (the first row, line " + std::to_string(parse->first_row_line) + ", has " +
                               std::to_string(parse->columns) + ")");
        if (index == parse->weight_index) {
            parse->samples.weight.push_back(parse_weight(value_begin, value_end, parse->name, line, column));
            return;
        }
        int spin = 0;
        try {
            spin = parse_spin(value_begin, value_end, parse->name, line, column);
        } catch (const std::runtime_error& error) {
            if (!first || !parse->header.empty()) throw;
            throw std::runtime_error(std::string(error.what()) + "; if line " + std::to_string(line) +
                                     " is a header of column names, give --header");
        }
        note_encoding(parse, spin, line, column);
        parse->samples.spins.push_back((float)spin);
    });
    if (values != parse->columns)
        throw format_error(parse->name, line, end - begin + 1, "row has " + std::to_string(values) + " values, expected " +
                           std::to_string(parse->columns) + " (as in the first row, line " +
                           std::to_string(parse->first_row_line) + ")");
    if (++parse->rows > INT_MAX) throw format_error(parse->name, line, 1, "more than 2^31-1 samples");
}

// 0/1 → ±1, the names of the spin columns, and the total weight check.
static void finish_samples(SampleParse* parse, const std::string& text) {
    if (parse->rows == 0)
        throw format_error(parse->name, 1, 1, text.empty()          ? "empty file: no samples"
                                              : parse->header_line ? "no samples after the header line"
                                                                   : "no samples (only comments or blank lines)");
    Samples& samples = parse->samples;
    samples.count = (int)parse->rows;
    if (parse->zero_line) {
        for (float& spin : samples.spins) spin = spin == 0.0f ? -1.0f : 1.0f;
        parse->format.zero_one = true;
        if (!parse->options.quiet)
            std::fprintf(stderr, "note: %s holds 0/1 values; mapped 0 -> -1 and 1 -> +1\n", parse->name.c_str());
    }
    for (size_t k = 0; k < parse->header.size(); k++)
        if ((int)k != parse->weight_index) parse->format.names.push_back(parse->header[k]);
    if (parse->weight_index >= 0) {
        double total = 0.0;
        for (double weight : samples.weight) total += weight;
        if (!(total > 0.0)) throw format_error(parse->name, parse->first_row_line, 1, "the weights sum to 0");
    }
}

Samples parse_samples(const std::string& text, const std::string& name, const SampleReadOptions& options,
                      SampleFormat* format) {
    SampleParse parse;
    parse.name = name;
    parse.options = options;
    const char* text_end = text.data() + text.size();
    for_each_line(text, [&](const char* begin, const char* end, long line) {
        if (is_skipped_line(begin, end)) return;
        if (parse.columns == 0 && parse.header_line == 0 && is_header_line(begin, end, options.header))
            return read_header(&parse, begin, end, line);
        data_row(&parse, begin, end, line, text_end);
    });
    finish_samples(&parse, text);
    if (format) *format = parse.format;
    return parse.samples;
}

Samples parse_samples(const std::string& text, const std::string& name, bool quiet) {
    SampleReadOptions options;
    options.quiet = quiet;
    return parse_samples(text, name, options, nullptr);
}

// A matrix of spin values (rows = samples) from a binary file; value(row, column) reads one element.
template <typename Value>
static Samples samples_from_matrix(size_t rows, size_t columns, Value value, const std::string& name, bool quiet,
                                   SampleFormat* format) {
    if (rows == 0 || columns == 0) throw std::runtime_error(name + ": the matrix is empty: no samples");
    if (rows > INT_MAX || columns > INT_MAX) throw std::runtime_error(name + ": the matrix is too large");
    Samples samples;
    samples.count = (int)rows;
    samples.n = (int)columns;
    samples.spins.resize(rows * columns);
    bool seen_zero = false, seen_minus_one = false;
    for (size_t row = 0; row < rows; row++)
        for (size_t column = 0; column < columns; column++) {
            double spin = value(row, column);
            if (spin != -1.0 && spin != 0.0 && spin != 1.0)
                throw std::runtime_error(name + ": element (" + std::to_string(row + 1) + ", " + std::to_string(column + 1) +
                                         ") is " + std::to_string(spin) + ", not a spin value (expected -1/+1 or 0/1)");
            seen_zero = seen_zero || spin == 0.0;
            seen_minus_one = seen_minus_one || spin == -1.0;
            if (seen_zero && seen_minus_one)
                throw std::runtime_error(name + ": the matrix holds both -1 and 0: values must be all -1/+1 or all 0/1");
            samples.spins[row * columns + column] = spin > 0 ? 1.0f : -1.0f;
        }
    if (format) {
        *format = SampleFormat();
        format->zero_one = seen_zero;
    }
    if (seen_zero && !quiet) std::fprintf(stderr, "note: %s holds 0/1 values; mapped 0 -> -1 and 1 -> +1\n", name.c_str());
    return samples;
}

// What to say when a 3-D array arrives without --unit-axis.
static std::string three_d_hint() {
    return "; for a 3-D array (e.g. trials x neurons x bins) give --unit-axis A, the axis 1..3 holding the spins "
           "(the other two become the rows)";
}

// A 2-D array has two axes: --unit-axis 1 (spins in rows) or 2 (the default, spins in columns).
static void check_2d_unit_axis(int unit_axis, const std::string& name) {
    if (unit_axis > 2) throw std::runtime_error(name + ": --unit-axis " + std::to_string(unit_axis) + " but the array has 2 axes");
}

// A 3-D array (dims d, element (i0, i1, i2) at Σ i_k·stride_k) read as samples: the spins along `unit_axis` (1..3),
// one row for every index pair of the other two axes, the earlier axis outer. The retina recording (297 repeats ×
// 160 neurons × 953 bins, --unit-axis 2) becomes 283,041 rows in the order of data/retina.h's raster.
template <typename Value>
static Samples samples_from_3d(const std::vector<size_t>& d, const std::vector<size_t>& stride, int unit_axis,
                               Value value, const std::string& name, bool quiet, SampleFormat* format) {
    if (unit_axis < 1 || unit_axis > 3) throw std::runtime_error(name + ": --unit-axis must be 1, 2 or 3");
    int unit = unit_axis - 1, outer = unit == 0 ? 1 : 0, inner = unit == 2 ? 1 : 2;
    size_t rows = d[outer] * d[inner];
    return samples_from_matrix(rows, d[unit], [&](size_t r, size_t c) {
        return value((r / d[inner]) * stride[outer] + (r % d[inner]) * stride[inner] + c * stride[unit]);
    }, name, quiet, format);
}

static Samples samples_from_npy(const std::string& bytes, const std::string& name, bool quiet, int unit_axis,
                                SampleFormat* format) {
    NpyArray array = npy_parse(bytes, name);
    if (array.shape.size() == 3 && unit_axis >= 1) {  // C order: element (i0, i1, i2) at (i0·d1 + i1)·d2 + i2
        const std::vector<size_t>& d = array.shape;
        return samples_from_3d(d, {d[1] * d[2], d[2], 1}, unit_axis, [&](size_t k) { return array.values[k]; }, name,
                               quiet, format);
    }
    if (array.shape.size() != 2)
        throw std::runtime_error(name + ": the array has " + std::to_string(array.shape.size()) +
                                 " dimensions; samples need a 2-D array (rows = samples, columns = spins)" +
                                 (array.shape.size() == 3 ? three_d_hint() : ""));
    check_2d_unit_axis(unit_axis, name);
    size_t columns = array.shape[1];
    if (unit_axis == 1)  // spins in rows (a neurons × bins raster): read transposed
        return samples_from_matrix(columns, array.shape[0], [&](size_t r, size_t c) { return array.values[c * columns + r]; },
                                   name, quiet, format);
    return samples_from_matrix(array.shape[0], columns, [&](size_t r, size_t c) { return array.values[r * columns + c]; },
                               name, quiet, format);
}

static std::string dims_text(const std::vector<size_t>& dims) {
    std::string text;
    for (size_t d = 0; d < dims.size(); d++) text += (d ? "x" : "") + std::to_string(dims[d]);
    return text;
}

// The variable asked for, or else the only real numeric one; MATLAB stores column-major: (i, j) at i + rows·j.
static Samples samples_from_mat(const std::string& bytes, const std::string& name, const SampleReadOptions& options,
                                SampleFormat* format) {
    std::vector<MatArray> arrays = mat5_read(bytes.data(), bytes.size(), name);
    const MatArray* chosen = nullptr;
    std::string listed;
    int numeric = 0;
    for (const MatArray& array : arrays) {
        listed += (listed.empty() ? "" : ", ") + array.name + " (" + dims_text(array.dims) + ")";
        if (array.unsupported.empty() && ++numeric == 1) chosen = &array;
    }
    if (!options.mat_variable.empty()) chosen = &mat5_find(arrays, options.mat_variable, name);
    else if (numeric != 1)
        throw std::runtime_error(name + ": choose the variable with --var NAME (variables: " +
                                 (listed.empty() ? "none" : listed) + ")");
    const MatArray& array = *chosen;
    if (array.dims.size() == 3 && options.unit_axis >= 1) {  // column-major: (i0, i1, i2) at i0 + d0·(i1 + d1·i2)
        const std::vector<size_t>& d = array.dims;
        return samples_from_3d(d, {1, d[0], d[0] * d[1]}, options.unit_axis,
                               [&](size_t k) { return mat5_value(array, k); }, name + ":" + array.name, options.quiet, format);
    }
    if (array.dims.size() != 2)
        throw std::runtime_error(name + ": variable '" + array.name + "' is " + dims_text(array.dims) +
                                 "; samples need a 2-D matrix (rows = samples, columns = spins)" +
                                 (array.dims.size() == 3 ? three_d_hint() : ""));
    check_2d_unit_axis(options.unit_axis, name);
    size_t rows = array.dims[0];
    if (options.unit_axis == 1)  // spins in rows (a neurons × bins raster): read transposed
        return samples_from_matrix(array.dims[1], rows, [&](size_t r, size_t c) { return mat5_value(array, c + rows * r); },
                                   name + ":" + array.name, options.quiet, format);
    return samples_from_matrix(rows, array.dims[1], [&](size_t r, size_t c) { return mat5_value(array, r + rows * c); },
                               name + ":" + array.name, options.quiet, format);
}

// What a binary file that is neither .npy nor .mat probably is, for the "convert to text" message; "" if text.
static std::string binary_kind(const std::string& bytes) {
    struct Magic { const char* bytes; size_t size; const char* kind; };
    static const Magic magics[] = {{"PK\x03\x04", 4, "a zip archive (an .xlsx workbook? save it as CSV)"},
                                   {"\x89HDF", 4, "an HDF5 file (MATLAB -v7.3? save with -v7)"},
                                   {"\x1f\x8b", 2, "gzip-compressed (gunzip it)"},
                                   {"PAR1", 4, "a Parquet file"},
                                   {"\xd0\xcf\x11\xe0", 4, "an old Excel/Office file (save it as CSV)"}};
    for (const Magic& magic : magics)
        if (bytes.size() >= magic.size && bytes.compare(0, magic.size, magic.bytes, magic.size) == 0) return magic.kind;
    if (std::memchr(bytes.data(), '\0', std::min(bytes.size(), (size_t)4096))) return "a binary file";
    return "";
}

static bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Samples read_samples(const std::string& path, const SampleReadOptions& options, SampleFormat* format) {
    std::string bytes = read_input(path);
    std::string name = path == "-" ? "(standard input)" : path;
    bool npy = npy_has_magic(bytes), mat = bytes.compare(0, 6, "MATLAB") == 0 || ends_with(path, ".mat");
    if ((npy || mat) && !options.weights_column.empty())
        throw std::runtime_error(name + ": a weights column is read from text files only");
    if (npy) return samples_from_npy(bytes, name, options.quiet, options.unit_axis, format);
    if (mat) return samples_from_mat(bytes, name, options, format);
    std::string kind = binary_kind(bytes);
    if (!kind.empty())
        throw std::runtime_error(name + ": convert to text: this is " + kind + ", not a samples file (text with one "
                                 "sample per line, .npy or .mat; docs/file-formats.md)");
    if (options.unit_axis > 0)
        throw std::runtime_error(name + ": --unit-axis is for .npy and .mat arrays; a text file has one sample per line");
    return parse_samples(bytes, name, options, format);
}

Samples read_samples(const std::string& path, bool quiet) {
    SampleReadOptions options;
    options.quiet = quiet;
    return read_samples(path, options, nullptr);
}

void append_samples(Samples* a, const Samples& b, const std::string& what) {
    if (a->n != b.n)
        throw std::runtime_error(what + ": the files have n = " + std::to_string(a->n) + " and n = " + std::to_string(b.n));
    if ((long)a->count + b.count > INT_MAX) throw std::runtime_error(what + ": more than 2^31-1 samples");
    if (!a->weight.empty() || !b.weight.empty()) {
        a->weight.resize((size_t)a->count, 1.0);  // a file without weights counts each row once
        if (b.weight.empty()) a->weight.insert(a->weight.end(), (size_t)b.count, 1.0);
        else a->weight.insert(a->weight.end(), b.weight.begin(), b.weight.end());
    }
    a->spins.insert(a->spins.end(), b.spins.begin(), b.spins.end());
    a->count += b.count;
}

// Standard input obeys --max-input-bytes as a file does: `yes | repro infer -` stops at the limit with its name.
std::string read_input(const std::string& path) {
    if (path != "-") return read_file(path);
    std::string contents;
    char buffer[1 << 16];
    size_t got;
    uint64_t limit = max_input_bytes();
    while ((got = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
        if (contents.size() + got > limit)
            throw std::runtime_error("cannot read standard input: larger than " + std::to_string(limit) +
                                     " bytes (--max-input-bytes raises the limit)");
        contents.append(buffer, got);
    }
    if (std::ferror(stdin)) throw std::runtime_error("error reading standard input");
    return contents;
}

// "-" is standard output; any other path is written atomically, which refuses what is not a regular file (a FIFO
// would hang without a reader, a device would be written into; issue 27): the output gate said so before the work.
void write_output(const std::string& path, const std::string& text) {
    if (path != "-") return write_file_atomic(path, text);
    bool failed = std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0;
    if (failed) throw std::runtime_error("error writing standard output: " + std::string(std::strerror(errno)));
}

void write_samples(const std::string& path, const Samples& samples, const SampleFormat& format) {
    if ((long)samples.spins.size() != (long)samples.count * samples.n)
        throw std::runtime_error("write_samples " + path + ": spins hold " + std::to_string(samples.spins.size()) +
                                 " values, expected " + std::to_string(samples.count) + " x " + std::to_string(samples.n));
    if (!format.names.empty() && (int)format.names.size() != samples.n)
        throw std::runtime_error("write_samples " + path + ": " + std::to_string(format.names.size()) +
                                 " column names for n = " + std::to_string(samples.n));
    std::string text;
    text.reserve((size_t)samples.count * (size_t)samples.n * 3);
    for (size_t i = 0; i < format.names.size(); i++) text += (i ? std::string(1, format.delimiter) : "") + format.names[i];
    if (!format.names.empty()) text += '\n';
    const char* minus = format.zero_one ? "0" : "-1";
    for (long row = 0; row < samples.count; row++) {
        for (int i = 0; i < samples.n; i++) {
            float spin = samples.spins[(size_t)row * samples.n + i];
            if (spin != 1.0f && spin != -1.0f)
                throw std::runtime_error("write_samples " + path + ": sample " + std::to_string(row) + ", spin " +
                                         std::to_string(i) + " is " + std::to_string(spin) + ", not -1 or +1");
            if (i > 0) text += format.delimiter;
            text += spin < 0 ? minus : "1";
        }
        text += '\n';
    }
    write_output(path, text);
}

void write_samples(const std::string& path, const Samples& samples) { write_samples(path, samples, SampleFormat()); }

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

const char* const ZERO_ONE_GAUGE_MARK = "gauge 0/1";

// A file written in the 0/1 gauge says so in its first line (write_params's comment); it is read back in ±1 form.
IsingParams read_params(const std::string& path) {
    std::string text = read_input(path);
    IsingParams params = parse_params(text, path);
    std::string first_line = text.substr(0, text.find('\n'));
    if (first_line.compare(0, 1, "#") == 0 && first_line.find(ZERO_ONE_GAUGE_MARK) != std::string::npos)
        return params_from_zero_one(params);
    return params;
}

// With σ_i = 2s_i − 1: σ_iσ_j = 4s_is_j − 2s_i − 2s_j + 1, so
//   E(σ) = −Σ_i b_i(2s_i − 1) − Σ_{i<j} w_ij(4s_is_j − 2s_i − 2s_j + 1)
//        = −Σ_i (2b_i − 2Σ_{j≠i} w_ij) s_i − Σ_{i<j} 4w_ij s_is_j + const,
// (each s_i collects 2w_ij from every pair it is in), hence h_i = 2b_i − 2Σ_{j≠i} w_ij and J_ij = 4w_ij.
IsingParams params_to_zero_one(const IsingParams& pm1) {
    IsingParams zero_one = pm1;
    int n = pm1.n;
    for (int i = 0; i < n; i++) {
        double row_sum = 0.0;
        for (int j = 0; j < n; j++) row_sum += pm1.coupling[(size_t)i * n + j];  // the diagonal is 0
        zero_one.bias[i] = 2.0 * pm1.bias[i] - 2.0 * row_sum;
    }
    for (double& coupling : zero_one.coupling) coupling *= 4.0;
    return zero_one;
}

IsingParams params_from_zero_one(const IsingParams& zero_one) {
    IsingParams pm1 = zero_one;
    int n = zero_one.n;
    for (double& coupling : pm1.coupling) coupling /= 4.0;
    for (int i = 0; i < n; i++) {
        double row_sum = 0.0;
        for (int j = 0; j < n; j++) row_sum += pm1.coupling[(size_t)i * n + j];
        pm1.bias[i] = zero_one.bias[i] / 2.0 + row_sum;
    }
    return pm1;
}

void write_params(const std::string& path, const IsingParams& params, const std::string& comment) {
    int n = params.n;
    if ((int)params.bias.size() != n || (long)params.coupling.size() != (long)n * n)
        throw std::runtime_error("write_params " + path + ": parameter arrays do not match n = " + std::to_string(n));
    if (comment.find('\n') != std::string::npos) throw std::runtime_error("write_params " + path + ": comment has a newline");
    std::string text = comment.empty() ? "" : "# " + comment + "\n";
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
    write_output(path, text);
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
