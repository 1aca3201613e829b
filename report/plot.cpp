#include "plot.h"

#include <cctype>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

#include "../data/atomic_file.h"
#include "csv.h"

PlotStyle style_points(const std::string& color, Marker marker) {
    PlotStyle style;
    style.color = color;
    style.marker = marker;
    return style;
}

PlotStyle style_line(const std::string& color, LineKind line, Marker marker) {
    PlotStyle style;
    style.color = color;
    style.line = line;
    style.marker = marker;
    return style;
}

// gnuplot single-quoted string: no escapes are processed inside, a quote is written twice.
static std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// Colour-blind-safe palette (Okabe & Ito) for the named colours.
static std::string color_hex(const std::string& color) {
    static const char* names[][2] = {{"black", "#000000"}, {"orange", "#E69F00"}, {"blue", "#0072B2"},
                                     {"green", "#009E73"}, {"red", "#D55E00"},    {"gray", "#7F7F7F"},
                                     {"purple", "#CC79A7"}, {"sky", "#56B4E9"}};
    for (auto& entry : names)
        if (color == entry[0]) return entry[1];
    if (color.size() == 7 && color[0] == '#' && color.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos)
        return color;
    throw std::runtime_error("plot: unknown colour '" + color + "' (use black, orange, blue, green, red, gray, purple, "
                             "sky or #rrggbb)");
}

// gnuplot point types (same numbers in pngcairo and png).
static int point_type(Marker marker) {
    switch (marker) {
        case Marker::Plus: return 1;
        case Marker::Cross: return 2;
        case Marker::OpenSquare: return 4;
        case Marker::FilledSquare: return 5;
        case Marker::OpenCircle: return 6;
        case Marker::FilledCircle: return 7;
        case Marker::OpenTriangle: return 8;
        case Marker::FilledTriangle: return 9;
        case Marker::None: return 0;
    }
    return 0;
}

// The terminal is "noenhanced" (so '_' in names prints as itself): TeX-like "w_{ij}" is written plainly as "w_ij".
static std::string plain_label(const std::string& text) {
    std::string plain;
    for (size_t i = 0; i < text.size(); i++) {
        if (text[i] == '_' && i + 1 < text.size() && text[i + 1] == '{') {
            size_t close = text.find('}', i + 2);
            if (close != std::string::npos) {
                plain += "_" + text.substr(i + 2, close - i - 2);
                i = close;
                continue;
            }
        }
        plain += text[i];
    }
    return plain;
}

// Panel letters: a title starting with "(x) " or "(x') " gets the next letter in panel order, so that every panel
// of a figure has its own letter, a, b, c, ... (whatever letters the figure wrote).
static std::string relettered(const std::string& title, char* next_letter) {
    size_t close = title.find(") ");
    bool lettered = title.size() > 3 && title[0] == '(' && close != std::string::npos && close <= 3 &&
                    std::islower((unsigned char)title[1]) && (close == 2 || title[2] == '\'');
    if (!lettered) return title;
    return std::string("(") + (*next_letter)++ + title.substr(close);
}

static std::string dash_type(LineKind line) {
    return line == LineKind::Dashed ? "dt 2" : line == LineKind::Dotted ? "dt 3" : "dt 1";
}

static std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

// The " with ..." clause of a series: points, lines, or both, with or without error bars.
static std::string with_clause(const PlotStyle& style, bool error_bars) {
    bool points = style.marker != Marker::None, line = style.line != LineKind::None;
    if (!points && !line) throw std::runtime_error("plot: a series needs a marker or a line");
    std::string with;
    if (error_bars) with = line ? "yerrorlines" : "yerrorbars";
    else with = points && line ? "linespoints" : points ? "points" : "lines";
    with += " lc rgb " + quoted(color_hex(style.color));
    if (points) with += " pt " + std::to_string(point_type(style.marker)) + " ps " + number_text(style.point_size);
    else if (error_bars) with += " pt 7 ps 0";  // a line with error bars but no markers
    if (line) with += " " + dash_type(style.line) + " lw " + number_text(style.line_width);
    return with;
}

