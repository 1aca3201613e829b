// Part files: one finished piece of work per CSV file in a folder, named by the piece's id, written atomically
// (data/atomic_file.h: temporary file + rename) so that a part that exists is complete. This is what lets an
// interrupted run continue where it stopped: the job runner (jobs.h) keeps one part per job in OUT/parts/, and a
// figure can keep one per checkpoint or point of its own.
#pragma once
#include <string>

#include "../report/csv.h"

// DIR/ID.csv. The id must be a plain file name (no '/', not empty, not "." or "..").
std::string part_path(const std::string& dir, const std::string& id);
bool part_exists(const std::string& dir, const std::string& id);
// Writes the table atomically to DIR/ID.csv, creating DIR when missing.
void part_write(const std::string& dir, const std::string& id, const CsvTable& table);
// Reads DIR/ID.csv (throws naming the file when it is missing or malformed).
CsvTable part_read(const std::string& dir, const std::string& id);
