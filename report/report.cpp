#include "report.h"
#include "../data/version.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <dirent.h>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "../data/atomic_file.h"
#include "csv.h"

const char* verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::Held: return "held";
        case Verdict::NotHeld: return "not held";
        case Verdict::Undecided: return "undecided";
    }
    return "undecided";
}

Verdict verdict_parse(const std::string& text) {
    if (text == "held") return Verdict::Held;
    if (text == "not held") return Verdict::NotHeld;
    if (text == "undecided") return Verdict::Undecided;
    throw std::runtime_error("unknown verdict '" + text + "' (expected held, not held or undecided)");
}

Claim make_claim(const std::string& figure, const std::string& text, const Judgement& judgement) {
    Claim claim;
    claim.figure = figure;
    claim.text = text;
    claim.measured = judgement.measured;
    claim.verdict = judgement.verdict;
    claim.members = judgement.members;
    return claim;
}

Estimate single_run(double value) {
    Estimate estimate;
    estimate.mean = value;
    estimate.sd = NAN;
    estimate.count = 1;
    return estimate;
}

static std::string number(double value, int digits = 3) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    return text;
}

static bool has_error_bar(const Estimate& estimate) { return estimate.count >= 2 && std::isfinite(estimate.sd); }


static void check_finite(const std::string& name, const Estimate& estimate) {
    if (!std::isfinite(estimate.mean))
        throw std::runtime_error("judging a claim: the value of '" + name + "' is not a finite number");
}

Judgement judge_less(const std::string& a_name, const Estimate& a, const std::string& b_name, const Estimate& b) {
    check_finite(a_name, a);
    check_finite(b_name, b);
    Judgement judgement;
    judgement.members = std::min(a.count, b.count);
    double difference = b.mean - a.mean;
    if (!has_error_bar(a) || !has_error_bar(b)) {
        judgement.verdict = difference > 0 ? Verdict::Held : difference < 0 ? Verdict::NotHeld : Verdict::Undecided;
        judgement.measured = a_name + " " + number(a.mean) + " vs " + b_name + " " + number(b.mean) + " (single run)";
        return judgement;
    }
    double standard_error = std::sqrt(a.sd * a.sd / a.count + b.sd * b.sd / b.count);
    judgement.verdict = difference > 2 * standard_error    ? Verdict::Held
                        : difference < -2 * standard_error ? Verdict::NotHeld
                                                           : Verdict::Undecided;
    std::string counts = a.count == b.count ? "n = " + std::to_string(a.count)
                                            : "n = " + std::to_string(a.count) + ", " + std::to_string(b.count);
    judgement.measured = a_name + " " + estimate_text(a) + " vs " + b_name + " " + estimate_text(b) + " (mean ± sd, " +
                         counts + "; difference " + number(difference, 2) + ", 2·SE " + number(2 * standard_error, 2) + ")";
    return judgement;
}

Judgement judge_paired_less(const std::string& a_name, const std::vector<double>& a, const std::string& b_name,
                            const std::vector<double>& b) {
    if (a.size() != b.size() || a.empty()) throw std::runtime_error("judge_paired_less: need as many a as b, at least one");
    std::vector<double> difference(a.size());
    for (size_t k = 0; k < a.size(); k++) difference[k] = a[k] - b[k];
    Estimate d = estimate_of(difference), mean_a = estimate_of(a), mean_b = estimate_of(b);
    check_finite(a_name, mean_a);
    check_finite(b_name, mean_b);
    Judgement judgement;
    judgement.members = d.count;
    std::string sides = a_name + " " + estimate_text(mean_a) + " vs " + b_name + " " + estimate_text(mean_b);
    if (!has_error_bar(d)) {
        judgement.verdict = d.mean < 0 ? Verdict::Held : d.mean > 0 ? Verdict::NotHeld : Verdict::Undecided;
        judgement.measured = sides + " (single run)";
        return judgement;
    }
    double standard_error = d.sd / std::sqrt((double)d.count);
    judgement.verdict = d.mean < -2 * standard_error ? Verdict::Held
                        : d.mean > 2 * standard_error ? Verdict::NotHeld
                                                       : Verdict::Undecided;
    judgement.measured = sides + " (paired, n = " + std::to_string(d.count) + "; mean difference " + number(d.mean, 2) +
                         ", 2·SE " + number(2 * standard_error, 2) + ")";
    return judgement;
}

