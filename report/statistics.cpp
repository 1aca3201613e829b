#include "statistics.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

Estimate estimate_of(const std::vector<double>& values) {
    Estimate estimate;
    estimate.count = (int)values.size();
    if (values.empty()) {
        estimate.mean = NAN;
        estimate.sd = NAN;
        return estimate;
    }
    double sum = 0;
    for (double value : values) sum += value;
    estimate.mean = sum / (double)values.size();
    if (values.size() < 2) {
        estimate.sd = NAN;
        return estimate;
    }
    double squares = 0;
    for (double value : values) squares += (value - estimate.mean) * (value - estimate.mean);
    estimate.sd = std::sqrt(squares / (double)(values.size() - 1));  // sample sd, divisor n − 1
    return estimate;
}

std::vector<Group> group_estimates(const CsvTable& table, const std::vector<std::string>& group_columns,
                                   const std::string& value_column) {
    std::vector<int> key_index;
    for (const std::string& column : group_columns) key_index.push_back(csv_column(table, column));
    std::vector<Group> groups;
    std::vector<std::vector<double>> values;
    for (size_t row = 0; row < table.rows.size(); row++) {
        std::vector<std::string> keys;
        for (int index : key_index) keys.push_back(table.rows[row][index]);
        size_t g = 0;
        while (g < groups.size() && groups[g].keys != keys) g++;
        if (g == groups.size()) {
            groups.push_back({keys, Estimate()});
            values.push_back({});
        }
        values[g].push_back(csv_double(table, row, value_column));
    }
    for (size_t g = 0; g < groups.size(); g++) groups[g].value = estimate_of(values[g]);
    return groups;
}

std::vector<double> group_values(const CsvTable& table, const std::vector<std::string>& group_columns,
                                 const std::vector<std::string>& keys, const std::string& value_column) {
    std::vector<double> values;
    for (size_t row = 0; row < table.rows.size(); row++) {
        bool match = true;
        for (size_t k = 0; k < group_columns.size(); k++) match = match && csv_cell(table, row, group_columns[k]) == keys[k];
        if (match) values.push_back(csv_double(table, row, value_column));
    }
    return values;
}

const Estimate& group_lookup(const std::vector<Group>& groups, const std::vector<std::string>& keys) {
    for (const Group& group : groups)
        if (group.keys == keys) return group.value;
    auto join = [](const std::vector<std::string>& words) {
        std::string text;
        for (const std::string& word : words) text += (text.empty() ? "" : "/") + word;
        return text;
    };
    std::string have;
    for (const Group& group : groups) have += (have.empty() ? "" : ", ") + join(group.keys);
    throw std::runtime_error("no group " + join(keys) + " (groups: " + have + ")");
}

CsvTable group_table(const std::vector<Group>& groups, const std::vector<std::string>& group_columns,
                     const std::string& value_column) {
    std::vector<std::string> header = group_columns;
    header.push_back(value_column + "_mean");
    header.push_back(value_column + "_sd");
    header.push_back(value_column + "_count");
    CsvTable table = csv_table(header);
    for (const Group& group : groups) {
        std::vector<std::string> cells = group.keys;
        cells.push_back(csv_number(group.value.mean));
        cells.push_back(group.value.count >= 2 ? csv_number(group.value.sd) : "");
        cells.push_back(csv_integer(group.value.count));
        csv_add_row(&table, cells);
    }
    return table;
}

std::string estimate_text(const Estimate& estimate, int digits) {
    char mean[64], sd[64];
    std::snprintf(mean, sizeof mean, "%.*g", digits, estimate.mean);
    if (estimate.count < 2 || !std::isfinite(estimate.sd)) return mean;
    std::snprintf(sd, sizeof sd, "%.2g", estimate.sd);
    return std::string(mean) + " ± " + sd;
}

std::string sd_cell(const Estimate& estimate) {
    return (estimate.count < 2 || std::isnan(estimate.sd)) ? std::string() : csv_number(estimate.sd);
}
