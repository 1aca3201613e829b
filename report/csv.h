// A small CSV table: one header row of column names, then rows of text cells. The figures write their results as
// CSV (so gnuplot, a spreadsheet or pandas can read them) and read them back for plots, merges and the report.
//
// Format (RFC 4180 subset): comma separated; a cell containing a comma, a double quote, a newline or leading/trailing
// spaces is quoted with "..." and inner quotes doubled. Numbers are written with csv_number (shortest text that reads
// back to the same double). Reading accepts \n or \r\n line ends; every row must have as many cells as the header.
#pragma once
#include <string>
#include <vector>

struct CsvTable {
    std::vector<std::string> header;             // column names, unique
    std::vector<std::vector<std::string>> rows;  // each row has header.size() cells
    std::string source;                          // file it was read from, for error messages ("" if built here)
};

// A table with these columns and no rows. Throws on a duplicate or empty column name.
CsvTable csv_table(const std::vector<std::string>& header);
// Appends one row; throws if it does not have one cell per column.
void csv_add_row(CsvTable* table, const std::vector<std::string>& cells);

// Text of a number: the shortest %.Ng (N ≤ 17) that reads back to exactly `value`. Throws on NaN or infinity: a
// result file never holds NaN silently (write an empty cell for "undefined" on purpose instead).
std::string csv_number(double value);
std::string csv_integer(long long value);

// Column index by name; throws naming the table's source and the columns it does have.
int csv_column(const CsvTable& table, const std::string& name);
bool csv_has_column(const CsvTable& table, const std::string& name);
// Cell text / value of row `row` (0-based, not counting the header) in column `column`. The numeric readers throw
// naming source, row and column if the cell is empty, not a number, or not finite.
const std::string& csv_cell(const CsvTable& table, size_t row, const std::string& column);
double csv_double(const CsvTable& table, size_t row, const std::string& column);
long long csv_int(const CsvTable& table, size_t row, const std::string& column);
// Every row's value of one numeric column.
std::vector<double> csv_doubles(const CsvTable& table, const std::string& column);
// The rows whose `column` cell equals `value` exactly (same header).
CsvTable csv_filter(const CsvTable& table, const std::string& column, const std::string& value);

// Text form (with trailing newline) and parsing. `source` names the text in error messages ("FILE line L: ...").
std::string csv_format(const CsvTable& table);
CsvTable csv_parse(const std::string& text, const std::string& source);
// The same table with ',' → ';', '"' → '\'' and line breaks → ' ' inside cells, so no cell needs quotes: what
// numpy.genfromtxt(delimiter=',', names=True, dtype=None) and pandas.read_csv both read. csv_write writes this.
std::string csv_format_plain(const CsvTable& table);
// Atomic write (data/atomic_file.h) of csv_format_plain, and read (which also reads quoted cells).
void csv_write(const std::string& path, const CsvTable& table);
CsvTable csv_read(const std::string& path);
