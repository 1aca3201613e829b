#include "markdown.h"

#include <stdexcept>

std::string markdown_cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += "\\|";
        else if (c == '\n' || c == '\r') out += ' ';
        else out += c;
    }
    return out;
}

static std::string markdown_row(const std::vector<std::string>& cells) {
    std::string row = "|";
    for (const std::string& cell : cells) row += " " + markdown_cell(cell) + " |";
    return row + "\n";
}

std::string markdown_table(const std::vector<std::string>& header, const std::string& align,
                           const std::vector<std::vector<std::string>>& rows) {
    if (align.size() != header.size()) throw std::invalid_argument("markdown_table: one alignment per column");
    std::string md = markdown_row(header) + "|";
    for (char a : align) md += a == 'r' ? "---:|" : "---|";
    md += "\n";
    for (const std::vector<std::string>& row : rows) {
        if (row.size() != header.size()) throw std::invalid_argument("markdown_table: a row with another column count");
        md += markdown_row(row);
    }
    return md;
}

std::string settings_markdown(const SettingRows& settings) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& setting : settings) rows.push_back({setting.first, setting.second});
    return "## Settings\n\n" + markdown_table({"setting", "value"}, "ll", rows) + "\n";
}
