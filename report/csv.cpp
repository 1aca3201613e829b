#include "csv.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "../data/atomic_file.h"

static std::string table_name(const CsvTable& table) { return table.source.empty() ? "CSV table" : table.source; }

static void check_header(const std::vector<std::string>& header, const std::string& where) {
    if (header.empty()) throw std::runtime_error(where + ": no columns");
    for (size_t i = 0; i < header.size(); i++) {
        if (header[i].empty()) throw std::runtime_error(where + ": column " + std::to_string(i + 1) + " has no name");
        for (size_t j = 0; j < i; j++)
            if (header[j] == header[i]) throw std::runtime_error(where + ": column '" + header[i] + "' appears twice");
    }
}

CsvTable csv_table(const std::vector<std::string>& header) {
    check_header(header, "csv_table");
    CsvTable table;
    table.header = header;
    return table;
}

void csv_add_row(CsvTable* table, const std::vector<std::string>& cells) {
    if (cells.size() != table->header.size())
        throw std::runtime_error(table_name(*table) + ": a row has " + std::to_string(cells.size()) +
                                 " cells but the table has " + std::to_string(table->header.size()) + " columns");
    table->rows.push_back(cells);
}

std::string csv_number(double value) {
    if (!std::isfinite(value)) throw std::runtime_error("csv_number: refusing to write a non-finite number (NaN or inf)");
    // Shortest precision that survives the round trip, so 0.1 stays "0.1" and no digit of a double is lost.
    char text[64];
    for (int digits = 6; digits <= 17; digits++) {
        std::snprintf(text, sizeof text, "%.*g", digits, value);
        if (std::strtod(text, nullptr) == value) break;
    }
    return text;
}

std::string csv_integer(long long value) { return std::to_string(value); }

bool csv_has_column(const CsvTable& table, const std::string& name) {
    for (const std::string& column : table.header)
        if (column == name) return true;
    return false;
}

int csv_column(const CsvTable& table, const std::string& name) {
    for (size_t i = 0; i < table.header.size(); i++)
        if (table.header[i] == name) return (int)i;
    std::string columns;
    for (const std::string& column : table.header) columns += (columns.empty() ? "" : ", ") + column;
    throw std::runtime_error(table_name(table) + ": no column '" + name + "' (columns: " + columns + ")");
}

const std::string& csv_cell(const CsvTable& table, size_t row, const std::string& column) {
    int index = csv_column(table, column);
    if (row >= table.rows.size())
        throw std::runtime_error(table_name(table) + ": row " + std::to_string(row) + " requested, table has " +
                                 std::to_string(table.rows.size()) + " rows");
    return table.rows[row][index];
}

// "FILE row R (line L) column 'C'": rows are written 0-based in the API, the file line is row + 2 when no cell
// spans lines (header is line 1).
static std::string cell_place(const CsvTable& table, size_t row, const std::string& column) {
    std::string line = table.source.empty() ? "" : " (line " + std::to_string(row + 2) + ")";
    return table_name(table) + " row " + std::to_string(row) + line + " column '" + column + "'";
}

double csv_double(const CsvTable& table, size_t row, const std::string& column) {
    const std::string& text = csv_cell(table, row, column);
    if (text.empty()) throw std::runtime_error(cell_place(table, row, column) + ": empty cell where a number is needed");
    char* end = nullptr;
    errno = 0;
    double value = std::strtod(text.c_str(), &end);
    if (*end != '\0' || errno == ERANGE || !std::isfinite(value))
        throw std::runtime_error(cell_place(table, row, column) + ": '" + text + "' is not a finite number");
    return value;
}

long long csv_int(const CsvTable& table, size_t row, const std::string& column) {
    const std::string& text = csv_cell(table, row, column);
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0)
        throw std::runtime_error(cell_place(table, row, column) + ": '" + text + "' is not an integer");
    return value;
}

std::vector<double> csv_doubles(const CsvTable& table, const std::string& column) {
    std::vector<double> values;
    for (size_t row = 0; row < table.rows.size(); row++) values.push_back(csv_double(table, row, column));
    return values;
}

CsvTable csv_filter(const CsvTable& table, const std::string& column, const std::string& value) {
    int index = csv_column(table, column);
    CsvTable result;
    result.header = table.header;
    result.source = table.source;
    for (const std::vector<std::string>& row : table.rows)
        if (row[index] == value) result.rows.push_back(row);
    return result;
}