// Reads a matrix file (after `skip` lines) and returns the largest |value|; checks it is a rectangle of numbers.
static double matrix_max_abs(const std::string& path, int skip) {
    std::istringstream lines(read_file(path));
    std::string line;
    int line_number = 0, columns = -1;
    double max_abs = 0;
    while (std::getline(lines, line)) {
        line_number++;
        if (line_number <= skip) continue;
        std::istringstream words(line);
        std::string word;
        int count = 0;
        while (words >> word) {
            char* end = nullptr;
            double value = std::strtod(word.c_str(), &end);
            if (*end != '\0' || !std::isfinite(value))
                throw std::runtime_error(path + ":" + std::to_string(line_number) + ": '" + word + "' is not a finite number");
            max_abs = std::fmax(max_abs, std::fabs(value));
            count++;
        }
        if (count == 0) continue;
        if (columns >= 0 && count != columns)
            throw std::runtime_error(path + ":" + std::to_string(line_number) + ": " + std::to_string(count) +
                                     " numbers, earlier rows have " + std::to_string(columns));
        columns = count;
    }
    if (columns < 0) throw std::runtime_error(path + ": no matrix rows to plot");
    return max_abs;
}

// One item of a `plot` command for a CSV series, and (in *comment) which columns it uses, for the script reader.
static std::string series_plot_item(const std::string& dir, const PlotSeries& series, std::string* comment) {
    CsvTable header = csv_read(dir + "/" + series.file);  // for column numbers (and to fail early on a bad name)
    int x = csv_column(header, series.x) + 1, y = csv_column(header, series.y) + 1;
    *comment += "# " + series.file + ": x = " + series.x + " (column " + std::to_string(x) + "), y = " + series.y +
                " (column " + std::to_string(y) + ")";
    std::string y_using = std::to_string(y);
    if (!series.where_column.empty()) {
        int where = csv_column(header, series.where_column) + 1;
        // Rows of other series become NaN, which gnuplot skips.
        y_using = "(strcol(" + std::to_string(where) + ") eq " + quoted(series.where_value) + " ? $" +
                  std::to_string(y) + " : NaN)";
        *comment += ", rows with " + series.where_column + " = " + series.where_value;
    }
    std::string item = quoted(series.file) + " using " + std::to_string(x) + ":" + y_using;
    // Single runs leave every error cell empty: then no error bars at all (not bars of length 0 with their caps).
    bool error_bars = false;
    if (!series.error.empty())
        for (size_t row = 0; row < header.rows.size(); row++)
            if (series.where_column.empty() || csv_cell(header, row, series.where_column) == series.where_value)
                error_bars = error_bars || !csv_cell(header, row, series.error).empty();
    if (error_bars) {
        int e = csv_column(header, series.error) + 1;
        // An empty cell (sd of a single run) draws no bar; it must not drop the point, which a bare column would.
        item += ":(strcol(" + std::to_string(e) + ") eq '' ? 0 : column(" + std::to_string(e) + "))";
        *comment += ", error bar = " + series.error + " (column " + std::to_string(e) + ")";
    }
    *comment += "\n";
    item += " with " + with_clause(series.style, error_bars);
    item += series.title.empty() ? " notitle" : " title " + quoted(plain_label(series.title));
    return item;
}

