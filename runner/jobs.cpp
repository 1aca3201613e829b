#include "jobs.h"

#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "../data/atomic_file.h"
#include "parts.h"

Job job_make(const std::vector<std::pair<std::string, std::string>>& params) {
    Job job;
    job.params = params;
    for (const auto& param : params) job.id += (job.id.empty() ? "" : "/") + param.first + "=" + param.second;
    return job;
}

std::vector<Job> design_grid(const std::vector<std::pair<std::string, std::vector<std::string>>>& axes) {
    // Odometer over the axes, last axis fastest.
    std::vector<Job> design;
    for (const auto& axis : axes)
        if (axis.second.empty()) throw std::runtime_error("design_grid: axis '" + axis.first + "' has no values");
    std::vector<size_t> at(axes.size(), 0);
    while (true) {
        std::vector<std::pair<std::string, std::string>> params;
        for (size_t a = 0; a < axes.size(); a++) params.push_back({axes[a].first, axes[a].second[at[a]]});
        design.push_back(job_make(params));
        int a = (int)axes.size() - 1;
        while (a >= 0 && ++at[a] == axes[a].second.size()) at[a--] = 0;
        if (a < 0) break;
    }
    return design;
}

const std::string& job_param(const Job& job, const std::string& key) {
    for (const auto& param : job.params)
        if (param.first == key) return param.second;
    throw std::runtime_error("job '" + job.id + "' has no parameter '" + key + "'");
}

double job_double(const Job& job, const std::string& key) {
    const std::string& text = job_param(job, key);
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value))
        throw std::runtime_error("job '" + job.id + "': parameter " + key + "='" + text + "' is not a finite number");
    return value;
}

long long job_int(const Job& job, const std::string& key) {
    const std::string& text = job_param(job, key);
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0)
        throw std::runtime_error("job '" + job.id + "': parameter " + key + "='" + text + "' is not an integer");
    return value;
}

std::vector<OptionSpec> job_options() {
    return {
        {"list-jobs", "", "", "print the design, one line per job (index, id, parameters), and exit"},
        {"job", "K", "", "run only job K of the design (0-based; e.g. $SLURM_ARRAY_TASK_ID), then exit"},
        {"merge", "", "", "only merge the finished jobs' part files into the CSV, plots and summary"},
    };
}

// Job K's part: the part file "job_K" in OUT/parts (parts.h).
static std::string parts_dir(const std::string& out_dir) { return out_dir + "/parts"; }
static std::string job_part_id(int index) { return "job_" + std::to_string(index); }

std::string job_part_path(const std::string& out_dir, int index) {
    return part_path(parts_dir(out_dir), job_part_id(index));
}

static std::string params_text(const Job& job) {
    std::string text;
    for (const auto& param : job.params) text += (text.empty() ? "" : " ") + param.first + "=" + param.second;
    return text;
}

void jobs_list(const std::vector<Job>& design, FILE* stream) {
    for (size_t k = 0; k < design.size(); k++)
        std::fprintf(stream, "%zu\t%s\t%s\n", k, design[k].id.c_str(), params_text(design[k]).c_str());
}

static void check_index(const std::vector<Job>& design, int index) {
    if (index < 0 || (size_t)index >= design.size())
        throw std::runtime_error("job index " + std::to_string(index) + " is outside the design (0.." +
                                 std::to_string((long long)design.size() - 1) + ")");
}

// A part file must be the one this design's job `index` would write; a part of another design (another --scale
// or other settings into the same --out) is an error, never silently merged.
static void check_part(const CsvTable& part, const std::vector<Job>& design, int index) {
    std::string path = part.source;
    if (!csv_has_column(part, "job") || !csv_has_column(part, "job_id"))
        throw std::runtime_error(path + ": not a job part file (no job/job_id columns)");
    for (size_t row = 0; row < part.rows.size(); row++) {
        if (csv_int(part, row, "job") != index || csv_cell(part, row, "job_id") != design[index].id)
            throw std::runtime_error(path + " holds job " + csv_cell(part, row, "job") + " '" +
                                     csv_cell(part, row, "job_id") + "' but the design's job " + std::to_string(index) +
                                     " is '" + design[index].id +
                                     "': parts of another design in the same output directory; delete its parts/ "
                                     "folder or use another --out");
    }
}