Judgement judge_all(const std::vector<std::string>& labels, const std::vector<Judgement>& judgements) {
    if (labels.size() != judgements.size() || judgements.empty())
        throw std::runtime_error("judge_all: need one label per judgement, and at least one");
    Judgement all;
    int held = 0, not_held = 0;
    for (size_t i = 0; i < judgements.size(); i++) {
        held += judgements[i].verdict == Verdict::Held;
        not_held += judgements[i].verdict == Verdict::NotHeld;
        if (judgements[i].members >= 0)
            all.members = all.members < 0 ? judgements[i].members : std::min(all.members, judgements[i].members);
        all.measured += (i ? "; " : "") + labels[i] + ": " + judgements[i].measured + " [" +
                        verdict_name(judgements[i].verdict) + "]";
    }
    all.verdict = not_held > 0 ? Verdict::NotHeld : held == (int)judgements.size() ? Verdict::Held : Verdict::Undecided;
    return all;
}

static void check_points(const char* helper, size_t labels_or_x, const std::vector<Estimate>& points, size_t minimum) {
    if (labels_or_x != points.size() || points.size() < minimum)
        throw std::runtime_error(std::string(helper) + ": need one label/x per point and at least " +
                                 std::to_string(minimum) + " points");
}

// The fewest members behind any of the points.
static int fewest_members(const std::vector<Estimate>& points) {
    int fewest = points.empty() ? -1 : points[0].count;
    for (const Estimate& point : points) fewest = std::min(fewest, point.count);
    return fewest;
}

// "0.0168 (1k) → 0.0134 (2k) → ..."
static std::string series_text(const std::vector<std::string>& labels, const std::vector<Estimate>& points) {
    std::string text;
    for (size_t i = 0; i < points.size(); i++) text += (i ? " → " : "") + estimate_text(points[i]) + " (" + labels[i] + ")";
    return text;
}

Judgement judge_trend_steps(const std::vector<std::string>& labels, const std::vector<Estimate>& points, Trend trend) {
    check_points("judge_trend_steps", labels.size(), points, 2);
    int held = 0, not_held = 0;
    bool single = false;
    for (size_t i = 0; i + 1 < points.size(); i++) {
        // Falls: the later point is less than the earlier one; Rises: the earlier is less than the later.
        const Estimate& smaller = trend == Trend::Falls ? points[i + 1] : points[i];
        const Estimate& larger = trend == Trend::Falls ? points[i] : points[i + 1];
        Judgement step = judge_less("", smaller, "", larger);
        held += step.verdict == Verdict::Held;
        not_held += step.verdict == Verdict::NotHeld;
        single = single || !has_error_bar(points[i]) || !has_error_bar(points[i + 1]);
    }
    int steps = (int)points.size() - 1;
    Judgement judgement;
    judgement.members = fewest_members(points);
    judgement.verdict = not_held > 0 ? Verdict::NotHeld : held == steps ? Verdict::Held : Verdict::Undecided;
    judgement.measured = series_text(labels, points) + ": " + std::to_string(held) + " of " + std::to_string(steps) +
                         " steps clearly " + (trend == Trend::Falls ? "down" : "up") + ", " + std::to_string(not_held) +
                         " clearly the other way" + (single ? " (single run)" : "");
    return judgement;
}

Judgement judge_trend_slope(const std::string& x_name, const std::vector<double>& x, const std::vector<Estimate>& points,
                            Trend trend) {
    check_points("judge_trend_slope", x.size(), points, 2);
    double x_mean = 0, y_mean = 0;
    for (size_t i = 0; i < x.size(); i++) {
        if (!std::isfinite(x[i])) throw std::runtime_error("judge_trend_slope: " + x_name + " is not finite");
        check_finite(x_name + " point", points[i]);
        x_mean += x[i] / (double)x.size();
        y_mean += points[i].mean / (double)x.size();
    }
    double sxx = 0;
    for (double value : x) sxx += (value - x_mean) * (value - x_mean);
    if (sxx == 0) throw std::runtime_error("judge_trend_slope: all " + x_name + " values are equal");
    double slope = 0, slope_variance = 0;
    bool single = false;
    for (size_t i = 0; i < x.size(); i++) {
        double weight = (x[i] - x_mean) / sxx;  // slope = Σ weight_i · y_i
        slope += weight * (points[i].mean - y_mean);
        if (has_error_bar(points[i])) slope_variance += weight * weight * points[i].sd * points[i].sd / points[i].count;
        else single = true;
    }
    double signed_slope = trend == Trend::Falls ? -slope : slope;  // > 0 means the claimed direction
    Judgement judgement;
    judgement.members = fewest_members(points);
    std::string slope_text = "slope " + number(slope, 3) + " per unit " + x_name;
    if (single) {
        judgement.verdict = signed_slope > 0 ? Verdict::Held : signed_slope < 0 ? Verdict::NotHeld : Verdict::Undecided;
        judgement.measured = slope_text + " (single run)";
    } else {
        double standard_error = std::sqrt(slope_variance);
        judgement.verdict = signed_slope > 2 * standard_error    ? Verdict::Held
                            : signed_slope < -2 * standard_error ? Verdict::NotHeld
                                                                 : Verdict::Undecided;
        judgement.measured = slope_text + " ± " + number(standard_error, 2) + " (SE)";
    }
    std::vector<std::string> labels;
    for (double value : x) labels.push_back(x_name + " " + number(value, 4));
    judgement.measured += "; " + series_text(labels, points);
    return judgement;
}

