// .npy reader (see npy.h).
#include "npy.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

static std::runtime_error npy_error(const std::string& name, const std::string& message) {
    return std::runtime_error(name + ": .npy file: " + message);
}

bool npy_has_magic(const std::string& bytes) { return bytes.size() >= 6 && bytes.compare(0, 6, "\x93NUMPY") == 0; }

// The text after `'key':` in the header dict, up to the next ',' at bracket depth 0 or the closing '}'.
static std::string dict_value(const std::string& header, const std::string& key, const std::string& name) {
    size_t at = header.find("'" + key + "'");
    if (at == std::string::npos) throw npy_error(name, "header has no '" + key + "'");
    size_t colon = header.find(':', at);
    if (colon == std::string::npos) throw npy_error(name, "header has no value for '" + key + "'");
    size_t end = colon + 1;
    int depth = 0;
    for (; end < header.size(); end++) {
        char c = header[end];
        if (c == '(' || c == '[') depth++;
        else if (c == ')' || c == ']') depth--;
        else if ((c == ',' || c == '}') && depth == 0) break;
    }
    std::string value = header.substr(colon + 1, end - colon - 1);
    size_t first = value.find_first_not_of(" "), last = value.find_last_not_of(" ");
    return first == std::string::npos ? "" : value.substr(first, last - first + 1);
}

// "(3000, 15)" or "(7,)" → {3000, 15} or {7}.
static std::vector<size_t> parse_shape(const std::string& text, const std::string& name) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') throw npy_error(name, "bad shape " + text);
    std::vector<size_t> shape;
    const char* p = text.c_str() + 1;
    for (;;) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') break;
        char* end = nullptr;
        unsigned long long extent = std::strtoull(p, &end, 10);
        if (end == p || *p == '-' || extent > ((size_t)1 << 40)) throw npy_error(name, "bad shape " + text);
        shape.push_back((size_t)extent);
        p = end;
    }
    return shape;
}

// Element `k` (little-endian, as stored) converted to double; kind is 'b', 'i', 'u' or 'f'.
static double load_value(const unsigned char* p, char kind, size_t size) {
    uint64_t bits = 0;
    for (size_t b = 0; b < size; b++) bits |= (uint64_t)p[b] << (8 * b);
    if (kind == 'f') {
        if (size == 4) {
            uint32_t low = (uint32_t)bits;
            float value;
            std::memcpy(&value, &low, 4);
            return value;
        }
        double value;
        std::memcpy(&value, &bits, 8);
        return value;
    }
    if (kind == 'i' && size < 8 && (bits >> (8 * size - 1)) & 1) bits |= ~uint64_t(0) << (8 * size);  // sign-extend
    return kind == 'i' ? (double)(int64_t)bits : (double)bits;
}

// Where the element with C-order index k lies in a Fortran-order file (first index fastest).
static size_t fortran_offset(const std::vector<size_t>& shape, size_t k) {
    size_t offset = 0, stride = 1;
    std::vector<size_t> index(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
        index[d] = k % shape[d];
        k /= shape[d];
    }
    for (size_t d = 0; d < shape.size(); d++) {
        offset += index[d] * stride;
        stride *= shape[d];
    }
    return offset;
}

NpyArray npy_parse(const std::string& bytes, const std::string& name) {
    if (!npy_has_magic(bytes)) throw npy_error(name, "no \\x93NUMPY magic string");
    if (bytes.size() < 10) throw npy_error(name, "ends inside the preamble");
    const unsigned char* u = (const unsigned char*)bytes.data();
    int major = u[6];
    if (major < 1 || major > 3) throw npy_error(name, "format version " + std::to_string(major) + " is not 1, 2 or 3");
    size_t header_length = u[8] | (u[9] << 8), header_start = 10;
    if (major >= 2) {
        if (bytes.size() < 12) throw npy_error(name, "ends inside the preamble");
        header_length |= ((size_t)u[10] << 16) | ((size_t)u[11] << 24);
        header_start = 12;
    }
    if (header_length > bytes.size() - header_start) throw npy_error(name, "ends inside the header");
    std::string header = bytes.substr(header_start, header_length);
    std::string descr = dict_value(header, "descr", name);
    std::string order = dict_value(header, "fortran_order", name);
    NpyArray array;
    array.shape = parse_shape(dict_value(header, "shape", name), name);
    // descr is a quoted type string like '<i8', '|u1', '|b1', '<f4'; anything else (a list: structured) is refused.
    if (descr.size() < 5 || descr.front() != '\'' || descr.back() != '\'')
        throw npy_error(name, "data type " + descr + " is not a plain number type (save a numeric array)");
    std::string type = descr.substr(1, descr.size() - 2);
    char endian = type[0], kind = type[1];
    size_t size = (size_t)std::atoi(type.c_str() + 2);
    if (endian == '>') throw npy_error(name, "big-endian data ('" + type + "'): save with .astype('<" + type.substr(1) + "')");
    bool known = (kind == 'b' && size == 1) || ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
                 (kind == 'f' && (size == 4 || size == 8));
    if (!known || (endian != '<' && endian != '|' && endian != '='))
        throw npy_error(name, "data type '" + type + "' is not read (booleans, integers and float32/64 are)");
    size_t count = 1;
    for (size_t extent : array.shape) {
        if (extent != 0 && count > ((size_t)1 << 40) / extent) throw npy_error(name, "shape too large");
        count *= extent;
    }
    size_t data_start = header_start + header_length;
    if ((bytes.size() - data_start) / size < count)
        throw npy_error(name, "holds " + std::to_string((bytes.size() - data_start) / size) + " values, its shape needs " +
                        std::to_string(count));
    array.values.resize(count);
    const unsigned char* data = u + data_start;
    bool fortran = order == "True";
    for (size_t k = 0; k < count; k++) {
        size_t stored = fortran ? fortran_offset(array.shape, k) : k;
        array.values[k] = load_value(data + stored * size, kind, size);
    }
    return array;
}
