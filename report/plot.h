// Figures as gnuplot scripts: a figure describes its panels (PlotPanel: axes and a list of PlotSeries, each a pair
// of CSV columns with a style), plot_write_and_render writes DIR/NAME.gp next to the data — referring to the CSV and
// matrix files by paths relative to DIR, so anyone can re-plot with `cd DIR && gnuplot NAME.gp` — and runs gnuplot
// to make DIR/NAME.png (terminal pngcairo if gnuplot has it, else png). Without gnuplot it prints a note and keeps
// the CSV and the script. The environment variable REPRO_GNUPLOT names another gnuplot program.
#pragma once
#include <string>
#include <vector>

enum class Marker { None, FilledCircle, OpenCircle, Cross, Plus, FilledTriangle, OpenTriangle, FilledSquare, OpenSquare };
enum class LineKind { None, Solid, Dashed, Dotted };

struct PlotStyle {
    std::string color = "black";  // black, orange, blue, green, red, gray, purple, sky, or "#rrggbb"
    Marker marker = Marker::FilledCircle;
    LineKind line = LineKind::None;
    double point_size = 1.0;
    double line_width = 1.5;
};
// The paper's conventions (Figs. 2–5): observed data = black filled circles, diffusion = orange crosses,
// VAE = blue triangles, RBM = green squares.
PlotStyle style_points(const std::string& color, Marker marker);
PlotStyle style_line(const std::string& color, LineKind line, Marker marker = Marker::None);

// One curve or point cloud from a CSV file (a header row, then rows; see csv.h).
struct PlotSeries {
    std::string file;          // path relative to the plot directory
    std::string x, y;          // column names
    std::string error;         // column with the ± error bar of y ("" = none; an empty cell draws no bar)
    std::string where_column;  // if set, only the rows whose where_column cell equals where_value
    std::string where_value;
    PlotStyle style;
    std::string title;         // legend entry ("" = not in the legend)
};

// A horizontal line y = value across the whole panel (a reference level, e.g. the observed-only MSE).
struct PlotReference {
    double y = 0;
    LineKind line = LineKind::Dashed;
    std::string color = "black";
    std::string title;
};

// A vertical line x = value across the whole panel with a short label at its top (e.g. where a stopping rule
// stopped).
struct PlotMarker {
    double x = 0;
    std::string color = "red";
    std::string label;
};

// Xy: series and references on x/y axes. Heatmap: a matrix file as colours on a blue–white–red scale symmetric
// about 0, row 0 at the top (e.g. the couplings w_ij). Raster: a matrix of +1 (active, red), −1 (silent, blue) and
// 0 (hidden, white), e.g. neurons × time bins of retina patterns.
enum class PanelKind { Xy, Heatmap, Raster };

struct PlotPanel {
    PanelKind kind = PanelKind::Xy;
    std::string title, xlabel, ylabel;
    bool log_x = false, log_y = false;
    bool diagonal = false;           // draw y = x (inferred vs true) and make the panel square
    std::string key = "top right";   // legend position in gnuplot words ("top left", "bottom right", ...) or "off"
    std::string xrange, yrange;      // gnuplot ranges like "[0:1]" ("" = automatic)
    std::string xtics;               // gnuplot tics like "(1000, 4000, 16000)", useful on a log axis ("" = automatic)
    std::vector<PlotSeries> series;
    std::vector<PlotReference> references;
    std::vector<PlotMarker> markers;  // Xy panels only
    std::string matrix_file;         // Heatmap/Raster: numbers separated by spaces, one matrix row per line
    int matrix_skip_lines = 0;       // lines to skip first (1 for a parameters file, whose first line is the biases)
};

struct PlotLayout {
    int rows = 1, cols = 1;  // panels fill the grid row by row
    int panel_width = 480, panel_height = 400;  // pixels per panel
    std::string title;       // above all panels ("" = none)
};

// The gnuplot script text for these panels; `terminal` is "pngcairo" or "png". Reads the CSV headers (to turn
// column names into column numbers) and matrix files from `dir`; throws naming the file and column if one is
// missing.
std::string plot_script(const std::string& dir, const std::string& name, const std::vector<PlotPanel>& panels,
                        const PlotLayout& layout, const std::string& terminal);
// "pngcairo" or "png" when gnuplot can make PNGs, "" when gnuplot is missing (asked once per process).
std::string gnuplot_png_terminal();
// Writes DIR/NAME.gp and runs gnuplot to make DIR/NAME.png. Returns true if the PNG was made; otherwise prints why
// on stderr (gnuplot missing, or its error output) and returns false — the CSV and the script stay either way.
bool plot_write_and_render(const std::string& dir, const std::string& name, const std::vector<PlotPanel>& panels,
                           const PlotLayout& layout = PlotLayout());
// A matrix as text for Heatmap/Raster panels: `rows` lines of `cols` numbers (row-major `values`), atomic write.
void write_matrix_text(const std::string& path, const double* values, int rows, int cols);