Judgement judge_u_shape(const std::vector<std::string>& labels, const std::vector<Estimate>& points) {
    check_points("judge_u_shape", labels.size(), points, 3);
    size_t best = 0, last = points.size() - 1;
    for (size_t i = 0; i < points.size(); i++) {
        check_finite(labels[i], points[i]);
        if (points[i].mean < points[best].mean) best = i;
    }
    Judgement judgement;
    judgement.members = fewest_members(points);
    std::string minimum = "minimum " + estimate_text(points[best]) + " at " + labels[best];
    std::string ends = "; first " + estimate_text(points[0]) + " at " + labels[0] + ", last " +
                       estimate_text(points[last]) + " at " + labels[last];
    if (best == 0 || best == last) {
        // The minimum is at an end: not U-shaped if that end is clearly below every interior point.
        size_t best_interior = 1;
        for (size_t i = 1; i < last; i++)
            if (points[i].mean < points[best_interior].mean) best_interior = i;
        Judgement below = judge_less(labels[best], points[best], labels[best_interior], points[best_interior]);
        judgement.verdict = below.verdict == Verdict::Held ? Verdict::NotHeld : Verdict::Undecided;
        judgement.measured = minimum + " (an end point)" + ends + "; against the best interior point: " + below.measured;
        return judgement;
    }
    Judgement left = judge_less(labels[best], points[best], labels[0], points[0]);
    Judgement right = judge_less(labels[best], points[best], labels[last], points[last]);
    judgement.verdict = left.verdict == Verdict::Held && right.verdict == Verdict::Held ? Verdict::Held : Verdict::Undecided;
    judgement.measured = minimum + ends + "; first end higher: " + verdict_name(left.verdict) +
                         ", last end higher: " + verdict_name(right.verdict);
    if (left.measured.find("single run") != std::string::npos || right.measured.find("single run") != std::string::npos)
        judgement.measured += " (single run)";
    return judgement;
}

void write_claims(const std::string& path, const std::vector<Claim>& claims) {
    CsvTable table = csv_table({"figure", "claim", "measured", "verdict", "members"});
    for (const Claim& claim : claims)
        csv_add_row(&table, {claim.figure, claim.text, claim.measured, verdict_name(claim.verdict),
                             claim.members >= 0 ? std::to_string(claim.members) : ""});
    csv_write(path, table);
}

std::vector<Claim> read_claims(const std::string& path) {
    CsvTable table = csv_read(path);
    std::vector<Claim> claims;
    for (size_t row = 0; row < table.rows.size(); row++) {
        Claim claim;
        claim.figure = csv_cell(table, row, "figure");
        claim.text = csv_cell(table, row, "claim");
        claim.measured = csv_cell(table, row, "measured");
        if (csv_has_column(table, "members") && !csv_cell(table, row, "members").empty())
            claim.members = (int)csv_int(table, row, "members");
        try {
            claim.verdict = verdict_parse(csv_cell(table, row, "verdict"));
        } catch (const std::exception& error) {
            throw std::runtime_error(path + " line " + std::to_string(row + 2) + ": " + error.what());
        }
        claims.push_back(claim);
    }
    return claims;
}