static void write_panel(std::string* out, const std::string& dir, const PlotPanel& panel) {
    *out += "reset\n";
    if (!panel.title.empty()) *out += "set title " + quoted(plain_label(panel.title)) + "\n";
    if (!panel.xlabel.empty()) *out += "set xlabel " + quoted(plain_label(panel.xlabel)) + "\n";
    if (!panel.ylabel.empty()) *out += "set ylabel " + quoted(plain_label(panel.ylabel)) + "\n";
    if (panel.kind == PanelKind::Heatmap || panel.kind == PanelKind::Raster) {
        if (panel.matrix_file.empty()) throw std::runtime_error("plot: a heatmap/raster panel needs matrix_file");
        double max_abs = matrix_max_abs(dir + "/" + panel.matrix_file, panel.matrix_skip_lines);
        *out += "set datafile separator whitespace\n";
        *out += "set yrange [*:*] reverse\n";  // row 0 at the top, as a matrix is read
        *out += "set autoscale fix\nset tics out\n";
        if (panel.kind == PanelKind::Heatmap) {
            if (max_abs == 0) max_abs = 1;
            *out += "set size square\n";
            *out += "set palette defined (-1 '#0072B2', 0 'white', 1 '#D55E00')\n";
            *out += "set cbrange [" + number_text(-max_abs) + ":" + number_text(max_abs) + "]\n";
        } else {
            // +1 active (red), -1 silent (blue), 0 hidden (white); a three-colour palette with sharp steps.
            *out += "set palette defined (-1 '#2B5CD8', -0.34 '#2B5CD8', -0.33 'white', 0.33 'white', 0.34 '#D62728', "
                    "1 '#D62728')\n";
            *out += "set cbrange [-1:1]\nunset colorbox\n";
        }
        std::string skip = panel.matrix_skip_lines > 0 ? " skip " + std::to_string(panel.matrix_skip_lines) : "";
        *out += "plot " + quoted(panel.matrix_file) + " matrix" + skip + " with image notitle\n";
        return;
    }
    if (panel.series.empty() && panel.references.empty()) throw std::runtime_error("plot: panel '" + panel.title + "' is empty");
    *out += "set datafile separator ','\n";
    // The rows a where-filter turns into NaN are skipped without breaking the series' line.
    *out += "set datafile missing NaN\n";
    // An opaque legend: where it must sit over data, the data do not run through its text. A legend below the
    // panel covers no data; there gnuplot places it against the x label, so it gets extra height instead.
    if (panel.key == "off") *out += "set key off\n";
    else if (panel.key == "below") *out += "set key below noautotitle height 2\n";
    else *out += "set key " + panel.key + " noautotitle opaque\n";
    for (const char* axis : {"x", "y"}) {
        if (!(axis[0] == 'x' ? panel.log_x : panel.log_y)) continue;
        // gnuplot labels only the decades of a log axis, which leaves a range like 0.004-0.007 with no label: add
        // labelled tics at 2, 3, 5 and 7 per decade (apart enough not to overlap over 3 decades) and 10 minor tics per
        // decade, written as plain numbers.
        std::string a = axis;
        *out += "set logscale " + a + "\nset m" + a + "tics 10\nset format " + a + " '%g'\n";
        if (!(axis[0] == 'x' && !panel.xtics.empty()))
            *out += "set for [k=-12:12] " + a + "tics add (2*10**k, 3*10**k, 5*10**k, 7*10**k)\n";
    }
    // Axes fit the data with a margin instead of jumping to the next decade/tic.
    *out += "set autoscale fix\nset offsets graph 0.05, graph 0.05, graph 0.08, graph 0.08\n";
    if (!panel.xrange.empty()) *out += "set xrange " + panel.xrange + "\n";
    if (!panel.yrange.empty()) *out += "set yrange " + panel.yrange + "\n";
    if (!panel.xtics.empty()) *out += "set xtics " + panel.xtics + "\n";
    if (panel.diagonal) *out += "set size square\n";
    *out += std::string("set grid xtics ytics") + (panel.log_x ? " mxtics" : "") + (panel.log_y ? " mytics" : "") +
            " lc rgb '#DDDDDD', lc rgb '#F2F2F2'\n";
    for (const PlotMarker& marker : panel.markers) {
        std::string x = number_text(marker.x);
        *out += "set arrow from " + x + ", graph 0 to " + x + ", graph 1 nohead lc rgb " + quoted(color_hex(marker.color)) +
                " dt 2 lw 1.5\n";
        if (!marker.label.empty())
            *out += "set label " + quoted(plain_label(marker.label)) + " at " + x + ", graph 0.04 right offset -0.5,0 front tc rgb " +
                    quoted(color_hex(marker.color)) + "\n";
    }
    std::vector<std::string> items;
    for (const PlotSeries& series : panel.series) items.push_back(series_plot_item(dir, series, out));
    for (const PlotReference& reference : panel.references) {
        std::string item = number_text(reference.y) + " with lines lc rgb " + quoted(color_hex(reference.color)) + " " +
                           dash_type(reference.line) + " lw 2";
        item += reference.title.empty() ? " notitle" : " title " + quoted(plain_label(reference.title));
        items.push_back(item);
    }
    if (panel.diagonal) items.push_back("x with lines lc rgb '#7F7F7F' dt 1 lw 1 notitle");
    *out += "plot ";
    for (size_t i = 0; i < items.size(); i++) *out += (i ? ", \\\n     " : "") + items[i];
    *out += "\n";
}

