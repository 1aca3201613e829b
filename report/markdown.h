// Markdown for the summaries (summary.md of each figure, results/README.md): a few helpers, so that the figures
// hand over rows of cells instead of concatenating table syntax.
#pragma once
#include <string>
#include <utility>
#include <vector>

// Text for one cell of a Markdown table: '|' escaped as "\|", line breaks as spaces (so a row stays one row).
std::string markdown_cell(const std::string& text);

// A table: the header row, the alignment row ('l' → "---", 'r' → "---:", one character per column) and the rows,
// each cell passed through markdown_cell. Ends with a newline (no blank line after it).
std::string markdown_table(const std::vector<std::string>& header, const std::string& align,
                           const std::vector<std::vector<std::string>>& rows);

// "## Settings" and a two-column table (setting, value), followed by a blank line.
using SettingRows = std::vector<std::pair<std::string, std::string>>;
std::string settings_markdown(const SettingRows& settings);
