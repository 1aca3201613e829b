#include "parts.h"

#include <stdexcept>

#include "../data/atomic_file.h"

std::string part_path(const std::string& dir, const std::string& id) {
    if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos)
        throw std::invalid_argument("part id '" + id + "' is not a plain file name");
    return dir + "/" + id + ".csv";
}

bool part_exists(const std::string& dir, const std::string& id) { return path_exists(part_path(dir, id)); }

void part_write(const std::string& dir, const std::string& id, const CsvTable& table) {
    std::string path = part_path(dir, id);
    make_directories(dir);
    csv_write(path, table);
}

CsvTable part_read(const std::string& dir, const std::string& id) { return csv_read(part_path(dir, id)); }