std::string plot_script(const std::string& dir, const std::string& name, const std::vector<PlotPanel>& panels,
                        const PlotLayout& layout, const std::string& terminal) {
    if (panels.empty()) throw std::runtime_error("plot " + name + ": no panels");
    if (layout.rows < 1 || layout.cols < 1 || (size_t)(layout.rows * layout.cols) < panels.size())
        throw std::runtime_error("plot " + name + ": " + std::to_string(panels.size()) + " panels do not fit a " +
                                 std::to_string(layout.rows) + "×" + std::to_string(layout.cols) + " layout");
    std::string out;
    out += "# Generated by repro (report/plot.cpp) from the data files next to it. Re-plot with:\n";
    out += "#   cd " + dir + " && gnuplot " + name + ".gp\n";
    out += "set terminal " + terminal + " size " + std::to_string(layout.cols * layout.panel_width) + "," +
           std::to_string(layout.rows * layout.panel_height) + " noenhanced" +
           (terminal == "pngcairo" ? " font 'Sans,10'" : "") + "\n";
    out += "set output " + quoted(name + ".png") + "\n";
    bool multi = panels.size() > 1 || !layout.title.empty();
    if (multi)
        out += "set multiplot layout " + std::to_string(layout.rows) + "," + std::to_string(layout.cols) +
               (layout.title.empty() ? "" : " title " + quoted(layout.title)) + "\n";
    char next_letter = 'a';
    for (size_t p = 0; p < panels.size(); p++) {
        PlotPanel panel = panels[p];
        panel.title = relettered(panel.title, &next_letter);
        out += "\n# panel " + std::to_string(p + 1) + (panel.title.empty() ? "" : ": " + panel.title) + "\n";
        write_panel(&out, dir, panel);
    }
    if (multi) out += "\nunset multiplot\n";
    out += "set output\n";
    return out;
}

static std::string gnuplot_program() {
    const char* program = std::getenv("REPRO_GNUPLOT");
    return program && *program ? program : "gnuplot";
}

// Runs a shell command, returns its exit status and (in *output) what it printed on stdout and stderr.
static int run_capture(const std::string& command, std::string* output) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return -1;
    char buffer[4096];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output->append(buffer, got);
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static std::string shell_quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string gnuplot_png_terminal() {
    static bool asked = false;
    static std::string terminal;
    if (asked) return terminal;
    asked = true;
    std::string output;
    // `set terminal` lists the terminals this gnuplot was built with.
    if (run_capture(shell_quoted(gnuplot_program()) + " -e 'set terminal' </dev/null", &output) != 0) return terminal;
    if (output.find("pngcairo") != std::string::npos) terminal = "pngcairo";
    else if (output.find(" png ") != std::string::npos) terminal = "png";
    return terminal;
}

bool plot_write_and_render(const std::string& dir, const std::string& name, const std::vector<PlotPanel>& panels,
                           const PlotLayout& layout) {
    std::string terminal = gnuplot_png_terminal();
    std::string script = plot_script(dir, name, panels, layout, terminal.empty() ? "pngcairo" : terminal);
    std::string script_path = dir + "/" + name + ".gp";
    write_file_atomic(script_path, script);
    if (terminal.empty()) {
        std::fprintf(stderr, "note: gnuplot (with a png terminal) not found, so no %s/%s.png; the data and %s are "
                     "written: install gnuplot and run  cd %s && gnuplot %s.gp\n",
                     dir.c_str(), name.c_str(), script_path.c_str(), dir.c_str(), name.c_str());
        return false;
    }
    std::string output;
    int status = run_capture("cd " + shell_quoted(dir) + " && " + shell_quoted(gnuplot_program()) + " " +
                                 shell_quoted(name + ".gp") + " </dev/null",
                             &output);
    if (status != 0) {
        std::fprintf(stderr, "warning: gnuplot failed on %s (exit %d), no PNG made:\n%s", script_path.c_str(), status,
                     output.c_str());
        return false;
    }
    if (!output.empty()) std::fprintf(stderr, "gnuplot %s:\n%s", script_path.c_str(), output.c_str());
    return true;
}

void write_matrix_text(const std::string& path, const double* values, int rows, int cols) {
    std::string text;
    char number[32];
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
            double value = values[(size_t)i * cols + j];
            if (!std::isfinite(value))
                throw std::runtime_error("write_matrix_text " + path + ": entry (" + std::to_string(i) + "," +
                                         std::to_string(j) + ") is not finite");
            std::snprintf(number, sizeof number, "%.9g", value);
            text += (j ? " " : "") + std::string(number);
        }
        text += "\n";
    }
    write_file_atomic(path, text);
}
