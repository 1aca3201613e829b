// Statistics over ensemble members: the mean ± sd of a set of runs (Estimate), grouped by design columns, and its
// text for summaries. The judging rules of report/report.h and every figure's tables use them.
#pragma once
#include <string>
#include <vector>

#include "csv.h"
#include "../data/student_t.h"  // Student's t, for the 95 % tests of judge.h

// Mean, sample standard deviation (divisor count − 1) and count of a set of values. sd is NaN when count < 2 (not
// defined; the judging helpers in report.h then compare plain numbers).
struct Estimate {
    double mean = 0;
    double sd = 0;
    int count = 0;
};
Estimate estimate_of(const std::vector<double>& values);

struct Group {
    std::vector<std::string> keys;  // the values of the group columns
    Estimate value;
};
// Groups the rows by the values of `group_columns` (groups in order of first appearance, i.e. design order) and
// estimates `value_column` in each. Throws on a missing column or a non-numeric value.
std::vector<Group> group_estimates(const CsvTable& table, const std::vector<std::string>& group_columns,
                                   const std::string& value_column);
// The group with these keys; throws listing what is there if absent.
const Estimate& group_lookup(const std::vector<Group>& groups, const std::vector<std::string>& keys);
// The values of `value_column` in the rows whose group columns hold `keys`, in row (design) order: the members of
// one point, for paired comparisons (two columns of the same rows are paired member by member).
std::vector<double> group_values(const CsvTable& table, const std::vector<std::string>& group_columns,
                                 const std::vector<std::string>& keys, const std::string& value_column);
// Table of groups: the group columns, then VALUE_mean, VALUE_sd (empty when count < 2), VALUE_count.
CsvTable group_table(const std::vector<Group>& groups, const std::vector<std::string>& group_columns,
                     const std::string& value_column);

// "0.00412 ± 0.00031": the mean to `digits` significant digits and the sd to 2 (just the mean when there is no sd,
// i.e. fewer than two runs). Summaries and the claims' measured texts use it alike.
std::string estimate_text(const Estimate& estimate, int digits = 3);
// Cell text for an sd column: empty when undefined (fewer than two runs).
std::string sd_cell(const Estimate& estimate);