void write_observed_mse(const std::string& path, const std::vector<ObservedMse>& rows) {
    CsvTable table = csv_table({"n", "g", "M", "member", "mse_obs"});
    for (const ObservedMse& row : rows)
        csv_add_row(&table, {std::to_string(row.n), csv_number(row.g), std::to_string(row.M), std::to_string(row.member),
                             csv_number(row.mse)});
    csv_write(path, table);
}

std::vector<ObservedMse> read_observed_mse(const std::string& path) {
    CsvTable table = csv_read(path);
    std::vector<ObservedMse> rows;
    for (size_t r = 0; r < table.rows.size(); r++)
        rows.push_back({std::atol(csv_cell(table, r, "n").c_str()), csv_double(table, r, "g"),
                        std::atol(csv_cell(table, r, "M").c_str()), std::atoi(csv_cell(table, r, "member").c_str()),
                        csv_double(table, r, "mse_obs")});
    return rows;
}

std::string shared_points_section(const std::string& results_dir, const std::vector<std::string>& figures) {
    // (n, g, M, member) → figure → MSE
    std::map<std::tuple<long, double, long, int>, std::map<std::string, double>> points;
    for (const std::string& figure : figures) {
        std::string path = results_dir + "/" + figure + "/observed_mse.csv";
        if (!path_exists(path)) continue;
        for (const ObservedMse& row : read_observed_mse(path)) points[{row.n, row.g, row.M, row.member}][figure] = row.mse;
    }
    std::vector<std::vector<std::string>> rows;
    int agree = 0;
    for (const auto& [point, by_figure] : points) {
        if (by_figure.size() < 2) continue;
        double lo = by_figure.begin()->second, hi = lo;
        std::string values;
        for (const auto& [figure, mse] : by_figure) {
            lo = std::min(lo, mse);
            hi = std::max(hi, mse);
            values += (values.empty() ? "" : ", ") + figure + " " + csv_number(mse);
        }
        bool same = hi - lo <= 1e-6 * std::fabs(hi);
        agree += same;
        char label[96];
        std::snprintf(label, sizeof label, "n=%ld, g=%s, M=%ld", std::get<0>(point), csv_number(std::get<1>(point)).c_str(),
                      std::get<2>(point));
        rows.push_back({label, std::to_string(std::get<3>(point)), values, same ? "yes" : "**no**"});
    }
    if (rows.empty()) return "";
    return "## The figures agree at shared points\n\nFigures that run the same SK point (n, g, M) and member draw the same "
           "data from the same seed (method/seeds.h) and share its trained model through the store, so the erasure "
           "machine's MSE on the observed data must be the same number in each. " + std::to_string(agree) + " of " +
           std::to_string(rows.size()) + " shared (point, member) pairs agree.\n\n" +
           markdown_table({"point", "member", "observed-data MSE in each figure", "same"}, "lrll", rows) + "\n";
}

static std::string utc_now() {
    std::time_t now = std::time(nullptr);
    std::tm parts;
    gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &parts);
    return text;
}

void write_run_info(const std::string& path, const RunInfo& info) {
    bool has_date = false;
    for (const char* key : {"command", "scale", "seed", "wall_seconds"}) {
        bool found = false;
        for (const auto& entry : info) found = found || entry.first == key;
        if (!found) throw std::runtime_error("write_run_info " + path + ": the key '" + key + "' is required");
    }
    CsvTable table = csv_table({"key", "value"});
    for (const auto& entry : info) {
        has_date = has_date || entry.first == "date";
        csv_add_row(&table, {entry.first, entry.second});
    }
    if (!has_date) csv_add_row(&table, {"date", utc_now()});
    csv_add_row(&table, {"version", std::string("repro ") + repro_version()});  // which code made the results
    csv_write(path, table);
}

RunInfo read_run_info(const std::string& path) {
    CsvTable table = csv_read(path);
    RunInfo info;
    for (size_t row = 0; row < table.rows.size(); row++)
        info.push_back({csv_cell(table, row, "key"), csv_cell(table, row, "value")});
    return info;
}

std::string command_line_text(int argc, char** argv) {
    std::string text;
    for (int i = 0; i < argc; i++) {
        std::string word = argv[i];
        if (word.empty() || word.find_first_of(" \t'\"$") != std::string::npos) word = "'" + word + "'";
        text += (i ? " " : "") + word;
    }
    return text;
}

// ---- results/README.md ----

