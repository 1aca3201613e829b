// The documentation against the program (issue 28): the command summary in docs/commands.md and the README is the
// one `repro --help` prints, and every option docs/commands.md names for a command is one that command's --help
// lists (by its name or an old name). Runs ./repro, which `make test` builds; skipped with a message without it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

static std::string output_of(const std::string& command) {
    std::string text;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, got);
    pclose(pipe);
    return text;
}

static std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream file(path);
    REQUIRE(file.good());
    std::vector<std::string> lines;
    for (std::string line; std::getline(file, line);) lines.push_back(line);
    return lines;
}

// "  sample       draw SK parameters ..." lines of `repro --help` → {sample: "draw SK parameters ..."}.
static std::map<std::string, std::string> help_commands() {
    std::map<std::string, std::string> commands;
    std::istringstream help(output_of("./repro --help"));
    std::regex row("^  ([a-z0-9-]+) +(.+)$");
    bool in_list = false;
    for (std::string line; std::getline(help, line);) {
        if (line == "commands:") in_list = true;
        else if (line.empty()) in_list = false;
        std::smatch match;
        if (in_list && std::regex_match(line, match, row)) commands[match[1]] = match[2];
    }
    return commands;
}

// "| `sample` | draw ... |" rows of a Markdown table → {sample: "draw ..."}.
static std::map<std::string, std::string> table_commands(const std::string& path) {
    std::map<std::string, std::string> rows;
    std::regex row("^\\| `([a-z0-9-]+)` \\| ([^|]+) \\|$");  // two cells: command, summary
    for (const std::string& line : lines_of(path)) {
        std::smatch match;
        if (std::regex_match(line, match, row)) rows[match[1]] = match[2];
    }
    return rows;
}

static bool have_repro() {
    if (std::system("test -x ./repro") == 0) return true;
    WARN("./repro is not built (make test builds it): the docs are not checked against --help");
    return false;
}

TEST_CASE("docs: the command summaries are those of repro --help", "[docs]") {
    if (!have_repro()) return;
    std::map<std::string, std::string> help = help_commands();
    REQUIRE(help.size() >= 10);
    std::map<std::string, std::string> docs = table_commands("docs/commands.md");
    for (const auto& [name, summary] : help) {
        INFO("repro " << name << " in docs/commands.md's command summary");
        REQUIRE(docs.count(name));
        CHECK(docs[name] == summary);
    }
    for (const auto& [name, summary] : docs) {
        INFO("docs/commands.md lists " << name);
        CHECK(help.count(name));
    }
    // The README's shorter table: every row it has says what --help says (the figures share one row there).
    for (const auto& [name, summary] : table_commands("README.md")) {
        INFO("README.md: " << name);
        if (help.count(name)) CHECK(summary == help[name]);
    }
}

TEST_CASE("docs: every option docs/commands.md names for a command is one that command accepts", "[docs]") {
    if (!have_repro()) return;
    // Rows of the command table: "| `repro infer S.txt ... [--solver em\|plm] ...` | what it does |".
    std::regex row("^\\| `repro ([a-z0-9-]+)([^`]*)`");
    std::regex option("--([a-z][a-zA-Z0-9-]*)");
    std::map<std::string, std::string> help_of;
    int checked = 0;
    for (const std::string& line : lines_of("docs/commands.md")) {
        std::smatch match;
        if (!std::regex_search(line, match, row)) continue;
        std::vector<std::string> commands = {match[1]};
        std::string rest = match[2];
        std::smatch last;  // "repro fig2 … repro fig5": both ends of the range
        if (std::regex_search(rest, last, std::regex("… `?repro ([a-z0-9-]+)|… ([a-z0-9-]+)")))
            commands.push_back(last[1].matched ? last[1] : last[2]);
        for (const std::string& command : commands) {
            if (!help_of.count(command)) help_of[command] = output_of("./repro " + command + " --help");
            for (auto it = std::sregex_iterator(rest.begin(), rest.end(), option); it != std::sregex_iterator(); ++it) {
                std::string name = (*it)[1];
                INFO("docs/commands.md names --" << name << " for repro " << command);
                bool listed = help_of[command].find("  --" + name + " ") != std::string::npos ||
                              help_of[command].find("  --" + name + "\n") != std::string::npos ||
                              help_of[command].find("(--" + name + ": its old name") != std::string::npos;
                CHECK(listed);
                checked++;
            }
        }
    }
    CHECK(checked > 30);
}
