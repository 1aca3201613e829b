// A minimal reader for NumPy's .npy files (numpy.save), so samples saved from Python need no conversion.
// Format (numpy/lib/format.py, "NPY format"): magic "\x93NUMPY", version major.minor (1.0, 2.0 or 3.0), header
// length (2 bytes little-endian in 1.0, 4 bytes in 2.0/3.0), then an ASCII Python dict literal
//   {'descr': '<i8', 'fortran_order': False, 'shape': (3000, 15), }
// padded with spaces and '\n', then the raw array data.
// Read: booleans and little-endian integers and floats of 1, 2, 4 or 8 bytes, C or Fortran order, any number of
// dimensions. Not read (each a clear error): big-endian, complex, strings, objects (pickles), structured dtypes.
// Every size is checked against the bytes really there before anything is read.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

struct NpyArray {
    std::vector<size_t> shape;
    std::vector<double> values;  // product(shape) values in C order (last index fastest), whatever the file's order
};

// True if the bytes start with the .npy magic string.
bool npy_has_magic(const std::string& bytes);
// Parses a whole .npy file held in memory; `name` starts every error message.
NpyArray npy_parse(const std::string& bytes, const std::string& name);