// Table cells: a '|' would end the cell and a newline the row.
static std::string verdict_cell(Verdict verdict) {
    return verdict == Verdict::Held ? "held" : verdict == Verdict::NotHeld ? "**not held**" : "undecided at this scale";
}

static std::vector<std::string> list_directory(const std::string& dir) {
    std::vector<std::string> names;
    DIR* handle = opendir(dir.c_str());
    if (!handle) return names;
    while (struct dirent* entry = readdir(handle)) names.push_back(entry->d_name);
    closedir(handle);
    std::sort(names.begin(), names.end());
    return names;
}

// "fig12" → 12, "fig2-long" → 2, anything else → -1.
static int figure_number(const std::string& name) {
    if (name.size() < 4 || name.compare(0, 3, "fig") != 0) return -1;
    size_t end = name.find_first_not_of("0123456789", 3);
    if (end == 3) return -1;
    // A variant of a figure ("fig2-long": its own run in its own folder) sorts after the figure itself.
    if (end != std::string::npos && (name[end] != '-' || end + 1 == name.size() ||
                                     name.find_first_not_of("abcdefghijklmnopqrstuvwxyz", end + 1) != std::string::npos))
        return -1;
    return std::atoi(name.c_str() + 3);
}

// The first "# " heading of summary.md and the first paragraph of plain text after it.
static void summary_header(const std::string& path, std::string* heading, std::string* paragraph) {
    std::istringstream lines(read_file(path));
    std::string line;
    bool in_paragraph = false;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (heading->empty()) {
            if (line.compare(0, 2, "# ") == 0) *heading = line.substr(2);
            continue;
        }
        bool blank = line.find_first_not_of(" \t") == std::string::npos;
        if (in_paragraph && (blank || line[0] == '#')) break;
        if (blank || line[0] == '#' || line[0] == '|' || line[0] == '!' || line.compare(0, 3, "```") == 0) continue;
        *paragraph += (in_paragraph ? "\n" : "") + line;
        in_paragraph = true;
    }
}

static std::string wall_time_text(const std::string& seconds_text) {
    char* end = nullptr;
    double seconds = std::strtod(seconds_text.c_str(), &end);
    if (seconds_text.empty() || *end != '\0' || !std::isfinite(seconds)) return seconds_text;
    char text[64];
    if (seconds < 120) std::snprintf(text, sizeof text, "%.0f s", seconds);
    else if (seconds < 7200) std::snprintf(text, sizeof text, "%.1f min", seconds / 60);
    else std::snprintf(text, sizeof text, "%.2f h", seconds / 3600);
    return text;
}

// The measured text shortened for the at-a-glance table: a claim checked at many points (judge_all joins
// "label: numbers [verdict]" with "; ") or a long series would fill a screen, so a text over `limit` characters keeps
// its leading pieces that fit, says how many points each verdict got, and points to the figure's own table, which
// keeps the whole text.
std::string glance_measured_text(const std::string& measured, size_t limit) {
    if (measured.size() <= limit) return measured;
    int tally[3] = {0, 0, 0};  // held, not held, undecided: judge_all's " [verdict]" markers
    const Verdict verdicts[3] = {Verdict::Held, Verdict::NotHeld, Verdict::Undecided};
    for (int v = 0; v < 3; v++) {
        std::string marker = std::string(" [") + verdict_name(verdicts[v]) + "]";
        for (size_t at = measured.find(marker); at != std::string::npos; at = measured.find(marker, at + 1)) tally[v]++;
    }
    // Cut after the last whole point ("...]; " of judge_all), else at the last " → " of a series or "; ", that leaves
    // the text within the limit (or at the limit if there is none).
    size_t cut = 0;
    for (const std::string& separator : {std::string("]; "), std::string(" → "), std::string("; ")}) {
        size_t keep = separator[0] == ']' ? 1 : 0;  // keep the "]"
        for (size_t at = measured.find(separator); at != std::string::npos && at + keep <= limit; at = measured.find(separator, at + 1))
            cut = at + keep;
        if (cut > 0) break;
    }
    if (cut == 0) cut = limit;
    std::string text = measured.substr(0, cut) + " …";
    int points = tally[0] + tally[1] + tally[2];
    if (points > 0)
        text += " (" + std::to_string(points) + " points: " + std::to_string(tally[0]) + " held, " +
                std::to_string(tally[1]) + " not held, " + std::to_string(tally[2]) + " undecided; every point in the figure's table)";
    else
        text += " (the whole series in the figure's table)";
    return text;
}