static void append_cell(std::string* out, const std::string& cell, bool only_cell) {
    bool quote = cell.find_first_of(",\"\r\n") != std::string::npos ||
                 (!cell.empty() && (cell.front() == ' ' || cell.back() == ' ')) || (cell.empty() && only_cell);
    if (!quote) {
        *out += cell;
        return;
    }
    *out += '"';
    for (char c : cell) {
        if (c == '"') *out += '"';
        *out += c;
    }
    *out += '"';
}

static void append_row(std::string* out, const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); i++) {
        if (i > 0) *out += ',';
        // A one-column row holding "" is written as "" so it does not become a blank line.
        append_cell(out, cells[i], cells.size() == 1);
    }
    *out += '\n';
}

std::string csv_format(const CsvTable& table) {
    check_header(table.header, table_name(table));
    std::string out;
    append_row(&out, table.header);
    for (const std::vector<std::string>& row : table.rows) {
        if (row.size() != table.header.size())
            throw std::runtime_error(table_name(table) + ": a row has " + std::to_string(row.size()) + " cells, header has " +
                                     std::to_string(table.header.size()));
        append_row(&out, row);
    }
    return out;
}

CsvTable csv_parse(const std::string& text, const std::string& source) {
    CsvTable table;
    table.source = source;
    std::vector<std::vector<std::string>> records;
    std::vector<int> record_lines;
    size_t pos = 0;
    int line = 1;
    while (pos < text.size()) {
        // One record: cells until an unquoted line end. Blank lines are skipped.
        if (text[pos] == '\n' || (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n')) {
            pos += text[pos] == '\r' ? 2 : 1;
            line++;
            continue;
        }
        int record_line = line;
        std::vector<std::string> cells;
        std::string cell;
        bool quoted_cell = false;
        while (true) {
            if (pos < text.size() && text[pos] == '"' && cell.empty() && !quoted_cell) {
                quoted_cell = true;
                pos++;
                while (true) {
                    if (pos >= text.size())
                        throw std::runtime_error(source + " line " + std::to_string(record_line) + ": unterminated quoted cell");
                    char c = text[pos++];
                    if (c == '"') {
                        if (pos < text.size() && text[pos] == '"') {
                            cell += '"';
                            pos++;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') line++;
                    cell += c;
                }
                continue;
            }
            if (pos >= text.size() || text[pos] == ',' || text[pos] == '\n' || text[pos] == '\r') {
                cells.push_back(cell);
                cell.clear();
                quoted_cell = false;
                if (pos < text.size() && text[pos] == ',') {
                    pos++;
                    continue;
                }
                if (pos < text.size() && text[pos] == '\r') {
                    if (pos + 1 >= text.size() || text[pos + 1] != '\n')
                        throw std::runtime_error(source + " line " + std::to_string(line) + ": stray carriage return");
                    pos++;
                }
                if (pos < text.size()) {
                    pos++;  // the '\n'
                    line++;
                }
                break;
            }
            if (quoted_cell)
                throw std::runtime_error(source + " line " + std::to_string(line) + ": text after a closing quote");
            cell += text[pos++];
        }
        records.push_back(cells);
        record_lines.push_back(record_line);
    }
    if (records.empty()) throw std::runtime_error(source + ": empty CSV file (no header)");
    check_header(records[0], source + " line 1 (header)");
    table.header = records[0];
    for (size_t r = 1; r < records.size(); r++) {
        if (records[r].size() != table.header.size())
            throw std::runtime_error(source + " line " + std::to_string(record_lines[r]) + ": " +
                                     std::to_string(records[r].size()) + " cells, but the header has " +
                                     std::to_string(table.header.size()) + " columns");
        table.rows.push_back(records[r]);
    }
    return table;
}

// numpy's genfromtxt (and many other readers) split at every comma and know no quoting, so the files written for
// people hold no commas, quotes or line breaks inside cells: ',' becomes ';', '"' becomes '\'', a line break a
// space. Every such cell then needs no quotes, and csv_parse reads the file back.
static std::string plain_cell(const std::string& cell) {
    std::string plain = cell;
    for (char& c : plain) {
        if (c == ',') c = ';';
        else if (c == '"') c = '\'';
        else if (c == '\n' || c == '\r') c = ' ';
    }
    return plain;
}

std::string csv_format_plain(const CsvTable& table) {
    CsvTable plain = table;
    for (std::string& name : plain.header) name = plain_cell(name);
    for (std::vector<std::string>& row : plain.rows)
        for (std::string& cell : row) cell = plain_cell(cell);
    return csv_format(plain);
}

void csv_write(const std::string& path, const CsvTable& table) { write_file_atomic(path, csv_format_plain(table)); }

CsvTable csv_read(const std::string& path) { return csv_parse(read_file(path), path); }