bool jobs_run_one(const std::string& out_dir, const std::vector<Job>& design, int index, const JobFunction& run_job) {
    check_index(design, index);
    const Job& job = design[index];
    std::string path = job_part_path(out_dir, index);
    if (path_exists(path)) {
        check_part(csv_read(path), design, index);
        return false;
    }
    CsvTable result;
    auto start = std::chrono::steady_clock::now();
    try {
        result = run_job(job, index);
    } catch (const std::exception& error) {
        throw std::runtime_error("job " + std::to_string(index) + " (" + job.id + "): " + error.what());
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // The part: job, job_id, job_seconds and the parameters in front of the figure's own columns.
    std::vector<std::string> header = {"job", "job_id", "job_seconds"};
    for (const auto& param : job.params) header.push_back(param.first);
    for (const std::string& column : result.header)
        for (const std::string& taken : header)
            if (column == taken)
                throw std::runtime_error("job " + std::to_string(index) + " (" + job.id + "): the result has a column '" +
                                         column + "', which the runner adds itself (job, job_id, job_seconds, the "
                                         "parameters)");
    header.insert(header.end(), result.header.begin(), result.header.end());
    CsvTable part = csv_table(header);
    for (const std::vector<std::string>& row : result.rows) {
        std::vector<std::string> cells = {csv_integer(index), job.id, csv_number(std::round(seconds * 1000) / 1000)};
        for (const auto& param : job.params) cells.push_back(param.second);
        cells.insert(cells.end(), row.begin(), row.end());
        csv_add_row(&part, cells);
    }
    part_write(parts_dir(out_dir), job_part_id(index), part);
    return true;
}

// "12.3 s", "4 min 05 s", "2 h 03 min".
static std::string duration_text(double seconds) {
    char text[64];
    if (seconds < 60) std::snprintf(text, sizeof text, "%.1f s", seconds);
    else if (seconds < 3600) std::snprintf(text, sizeof text, "%d min %02d s", (int)seconds / 60, (int)seconds % 60);
    else std::snprintf(text, sizeof text, "%d h %02d min", (int)seconds / 3600, ((int)seconds % 3600) / 60);
    return text;
}

int jobs_run_all(const std::string& out_dir, const std::vector<Job>& design, const JobFunction& run_job, bool quiet) {
    std::vector<int> todo;
    for (size_t k = 0; k < design.size(); k++)
        if (!path_exists(job_part_path(out_dir, (int)k))) todo.push_back((int)k);
    if (!quiet && todo.size() < design.size())
        std::fprintf(stderr, "%zu of %zu jobs already done in %s/parts, skipping them\n", design.size() - todo.size(),
                     design.size(), out_dir.c_str());
    auto start = std::chrono::steady_clock::now();
    int ran = 0;
    for (size_t t = 0; t < todo.size(); t++) {
        int index = todo[t];
        double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        // ETA from the mean duration of the jobs this process ran (jobs of a design cost about the same).
        std::string eta = ran > 0 ? duration_text(elapsed / ran * (double)(todo.size() - t)) : "?";
        if (!quiet)
            std::fprintf(stderr, "[%zu/%zu] job %d (%s), elapsed %s, ETA %s\n", t + 1, todo.size(), index,
                         params_text(design[index]).c_str(), duration_text(elapsed).c_str(), eta.c_str());
        auto job_start = std::chrono::steady_clock::now();
        if (jobs_run_one(out_dir, design, index, run_job)) ran++;
        double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - job_start).count();
        if (!quiet) std::fprintf(stderr, "[%zu/%zu] job %d done in %s\n", t + 1, todo.size(), index, duration_text(took).c_str());
    }
    return ran;
}

MergeResult jobs_merge(const std::string& out_dir, const std::vector<Job>& design) {
    MergeResult merged;
    std::vector<CsvTable> parts;
    for (size_t k = 0; k < design.size(); k++) {
        std::string path = job_part_path(out_dir, (int)k);
        if (!path_exists(path)) {
            merged.missing.push_back((int)k);
            continue;
        }
        parts.push_back(csv_read(path));
        check_part(parts.back(), design, (int)k);
        merged.jobs_done++;
        if (!parts.back().rows.empty() && csv_has_column(parts.back(), "job_seconds"))
            merged.job_seconds_total += csv_double(parts.back(), 0, "job_seconds");
        // The union of the columns, in order of first appearance.
        for (const std::string& column : parts.back().header)
            if (!csv_has_column(merged.table, column)) merged.table.header.push_back(column);
    }
    merged.table.source = out_dir + "/parts (merged)";
    for (const CsvTable& part : parts) {
        std::vector<int> where;
        for (const std::string& column : merged.table.header)
            where.push_back(csv_has_column(part, column) ? csv_column(part, column) : -1);
        for (const std::vector<std::string>& row : part.rows) {
            std::vector<std::string> cells;
            for (int index : where) cells.push_back(index >= 0 ? row[index] : "");
            merged.table.rows.push_back(cells);
        }
    }
    return merged;
}

std::string jobs_missing_text(const std::vector<Job>& design, const std::vector<int>& missing) {
    if (missing.empty()) return "";
    std::string text = "missing " + std::to_string(missing.size()) + " of " + std::to_string(design.size()) + " jobs: ";
    for (size_t i = 0; i < missing.size(); i++) {
        if (i == 20) {
            text += ", ... (" + std::to_string(missing.size() - 20) + " more)";
            break;
        }
        text += (i ? ", " : "") + std::to_string(missing[i]) + " (" + design[missing[i]].id + ")";
    }
    return text;
}

static CsvTable design_table(const std::vector<Job>& design) {
    CsvTable table = csv_table({"job", "id", "params"});
    for (size_t k = 0; k < design.size(); k++) csv_add_row(&table, {csv_integer((long long)k), design[k].id, params_text(design[k])});
    return table;
}

