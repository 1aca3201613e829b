// A minimal reader for MATLAB v5 MAT-files (also what MATLAB writes with -v6 and -v7), over zlib only.
// It reads numeric arrays: the 128-byte header, top-level miMATRIX elements, and miCOMPRESSED elements (one zlib
// stream holding one miMATRIX). Each array keeps its real part in the type it is STORED in on disk (MATLAB stores a
// double array of small integers as miUINT8), so the retina recording (45 MB of 0/1) stays 45 MB, not 360 MB.
//
// Not supported, each with a clear error: v7.3 files (HDF5), big-endian files ("MI"), v4 files. Cell, struct,
// char, sparse, object and complex variables are listed (name, dims) but their values are not read; asking for
// their values is an error. Every size in the file is checked against the bytes that are really there before
// anything is allocated or read, so a truncated or hostile file ends in std::runtime_error, never a crash.
// Reference: MathWorks, "MAT-File Format" (matfile_format.pdf), Version 5 MAT-File Format.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct MatArray {
    std::string name;
    int class_id = 0;             // mxDOUBLE_CLASS = 6, mxUINT8_CLASS = 9, ... (the array's MATLAB class)
    bool is_logical = false;      // MATLAB logical array (stored as uint8)
    std::string unsupported;      // empty for a readable real numeric array; else what it is ("a struct array")
    std::vector<size_t> dims;     // at least 2
    size_t count = 0;             // product of dims
    int stored_type = 0;          // miINT8 = 1 ... miUINT64 = 13: how the real part is stored on disk
    std::vector<uint8_t> data;    // the real part as stored: count elements of stored_type, little-endian,
                                  // column-major (element (i, j, k) is at i + d0*(j + d1*k))
};

// Parses a whole MAT-file held in memory. `name_for_errors` (usually the path) starts every error message.
std::vector<MatArray> mat5_read(const void* bytes, size_t size, const std::string& name_for_errors);
// Reads and parses a file.
std::vector<MatArray> mat5_read_file(const std::string& path);

// The variable called `name`; throws (listing the variables there are) if it is missing or not readable numeric.
const MatArray& mat5_find(const std::vector<MatArray>& arrays, const std::string& name,
                          const std::string& name_for_errors);

// Element `index` (column-major) converted to double (exact for every integer type up to 2^53).
double mat5_value(const MatArray& array, size_t index);
// All values as doubles (8 bytes each: fine for small arrays; use mat5_binary_values for big 0/1 data).
std::vector<double> mat5_double_values(const MatArray& array);
// All values as uint8 0/1, column-major; throws naming the first element that is not exactly 0 or 1.
std::vector<uint8_t> mat5_binary_values(const MatArray& array, const std::string& name_for_errors);

// Data type codes of the format (the ones this reader knows).
enum {
    miINT8 = 1, miUINT8 = 2, miINT16 = 3, miUINT16 = 4, miINT32 = 5, miUINT32 = 6, miSINGLE = 7, miDOUBLE = 9,
    miINT64 = 12, miUINT64 = 13, miMATRIX = 14, miCOMPRESSED = 15, miUTF8 = 16, miUTF16 = 17, miUTF32 = 18
};
// Bytes per element of a numeric data type; 0 for a type that is not numeric.
size_t mat5_type_size(int type);