static std::string claims_table(const std::vector<Claim>& claims, bool at_a_glance) {
    std::vector<std::vector<std::string>> rows;
    for (const Claim& claim : claims) {
        std::vector<std::string> row = {claim.text, at_a_glance ? glance_measured_text(claim.measured, 300) : claim.measured,
                                        verdict_cell(claim.verdict)};
        if (at_a_glance) row.insert(row.begin(), {claim.figure, claim.members >= 0 ? std::to_string(claim.members) : ""});
        rows.push_back(row);
    }
    if (at_a_glance) return markdown_table({"figure", "members", "claim", "measured (mean ± sd over members)", "verdict"},
                                           "lrlll", rows);
    return markdown_table({"claim", "measured", "verdict"}, "lll", rows);
}

std::string claims_markdown(const std::vector<Claim>& claims) {
    std::vector<std::vector<std::string>> rows;
    for (const Claim& claim : claims) rows.push_back({claim.text, claim.measured, verdict_name(claim.verdict)});
    return "## Claims\n\n" + markdown_table({"claim", "measured", "verdict"}, "lll", rows);
}

// "Against the field's standard solver": fig7's opening paragraph and claims, near the top of the report, because
// a reader who wants to use the method must know how it compares with pseudo-likelihood (empty without fig7).
static std::string solver_section(const std::string& results_dir) {
    std::string dir = results_dir + "/fig7";
    if (!path_exists(dir + "/summary.md")) return "";
    std::string heading, paragraph;
    summary_header(dir + "/summary.md", &heading, &paragraph);
    std::string out = "## Against the field's standard solver\n\n";
    out += "The paper infers with the erasure machine only. Fig. 7 (beyond the paper) feeds the same observed, "
           "augmented and fresh samples to pseudo-likelihood maximisation (PLM, the field's standard solver), PLM with "
           "its penalty chosen by cross-validation, and naive mean field, member by member (paired).\n\n";
    out += paragraph + "\n\n";
    if (path_exists(dir + "/claims.csv")) out += claims_table(read_claims(dir + "/claims.csv"), true) + "\n";
    out += "Full summary: [fig7/summary.md](fig7/summary.md)\n\n";
    return out;
}