// True when every job of the design in `old` (design.csv's table) is in `design` with the same parameters: the
// design grew (more members, another point) and every finished part still counts.
static bool design_contains(const CsvTable& old, const std::vector<Job>& design) {
    std::map<std::string, std::string> params;
    for (const Job& job : design) params[job.id] = params_text(job);
    for (size_t row = 0; row < old.rows.size(); row++) {
        auto found = params.find(csv_cell(old, row, "id"));
        if (found == params.end() || found->second != csv_cell(old, row, "params")) return false;
    }
    return true;
}

// Moves each finished part to its job's index in the grown design (its job column rewritten). A part's identity is its
// job_id column, not its file name, so a renumbering interrupted halfway is finished by the next run. Parts move to
// higher indices only (a grown grid keeps its order), so going from the top down never overwrites a part.
static void renumber_parts(const std::string& out_dir, const std::vector<Job>& design, const CsvTable& old) {
    std::map<std::string, int> index_of;
    for (size_t k = 0; k < design.size(); k++) index_of[design[k].id] = (int)k;
    int moved = 0;
    for (int k = (int)design.size() - 1; k >= 0; k--) {
        std::string path = job_part_path(out_dir, k);
        if (!path_exists(path)) continue;
        CsvTable part = csv_read(path);
        std::string id = !part.rows.empty() ? csv_cell(part, 0, "job_id")
                                            : k < (int)old.rows.size() ? csv_cell(old, (size_t)k, "id") : "";
        auto target = index_of.find(id);
        if (target == index_of.end() || target->second < k)
            throw std::runtime_error(path + " holds job '" + id + "', which the grown design cannot place; delete " +
                                     out_dir + "/parts to start over, or use another --out");
        if (target->second == k) continue;
        for (size_t row = 0; row < part.rows.size(); row++) part.rows[row][csv_column(part, "job")] = csv_integer(target->second);
        part_write(parts_dir(out_dir), job_part_id(target->second), part);
        if (std::remove(path.c_str()) != 0) throw std::runtime_error("cannot remove " + path + " after moving it");
        moved++;
    }
    std::fprintf(stderr, "%s: the design grew from %zu to %zu jobs; %d finished part(s) renumbered, all kept\n",
                 out_dir.c_str(), old.rows.size(), design.size(), moved);
}

// Writes OUT/parts/design.csv, or checks that the one there describes the same design (or one it contains: then the
// finished parts are renumbered into the grown design, e.g. `--members 10` after a 3-member run).
static void check_or_write_design(const std::string& out_dir, const std::vector<Job>& design) {
    std::string path = out_dir + "/parts/design.csv";
    std::string expected = csv_format(design_table(design));
    if (path_exists(path)) {
        std::string existing = read_file(path);
        if (existing == expected) return;
        CsvTable old = csv_parse(existing, path);
        if (!design_contains(old, design))
            throw std::runtime_error(path + " describes another design than this command's (another --scale or other "
                                     "settings into the same output directory?); delete " + out_dir +
                                     "/parts to start over, or use another --out");
        renumber_parts(out_dir, design, old);
        write_file_atomic(path, expected);
        return;
    }
    make_directories(out_dir + "/parts");
    write_file_atomic(path, expected);
}

bool jobs_dispatch(const Args& args, const std::string& out_dir, const std::vector<Job>& design,
                   const JobFunction& run_job, MergeResult* merged) {
    bool list = arg_flag(args, "list-jobs"), merge_only = arg_flag(args, "merge"), one = arg_given(args, "job");
    if ((int)list + (int)merge_only + (int)one > 1) throw UsageError("--list-jobs, --job and --merge exclude each other");
    bool quiet = arg_flag(args, "quiet");
    if (list) {
        jobs_list(design, stdout);
        return false;
    }
    check_or_write_design(out_dir, design);
    if (one) {
        long long index = arg_int(args, "job");
        if (index < 0 || index >= (long long)design.size())
            throw UsageError("--job " + std::to_string(index) + " is outside the design (0.." +
                             std::to_string((long long)design.size() - 1) + "; see --list-jobs)");
        auto start = std::chrono::steady_clock::now();
        bool ran = jobs_run_one(out_dir, design, (int)index, run_job);
        double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!quiet)
            std::fprintf(stderr, "job %lld (%s): %s\n", index, design[index].id.c_str(),
                         ran ? ("done in " + duration_text(took) + ", wrote " + job_part_path(out_dir, (int)index)).c_str()
                             : "already done (part file exists), skipped");
        return false;
    }
    if (!merge_only) jobs_run_all(out_dir, design, run_job, quiet);
    *merged = jobs_merge(out_dir, design);
    if (merged->missing.size() == design.size())
        throw std::runtime_error("nothing to merge: no job of the design has a part file in " + out_dir +
                                 "/parts (run the jobs first)");
    if (!merged->missing.empty()) std::fprintf(stderr, "merge: %s\n", jobs_missing_text(design, merged->missing).c_str());
    return true;
}
