#include "report.h"
#include "../data/version.h"
#include "../nn/blas_core.h"

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

Claim make_claim(const std::string& figure, const std::string& text, const Judgement& judgement) {
    Claim claim;
    claim.figure = figure;
    claim.text = text;
    claim.measured = judgement.measured;
    claim.verdict = judgement.verdict;
    claim.members = judgement.members;
    claim.effect = judgement.effect;
    claim.low = judgement.low;
    claim.high = judgement.high;
    claim.needed = judgement.needed;
    return claim;
}

static std::string number(double value, int digits = 3) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    return text;
}

void write_claims(const std::string& path, const std::vector<Claim>& claims) {
    CsvTable table = csv_table({"figure", "claim", "measured", "verdict", "members", "effect", "ci_low", "ci_high", "needed"});
    auto cell = [](double value) { return std::isfinite(value) ? csv_number(value) : std::string(); };
    for (const Claim& claim : claims)
        csv_add_row(&table, {claim.figure, claim.text, claim.measured, verdict_name(claim.verdict),
                             claim.members >= 0 ? std::to_string(claim.members) : "", cell(claim.effect),
                             cell(claim.low), cell(claim.high), claim.needed >= 0 ? std::to_string(claim.needed) : ""});
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
        // The interval and the members needed (columns since the t-based verdicts; empty or absent: not known).
        auto optional = [&](const char* column) {
            return csv_has_column(table, column) && !csv_cell(table, row, column).empty() ? csv_double(table, row, column) : NAN;
        };
        claim.effect = optional("effect");
        claim.low = optional("ci_low");
        claim.high = optional("ci_high");
        double needed = optional("needed");
        claim.needed = std::isfinite(needed) ? (int)needed : -1;
        try {
            claim.verdict = verdict_parse(csv_cell(table, row, "verdict"));
            // Files judged before single runs had their own verdict: one member is never held or not held.
            if (claim.members == 1 && claim.verdict != Verdict::Undecided) claim.verdict = Verdict::SingleRun;
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
           "machine's MSE on the observed data must be the same number in each (to 1e-6, relative: a run on another "
           "CPU sums floats in another order in its BLAS kernels, which moves the 8th digit). " +
           std::to_string(agree) + " of " +
           std::to_string(rows.size()) + " shared (point, member) pairs agree.\n\n" +
           markdown_table({"point", "member", "observed-data MSE in each figure", "same"}, "lrll", rows) + "\n";
}

std::string assess_against_fig7_section(const std::string& results_dir) {
    std::string fig7_path = results_dir + "/fig7/fig7_helps.csv", fig8_path = results_dir + "/fig8/fig8_helps.csv";
    if (!path_exists(fig7_path) || !path_exists(fig8_path)) return "";
    CsvTable fig7 = csv_read(fig7_path), fig8 = csv_read(fig8_path);
    auto key = [](const CsvTable& t, size_t r) {  // numbers compared as numbers: "1" and "1.0" are the same g
        return std::make_tuple(csv_int(t, r, "n"), csv_double(t, r, "g"), csv_int(t, r, "M"), csv_cell(t, r, "solver"));
    };
    std::map<std::tuple<long long, double, long long, std::string>, size_t> fig7_row;
    for (size_t r = 0; r < fig7.rows.size(); r++) fig7_row[key(fig7, r)] = r;
    auto decided = [](const std::string& word) { return word == "helps" || word == "hurts"; };
    std::vector<std::vector<std::string>> rows;
    int both = 0, agree = 0, truth_agree = 0;
    for (size_t r = 0; r < fig8.rows.size(); r++) {
        auto found = fig7_row.find(key(fig8, r));
        if (found == fig7_row.end()) continue;
        std::string blind = csv_cell(fig8, r, "blind"), truth = csv_cell(fig8, r, "truth");
        std::string theirs = csv_cell(fig7, found->second, "verdict");
        if (decided(blind) && decided(theirs)) {
            both++;
            agree += blind == theirs;
        }
        truth_agree += truth == theirs;
        std::string change7 = csv_cell(fig7, found->second, "mse_change");
        rows.push_back({csv_cell(fig8, r, "g"), csv_cell(fig8, r, "M"), csv_cell(fig8, r, "solver"),
                        blind + " (" + csv_cell(fig8, r, "members") + "; " + number(csv_double(fig8, r, "blind_score_gain")) + ")",
                        truth + " (" + number(csv_double(fig8, r, "true_mse_change")) + ")",
                        theirs + " (" + csv_cell(fig7, found->second, "members") + "; " +
                            (change7.empty() ? "-" : number(std::atof(change7.c_str()))) + ")"});
    }
    if (rows.empty()) return "";
    return "## Does `repro assess` agree with fig7?\n\nfig8 runs `repro assess`'s machinery blind on SK data; where fig7 "
           "runs the same point (n, g, M), fig7 has judged from the true MSE, over its own members, whether augmented + "
           "observed data help each solver (paired t, 95 %). Its pipeline differs from assess's: the paper's training "
           "recipe stopped by the energy-variance rule on all M rows, against the fast recipe on each fold's training "
           "rows. Of the " + std::to_string(rows.size()) + " shared (point, solver) pairs, fig8's blind verdict and "
           "fig7's are both decided in " + std::to_string(both) + ", and agree in " + std::to_string(agree) +
           "; fig8's true verdict on its own fits equals fig7's in " + std::to_string(truth_agree) + " of " +
           std::to_string(rows.size()) + ". In brackets: members, and the mean paired difference aug + obs − obs (held-out "
           "score in bits: positive helps; MSE: negative helps).\n\n" +
           markdown_table({"g", "M", "solver", "fig8 blind (held-out score)", "fig8 true (MSE, same fits)",
                           "fig7 (MSE)"}, "rrllll", rows) + "\n";
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
    csv_add_row(&table, {"blas", blas_description()});                          // and which kernels (timings depend on it)
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
    return verdict == Verdict::Held      ? "held"
           : verdict == Verdict::NotHeld ? "**not held**"
           : verdict == Verdict::SingleRun ? "single run"
                                           : "undecided";
}

// "−0.0021 [−0.0035, −0.0007]": the tested effect with its 95 % interval (empty when there is none).
static std::string effect_cell(const Claim& claim) {
    if (!std::isfinite(claim.effect)) return "";
    return number(claim.effect) + " [" + number(claim.low, 2) + ", " + number(claim.high, 2) + "]";
}

// The members an undecided claim would need (judge.h); "—" for a decided one.
static std::string needed_cell(const Claim& claim) {
    if (claim.verdict == Verdict::Held || claim.verdict == Verdict::NotHeld) return "—";
    if (claim.needed == NEEDED_BEYOND_LIMIT) return "> " + std::to_string(NEEDED_LIMIT) + " (no detectable effect)";
    return claim.needed > 0 ? "≈ " + std::to_string(claim.needed) : "";
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

// What computing a figure took, in seconds (text): job_seconds_total if given, else the larger of wall_seconds and
// compute_seconds (fig2: its training and sampling, timed at every checkpoint, which counts invocations that a wall
// clock missed); "" if none is given.
static std::string figure_seconds(const RunInfo& info) {
    std::map<std::string, std::string> seconds;
    for (const auto& entry : info) seconds[entry.first] = entry.second;
    if (!seconds["job_seconds_total"].empty()) return seconds["job_seconds_total"];
    return std::atof(seconds["compute_seconds"].c_str()) > std::atof(seconds["wall_seconds"].c_str())
               ? seconds["compute_seconds"]
               : seconds["wall_seconds"];
}

// run_info.csv as a settings table (wall time in words, the command as code).
static std::string settings_table(const RunInfo& info) {
    std::string table = "| setting | value |\n|---|---|\n";
    for (const auto& entry : info) {
        std::string value = entry.first == "wall_seconds" ? wall_time_text(entry.second) : entry.second;
        std::string key = entry.first == "wall_seconds" ? "wall time" : entry.first;
        if (entry.first == "command") value = "`" + value + "`";
        table += "| " + markdown_cell(key) + " | " + markdown_cell(value) + " |\n";
    }
    return table + "\n";
}

// "X of Y" when run_info's `jobs` says fewer jobs were merged than the run has (a run still going), else "".
static std::string unfinished_jobs(const RunInfo& info) {
    for (const auto& entry : info) {
        int done = 0, total = 0;
        if (entry.first == "jobs" && std::sscanf(entry.second.c_str(), "%d of %d", &done, &total) == 2 && done < total)
            return entry.second;
    }
    return "";
}

// At a glance: claim, verdict, effect with its 95 % interval, members, members needed (one short line each); else
// the figure's full table with every measured number.
static std::string claims_table(const std::vector<Claim>& claims, bool at_a_glance) {
    std::vector<std::vector<std::string>> rows;
    for (const Claim& claim : claims) {
        if (at_a_glance)
            rows.push_back({claim.figure, claim.text, verdict_cell(claim.verdict), effect_cell(claim),
                            claim.members >= 0 ? std::to_string(claim.members) : "", needed_cell(claim)});
        else
            rows.push_back({claim.text, claim.measured, verdict_cell(claim.verdict)});
    }
    if (at_a_glance)
        return markdown_table({"figure", "claim", "verdict", "effect [95 % interval]", "members", "members needed"},
                              "lllllr", rows);
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

// Figure directories in numeric order, plus figures only named in notes: (number, folder name).
static std::vector<std::pair<int, std::string>> figure_folders(const std::string& results_dir,
                                                               const std::vector<std::pair<std::string, std::string>>& notes) {
    std::vector<std::pair<int, std::string>> figures;
    for (const std::string& name : list_directory(results_dir))
        if (figure_number(name) >= 0 && path_exists(results_dir + "/" + name + "/.")) figures.push_back({figure_number(name), name});
    for (const auto& note : notes) {
        bool known = false;
        for (const auto& figure : figures) known = known || figure.second == note.first;
        if (!known && figure_number(note.first) >= 0) figures.push_back({figure_number(note.first), note.first});
    }
    std::sort(figures.begin(), figures.end());
    return figures;
}

std::string results_readme_text(const std::string& results_dir,
                                const std::vector<std::pair<std::string, std::string>>& notes) {
    std::vector<std::pair<int, std::string>> figures = figure_folders(results_dir, notes);
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
        std::string partial;  // "6 of 27" while a run's jobs are not all merged
        if (path_exists(dir + "/run_info.csv")) {
            RunInfo info = read_run_info(dir + "/run_info.csv");
            partial = unfinished_jobs(info);
            if (!partial.empty())
                sections += "**Partial run: " + partial + " jobs merged.** Its verdicts are provisional until the run "
                            "ends; the number of members was fixed before it started and the run goes on whatever "
                            "they show.\n\n";
            sections += settings_table(info);
            std::string compute_seconds = figure_seconds(info);
            if (!compute_seconds.empty()) {
                total_seconds += std::atof(compute_seconds.c_str());
                time_parts += (time_parts.empty() ? "" : ", ") + name + " " + wall_time_text(compute_seconds);
            }
        } else {
            sections += "(no run_info.csv: settings and wall time unknown)\n\n";
        }
        for (const std::string& file : list_directory(dir))
            if (file.size() > 4 && file.compare(file.size() - 4, 4, ".png") == 0)
                sections += "![" + name + "/" + file + "](" + name + "/" + file + ")\n\n";
        if (path_exists(dir + "/claims.csv")) {
            std::vector<Claim> claims = read_claims(dir + "/claims.csv");
            for (Claim claim : claims) {
                if (!partial.empty()) claim.figure += " (partial: " + partial + " jobs)";
                all_claims.push_back(claim);
            }
            sections += claims.empty() ? "(no claims checked)\n\n" : claims_table(claims, false) + "\n";
        } else {
            sections += "(no claims.csv: this figure's claims were not checked)\n\n";
        }
    }

    int held = 0, not_held = 0, undecided = 0, single = 0, hopeless = 0;
    for (const Claim& claim : all_claims) {
        held += claim.verdict == Verdict::Held;
        not_held += claim.verdict == Verdict::NotHeld;
        undecided += claim.verdict == Verdict::Undecided;
        single += claim.verdict == Verdict::SingleRun;
        hopeless += claim.verdict == Verdict::Undecided && claim.needed == NEEDED_BEYOND_LIMIT;
    }
    int tested = held + not_held + undecided;
    std::string out;
    out += "<!-- GENERATED FILE: written by repro (report/report.cpp) from results/fig*/. Do not edit by hand. -->\n";
    out += "# Reproduction results\n\n";
    out += "*This file is generated by `repro all` from the figures' own files (`summary.md`, `claims.csv`, "
           "`run_info.csv`, the PNGs) and is never edited by hand; `repro all --report-only` rebuilds it.*\n\n";
    out += "Paper: Y. Lim, S. Lee, J. Jo, \"Data augmentation using diffusion models to enhance inverse Ising "
           "inference\" (2025).\n\n";
    out += "Each verdict is a 95 % test computed from the measured numbers: on the paired member differences, "
           "Student's t with n − 1 degrees of freedom (the members share data and model, so a − b is tested member by "
           "member); for unpaired estimates, Welch's interval; for a trend, the least-squares slope over every member's "
           "value with t on N − 2 degrees of freedom; for a count (\"in more than half the runs\"), the exact binomial "
           "(Clopper–Pearson) interval against one half; for \"roughly flat\", an equivalence test (held when the "
           "slope's whole 95 % interval lies inside a stated band). \"a < b\" is *held* when the whole 95 % interval of a − b lies "
           "below 0, *not held* when it lies above, *undecided* when it contains 0; a claim at several points holds "
           "only where every point does. One member has no spread and is reported as a *single run*, never held or "
           "not held. For each undecided claim, *members needed* is the number of members that would decide it if the "
           "measured effect and spread held (\"> 100\": no detectable effect at any affordable size). The number of "
           "members is fixed before a run and no run is stopped early on what it shows.\n\n";
    out += "## Claims at a glance\n\n";
    if (all_claims.empty()) {
        out += "No figure has checked claims yet.\n\n";
    } else {
        out += std::to_string(all_claims.size()) + " claims: " + std::to_string(held) + " held, " +
               std::to_string(not_held) + " not held, " + std::to_string(undecided) + " undecided (" +
               std::to_string(hopeless) + " of them with no detectable effect within " + std::to_string(NEEDED_LIMIT) +
               " members), " + std::to_string(single) + " single runs. ";
        char chance[64];
        std::snprintf(chance, sizeof chance, "%.1f", 0.025 * tested);
        out += "If none of the claimed effects were real, each tested claim would still come out held with probability "
               "at most 2.5 % (one side of a 95 % interval), so about " + std::string(chance) + " of the " +
               std::to_string(tested) + " tested claims would be held by chance alone; no correction for the number "
               "of claims is made.\n\n";
        out += claims_table(all_claims, true) + "\n";
    }
    if (!time_parts.empty())
        out += "Run time: computing these results took " + wall_time_text(std::to_string(total_seconds)) + " (" +
               time_parts + "): each figure's summed job time from its run_info.csv, or where it ran no jobs its wall "
               "time (fig2: or its timed training and sampling, if larger). Run one after another on one machine with every "
               "job on all its cores, as `repro all` does, that is the wall time; `repro all` adds only this report. "
               "Jobs run side by side (fewer threads each: the settings' threads row says) count in full, so their "
               "sum exceeds the wall time they took.\n\n";
    std::vector<std::string> names;
    for (const auto& figure : figures) names.push_back(figure.second);
    out += solver_section(results_dir);  // after the short table of every claim (the verdicts issue: that comes first)
    out += shared_points_section(results_dir, names);
    out += assess_against_fig7_section(results_dir);
    out += sections;
    return out;
}

void write_results_readme(const std::string& results_dir, const std::vector<std::pair<std::string, std::string>>& notes) {
    make_directories(results_dir);
    write_file_atomic(results_dir + "/README.md", results_readme_text(results_dir, notes));
}