std::string results_readme_text(const std::string& results_dir,
                                const std::vector<std::pair<std::string, std::string>>& notes) {
    // Figure directories in numeric order, plus figures only named in notes.
    std::vector<std::pair<int, std::string>> figures;
    for (const std::string& name : list_directory(results_dir))
        if (figure_number(name) >= 0 && path_exists(results_dir + "/" + name + "/.")) figures.push_back({figure_number(name), name});
    for (const auto& note : notes) {
        bool known = false;
        for (const auto& figure : figures) known = known || figure.second == note.first;
        if (!known && figure_number(note.first) >= 0) figures.push_back({figure_number(note.first), note.first});
    }
    std::sort(figures.begin(), figures.end());

    std::vector<Claim> all_claims;
    std::string sections;
    // What computing each figure took, for the line under "Claims at a glance": its summed job time when it ran as
    // jobs (job_seconds_total: a later invocation that only merges or re-renders does not reset it), else its wall
    // time (fig2 adds up its resumed invocations itself).
    double total_seconds = 0;
    std::string time_parts;
    for (const auto& figure : figures) {
        std::string name = figure.second, dir = results_dir + "/" + name;
        std::string heading, paragraph;
        if (path_exists(dir + "/summary.md")) summary_header(dir + "/summary.md", &heading, &paragraph);
        sections += "## " + (heading.empty() ? "Fig. " + std::to_string(figure.first) : heading) + "\n\n";
        for (const auto& note : notes)
            if (note.first == name) sections += "**Note:** " + note.second + "\n\n";
        if (!path_exists(dir + "/.")) {
            sections += "No results (no " + name + "/ directory).\n\n";
            continue;
        }
        if (!paragraph.empty()) sections += paragraph + "\n\n";
        if (path_exists(dir + "/summary.md")) sections += "Full summary: [" + name + "/summary.md](" + name + "/summary.md)\n\n";
        else sections += "(no summary.md)\n\n";
        if (path_exists(dir + "/run_info.csv")) {
            sections += "| setting | value |\n|---|---|\n";
            RunInfo info = read_run_info(dir + "/run_info.csv");
            // job_seconds_total if given, else the larger of wall_seconds and compute_seconds (fig2: its training
            // and sampling, timed at every checkpoint, which counts invocations that a wall clock missed).
            std::map<std::string, std::string> seconds;
            for (const auto& entry : info) seconds[entry.first] = entry.second;
            std::string compute_seconds = seconds["job_seconds_total"];
            if (compute_seconds.empty())
                compute_seconds = std::atof(seconds["compute_seconds"].c_str()) > std::atof(seconds["wall_seconds"].c_str())
                                      ? seconds["compute_seconds"]
                                      : seconds["wall_seconds"];
            if (!compute_seconds.empty()) {
                total_seconds += std::atof(compute_seconds.c_str());
                time_parts += (time_parts.empty() ? "" : ", ") + name + " " + wall_time_text(compute_seconds);
            }
            for (const auto& entry : info) {
                std::string value = entry.first == "wall_seconds" ? wall_time_text(entry.second) : entry.second;
                std::string key = entry.first == "wall_seconds" ? "wall time" : entry.first;
                if (entry.first == "command") value = "`" + value + "`";
                sections += "| " + markdown_cell(key) + " | " + markdown_cell(value) + " |\n";
            }
            sections += "\n";
        } else {
            sections += "(no run_info.csv: settings and wall time unknown)\n\n";
        }
        for (const std::string& file : list_directory(dir))
            if (file.size() > 4 && file.compare(file.size() - 4, 4, ".png") == 0)
                sections += "![" + name + "/" + file + "](" + name + "/" + file + ")\n\n";
        if (path_exists(dir + "/claims.csv")) {
            std::vector<Claim> claims = read_claims(dir + "/claims.csv");
            all_claims.insert(all_claims.end(), claims.begin(), claims.end());
            sections += claims.empty() ? "(no claims checked)\n\n" : claims_table(claims, false) + "\n";
        } else {
            sections += "(no claims.csv: this figure's claims were not checked)\n\n";
        }
    }

    int held = 0, not_held = 0, undecided = 0;
    for (const Claim& claim : all_claims) {
        held += claim.verdict == Verdict::Held;
        not_held += claim.verdict == Verdict::NotHeld;
        undecided += claim.verdict == Verdict::Undecided;
    }
    std::string out;
    out += "<!-- GENERATED FILE: written by repro (report/report.cpp) from results/fig*/. Do not edit by hand. -->\n";
    out += "# Reproduction results\n\n";
    out += "*This file is generated by `repro all` from the figures' own files (`summary.md`, `claims.csv`, "
           "`run_info.csv`, the PNGs) and is never edited by hand; `repro all --report-only` rebuilds it.*\n\n";
    out += "Paper: Y. Lim, S. Lee, J. Jo, \"Data augmentation using diffusion models to enhance inverse Ising "
           "inference\" (2025).\n\n";
    out += "Each verdict is computed from the measured numbers: \"a < b\" is *held* when the difference of the means "
           "exceeds twice its standard error (SE from the ensembles' sample sd), *not held* when it is that large the "
           "other way, and *undecided at this scale* when the error bars cannot separate them; a single run (no error "
           "bar) is judged on the plain numbers and says so.\n\n";
    out += solver_section(results_dir);
    out += "## Claims at a glance\n\n";
    if (all_claims.empty()) {
        out += "No figure has checked claims yet.\n\n";
    } else {
        out += std::to_string(all_claims.size()) + " claims: " + std::to_string(held) + " held, " +
               std::to_string(not_held) + " not held, " + std::to_string(undecided) + " undecided at this scale.\n\n";
        out += claims_table(all_claims, true) + "\n";
    }
    if (!time_parts.empty())
        out += "Run time: computing these results took " + wall_time_text(std::to_string(total_seconds)) + " (" +
               time_parts + "): each figure's summed job time from its run_info.csv, or where it ran no jobs its wall "
               "time (fig2: or its timed training and sampling, if larger). Run one after another on one machine, as "
               "`repro all` does, that is the wall time; `repro all` adds only this report.\n\n";
    std::vector<std::string> names;
    for (const auto& figure : figures) names.push_back(figure.second);
    out += shared_points_section(results_dir, names);
    out += sections;
    return out;
}

void write_results_readme(const std::string& results_dir, const std::vector<std::pair<std::string, std::string>>& notes) {
    make_directories(results_dir);
    write_file_atomic(results_dir + "/README.md", results_readme_text(results_dir, notes));
}
