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

// I_x(a, b)'s continued fraction (the even and odd terms of its standard expansion), evaluated by the modified
// Lentz method; converges fast for x < (a + 1)/(a + b + 2), which student_t_cdf arranges by symmetry.
static double incomplete_beta_fraction(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 500; m++) {
        double even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 + even * d;
        c = 1.0 + even / c;
        d = 1.0 / (std::fabs(d) < tiny ? tiny : d);
        c = std::fabs(c) < tiny ? tiny : c;
        h *= d * c;
        double odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 + odd * d;
        c = 1.0 + odd / c;
        d = 1.0 / (std::fabs(d) < tiny ? tiny : d);
        c = std::fabs(c) < tiny ? tiny : c;
        double step = d * c;
        h *= step;
        if (std::fabs(step - 1.0) < 1e-15) break;
    }
    return h;
}

// The regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).
static double incomplete_beta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * incomplete_beta_fraction(a, b, x) / a;
    return 1.0 - std::exp(log_front) * incomplete_beta_fraction(b, a, 1.0 - x) / b;  // I_x(a,b) = 1 − I_{1−x}(b,a)
}

double student_t_cdf(double t, double dof) {
    if (!(dof > 0)) throw std::runtime_error("student_t_cdf: degrees of freedom must be positive");
    if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
    double tail = 0.5 * incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));  // P(T > |t|)
    return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double dof) {
    if (!(p > 0 && p < 1)) throw std::runtime_error("student_t_quantile: p must lie in (0, 1)");
    if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
    double lo = 0, hi = 1;
    while (student_t_cdf(hi, dof) < p) hi *= 2;  // bracket: at dof = 1, p = 0.975 needs hi = 16
    for (int k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
        double mid = 0.5 * (lo + hi);
        (student_t_cdf(mid, dof) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}
