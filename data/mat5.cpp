// MATLAB v5 MAT-file reader (see mat5.h). Layout of the format, as used below:
//   header   128 bytes: 116 bytes of text ("MATLAB 5.0 MAT-file, ..."), 8 bytes subsystem offset,
//            version 0x0100 (2 bytes), endian indicator "IM" (2 bytes; "MI" means the writer was big-endian).
//   elements each starts with an 8-byte tag: type (4 bytes) and byte count (4 bytes), then the data, padded to a
//            multiple of 8. "Small element" tags pack count (upper 16 bits) and type (lower 16) into the first 4
//            bytes and up to 4 data bytes into the second 4. An miCOMPRESSED element holds one zlib stream that
//            inflates to one whole element (tag included), not padded.
//   miMATRIX sub-elements in order: array flags (miUINT32 × 2: class in the low byte, 0x800 complex,
//            0x200 logical), dimensions (miINT32 × ndims), name (miINT8), real part (any numeric type),
//            imaginary part (if complex).
// Every size read from the file is checked against the bytes that are really left before it is used.
#include "mat5.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <algorithm>
#include <limits>
#include <stdexcept>

#include "atomic_file.h"

// Refuse to inflate more than this: the retina file inflates to 45 MB, anything near this limit is not a data set
// this program can use, and a hostile tag must not make us allocate without bound.
static const size_t max_inflated_bytes = size_t(1) << 30;
// deflate cannot do better than about 1032:1 (a 258-byte match costs at least 2 bits), so a compressed element of
// C bytes cannot honestly claim more than 1032·C inflated bytes. Checking this before allocating means the memory we
// reserve is bounded by the input we were given, not by a number an attacker wrote in a tag.
static const size_t deflate_max_ratio = 1032;

// Little-endian loads from bytes, written out so they mean the same on any host and never read unaligned.
static uint16_t load_u16(const uint8_t* p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t load_u32(const uint8_t* p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint64_t load_u64(const uint8_t* p) { return (uint64_t)load_u32(p) | ((uint64_t)load_u32(p + 4) << 32); }

[[noreturn]] static void fail(const std::string& where, size_t offset, const std::string& what) {
    throw std::runtime_error(where + ": byte " + std::to_string(offset) + ": " + what);
}

size_t mat5_type_size(int type) {
    switch (type) {
        case miINT8: case miUINT8: return 1;
        case miINT16: case miUINT16: return 2;
        case miINT32: case miUINT32: case miSINGLE: return 4;
        case miDOUBLE: case miINT64: case miUINT64: return 8;
        default: return 0;
    }
}

static const char* class_description(int class_id) {
    switch (class_id) {
        case 1: return "a cell array";
        case 2: return "a struct array";
        case 3: return "an object";
        case 4: return "a char array";
        case 5: return "a sparse array";
        case 16: return "a function handle";
        case 17: return "an opaque object";
        default: return "an array of unknown class";
    }
}

// One element (tag + data) inside a buffer. `offset` is where its tag starts, `next` where the following one does.
struct Element {
    int type;
    size_t size;            // data bytes
    const uint8_t* data;
    size_t next;
    bool small;             // small-element format (data inside the tag)
};

// Reads the element whose tag starts at `offset` in buffer[0, end). `padded`: the data is followed by padding to a
// multiple of 8 (true everywhere except after a compressed element).
static Element read_element(const uint8_t* buffer, size_t offset, size_t end, bool padded, const std::string& where) {
    if (end - offset < 8)
        fail(where, offset, "truncated element tag (" + std::to_string(end - offset) + " of 8 bytes left)");
    uint32_t first_word = load_u32(buffer + offset);
    Element element;
    if (first_word >> 16) {  // small element: 1 to 4 data bytes live inside the tag
        element.type = (int)(first_word & 0xFFFF);
        element.size = first_word >> 16;
        if (element.size > 4)
            fail(where, offset, "small-element tag claims " + std::to_string(element.size) + " bytes (at most 4)");
        element.data = buffer + offset + 4;
        element.next = offset + 8;
        element.small = true;
        return element;
    }
    element.type = (int)first_word;
    element.small = false;
    element.size = load_u32(buffer + offset + 4);
    size_t available = end - offset - 8;
    if (element.size > available)
        fail(where, offset, "element of type " + std::to_string(element.type) + " claims " +
                                std::to_string(element.size) + " bytes but only " + std::to_string(available) +
                                " are left (truncated or corrupt file)");
    element.data = buffer + offset + 8;
    size_t data_bytes = element.size;
    if (padded) data_bytes = (data_bytes + 7) / 8 * 8;
    // The last element may lack its padding; that loses nothing, so accept it.
    element.next = data_bytes > available ? end : offset + 8 + data_bytes;
    return element;
}

static std::string dims_text(const std::vector<size_t>& dims) {
    std::string text;
    for (size_t i = 0; i < dims.size(); i++) text += (i ? " x " : "") + std::to_string(dims[i]);
    return text;
}

// Parses the data of one miMATRIX element (buffer[0, size), the sub-elements).
static MatArray parse_matrix(const uint8_t* buffer, size_t size, const std::string& where) {
    MatArray array;
    size_t offset = 0;
    if (size == 0) fail(where, 0, "empty miMATRIX element");

    Element flags = read_element(buffer, offset, size, true, where);
    if (flags.type != miUINT32 || flags.size != 8)
        fail(where, offset, "array flags must be 8 bytes of miUINT32 (got type " + std::to_string(flags.type) +
                                ", " + std::to_string(flags.size) + " bytes)");
    uint32_t flag_word = load_u32(flags.data);
    array.class_id = (int)(flag_word & 0xFF);
    array.is_logical = (flag_word & 0x200) != 0;
    bool is_complex = (flag_word & 0x800) != 0;
    offset = flags.next;
    if (array.class_id == 0 || array.class_id > 16) {  // opaque objects have no dimensions sub-element
        array.unsupported = class_description(array.class_id);
        if (array.class_id != 17) array.unsupported += " (class id " + std::to_string(array.class_id) + ")";
        return array;
    }

    Element dims = read_element(buffer, offset, size, true, where);
    if (dims.type != miINT32 || dims.size % 4 != 0 || dims.size < 8)
        fail(where, offset, "dimensions must be at least 2 miINT32 values (got type " + std::to_string(dims.type) +
                                ", " + std::to_string(dims.size) + " bytes)");
    array.count = 1;
    for (size_t i = 0; i < dims.size / 4; i++) {
        int32_t dim = (int32_t)load_u32(dims.data + 4 * i);
        if (dim < 0) fail(where, offset, "negative dimension " + std::to_string(dim));
        if (dim != 0 && array.count > std::numeric_limits<size_t>::max() / (size_t)dim)
            fail(where, offset, "dimensions overflow the element count");
        array.dims.push_back((size_t)dim);
        array.count *= (size_t)dim;
    }
    offset = dims.next;

    Element name = read_element(buffer, offset, size, true, where);
    if (name.type != miINT8 && name.type != miUINT8 && name.type != miUTF8)
        fail(where, offset, "array name must be miINT8 (got type " + std::to_string(name.type) + ")");
    array.name.assign((const char*)name.data, name.size);
    offset = name.next;

    if (array.class_id < 6) {
        array.unsupported = class_description(array.class_id);
        return array;
    }
    if (array.class_id == 16) {
        array.unsupported = class_description(array.class_id);
        return array;
    }
    if (is_complex) {
        array.unsupported = "a complex array";
        return array;
    }
    if (offset >= size) {  // no real part: only acceptable when there are no elements
        if (array.count != 0) fail(where, offset, "array '" + array.name + "' has no real part");
        array.stored_type = miDOUBLE;
        return array;
    }
    Element real = read_element(buffer, offset, size, true, where);
    size_t type_size = mat5_type_size(real.type);
    if (type_size == 0)
        fail(where, offset, "real part of '" + array.name + "' has non-numeric type " + std::to_string(real.type));
    // Dividing (not multiplying) so that a huge element count cannot overflow the comparison.
    if (real.size % type_size != 0 || real.size / type_size != array.count) {
        std::string needed = array.count <= std::numeric_limits<size_t>::max() / type_size
                                 ? std::to_string(array.count * type_size)
                                 : "more than 2^64";
        fail(where, offset, "real part of '" + array.name + "' has " + std::to_string(real.size) + " bytes, but " +
                                dims_text(array.dims) + " elements of type " + std::to_string(real.type) + " need " +
                                needed);
    }
    array.stored_type = real.type;
    array.data.assign(real.data, real.data + real.size);
    return array;
}

// Inflates one miCOMPRESSED element. The result is the inner element, tag included, exactly as long as its tag says.
static std::vector<uint8_t> inflate_element(const uint8_t* compressed, size_t compressed_size,
                                            const std::string& where, size_t file_offset) {
    z_stream stream;
    std::memset(&stream, 0, sizeof stream);
    if (inflateInit(&stream) != Z_OK) fail(where, file_offset, "zlib inflateInit failed");
    // inflateEnd must run on every exit, including the throws below.
    struct StreamGuard {
        z_stream* stream;
        ~StreamGuard() { inflateEnd(stream); }
    } guard{&stream};
    auto zlib_error = [&](int status) -> std::string {
        std::string message = "compressed element: ";
        if (status == Z_BUF_ERROR) return message + "zlib stream ends early (truncated)";
        if (status == Z_NEED_DICT) return message + "zlib stream needs a preset dictionary (corrupt)";
        return message + "corrupt zlib stream (" + (stream.msg ? stream.msg : "error " + std::to_string(status)) + ")";
    };
    // compressed_size came from a 32-bit tag, so it fits zlib's uInt counters.
    stream.next_in = const_cast<Bytef*>(compressed);
    stream.avail_in = (uInt)compressed_size;

    // First inflate only the inner tag, to learn (and check) how big the inner element is.
    uint8_t tag[8];
    stream.next_out = tag;
    stream.avail_out = 8;
    int status = Z_OK;
    while (stream.avail_out > 0) {
        status = inflate(&stream, Z_NO_FLUSH);
        if (status == Z_STREAM_END) break;
        if (status != Z_OK) fail(where, file_offset, zlib_error(status));
    }
    if (stream.avail_out > 0)
        fail(where, file_offset, "compressed element inflates to only " + std::to_string(8 - stream.avail_out) +
                                     " bytes, less than one element tag");
    uint32_t inner_type = load_u32(tag);
    if (inner_type != miMATRIX)
        fail(where, file_offset, "compressed element holds type " + std::to_string(inner_type) +
                                     ", expected miMATRIX (14)");
    size_t inner_total = 8 + (size_t)load_u32(tag + 4);
    // --max-input-bytes bounds what a file becomes in memory, not only its size on disk (an 875 kB file inflated to
    // 900 MB); 1 GiB at most either way.
    size_t limit = (size_t)std::min<uint64_t>(max_inflated_bytes, max_input_bytes());
    if (inner_total > limit)
        fail(where, file_offset, "compressed element claims " + std::to_string(inner_total) +
                                     " inflated bytes, more than the limit of " + std::to_string(limit) +
                                     " bytes (--max-input-bytes raises it, up to 1 GiB)");
    if (inner_total > 64 && (inner_total - 64) / deflate_max_ratio > compressed_size)
        fail(where, file_offset, "compressed element claims " + std::to_string(inner_total) + " inflated bytes from " +
                                     std::to_string(compressed_size) + " compressed bytes, more than zlib can encode");

    std::vector<uint8_t> inflated(inner_total);
    std::memcpy(inflated.data(), tag, 8);
    stream.next_out = inflated.data() + 8;
    stream.avail_out = (uInt)(inner_total - 8);
    while (status != Z_STREAM_END && stream.avail_out > 0) {
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) fail(where, file_offset, zlib_error(status));
    }
    if (status != Z_STREAM_END) {
        // The buffer is full; the stream must end here, without producing another byte.
        uint8_t extra;
        stream.next_out = &extra;
        stream.avail_out = 1;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_STREAM_END && status != Z_OK) fail(where, file_offset, zlib_error(status));
        if (stream.avail_out == 0)
            fail(where, file_offset, "compressed element inflates to more than the " + std::to_string(inner_total) +
                                         " bytes its inner tag claims");
        if (status != Z_STREAM_END) fail(where, file_offset, zlib_error(Z_BUF_ERROR));
    } else if (stream.avail_out > 0) {
        fail(where, file_offset, "compressed element inflates to " + std::to_string(inner_total - stream.avail_out) +
                                     " bytes but its inner tag claims " + std::to_string(inner_total));
    }
    if (stream.avail_in != 0)
        fail(where, file_offset, std::to_string(stream.avail_in) + " stray bytes after the end of the zlib stream");
    return inflated;
}

std::vector<MatArray> mat5_read(const void* bytes, size_t size, const std::string& name_for_errors) {
    const uint8_t* file = (const uint8_t*)bytes;
    const std::string& where = name_for_errors;
    static const char hdf5_signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    static const char* v73_message = "MATLAB v7.3 (HDF5) files are not supported; save with -v7";
    if (size >= 8 && std::memcmp(file, hdf5_signature, 8) == 0) fail(where, 0, v73_message);
    if (size < 128)
        fail(where, 0, "too short for a MAT-file (" + std::to_string(size) + " bytes; the header alone is 128)");
    if (std::memcmp(file, "MATLAB 7.3", 10) == 0 || load_u16(file + 124) == 0x0200) fail(where, 0, v73_message);
    if (file[126] == 'M' && file[127] == 'I')
        fail(where, 126, "big-endian MAT-file (endian indicator 'MI') is not supported; save it on a little-endian "
                         "machine");
    if (file[126] != 'I' || file[127] != 'M' || std::memcmp(file, "MATLAB", 6) != 0)
        fail(where, 0, "not a MATLAB v5 MAT-file (the header must start with 'MATLAB' and end with 'IM')");
    if (load_u16(file + 124) != 0x0100)
        fail(where, 124, "unknown MAT-file version " + std::to_string(load_u16(file + 124)) + " (expected 256, v5)");

    std::vector<MatArray> arrays;
    size_t offset = 128;
    while (offset < size) {
        Element element = read_element(file, offset, size, true, where);
        if (element.type == miMATRIX) {
            if (element.size > 0)
                arrays.push_back(parse_matrix(element.data, element.size,
                                              where + ": matrix at byte " + std::to_string(offset) + ", sub-element"));
        } else if (element.type == miCOMPRESSED) {
            if (!element.small) element.next = offset + 8 + element.size;  // compressed data is not padded
            std::vector<uint8_t> inflated = inflate_element(element.data, element.size, where, offset);
            arrays.push_back(parse_matrix(inflated.data() + 8, inflated.size() - 8,
                                          where + ": compressed element at byte " + std::to_string(offset) +
                                              ", inflated byte"));
        } else {
            fail(where, offset, "unexpected top-level element type " + std::to_string(element.type) +
                                    " (expected miMATRIX 14 or miCOMPRESSED 15)");
        }
        offset = element.next;
    }
    return arrays;
}

std::vector<MatArray> mat5_read_file(const std::string& path) {
    std::string bytes = read_file(path);
    return mat5_read(bytes.data(), bytes.size(), path);
}

const MatArray& mat5_find(const std::vector<MatArray>& arrays, const std::string& name,
                          const std::string& name_for_errors) {
    std::string names;
    int unnamed = 0;  // arrays whose layout is unknown (their name is not read)
    for (const MatArray& array : arrays) {
        if (array.name.empty() && !array.unsupported.empty()) {
            names += std::string(names.empty() ? "" : ", ") + "an unreadable array: " + array.unsupported;
            unnamed++;
            continue;
        }
        if (array.name == name) {
            if (!array.unsupported.empty())
                throw std::runtime_error(name_for_errors + ": variable '" + name + "' is " + array.unsupported +
                                         "; only real numeric arrays can be read");
            return array;
        }
        names += (names.empty() ? "" : ", ") + array.name;
    }
    throw std::runtime_error(name_for_errors + ": no variable '" + name + "' (variables: " +
                             (names.empty() ? "none" : names) + ")" +
                             (unnamed ? "; the variable may be one of the unreadable arrays" : ""));
}

double mat5_value(const MatArray& array, size_t index) {
    if (index >= array.count || !array.unsupported.empty())
        throw std::runtime_error("mat5_value: index " + std::to_string(index) + " outside '" + array.name + "'");
    const uint8_t* p = array.data.data() + index * mat5_type_size(array.stored_type);
    switch (array.stored_type) {
        case miINT8: return (double)(int8_t)p[0];
        case miUINT8: return (double)p[0];
        case miINT16: return (double)(int16_t)load_u16(p);
        case miUINT16: return (double)load_u16(p);
        case miINT32: return (double)(int32_t)load_u32(p);
        case miUINT32: return (double)load_u32(p);
        case miINT64: return (double)(int64_t)load_u64(p);
        case miUINT64: return (double)load_u64(p);
        case miSINGLE: {
            uint32_t bits = load_u32(p);
            float value;
            std::memcpy(&value, &bits, 4);
            return (double)value;
        }
        case miDOUBLE: {
            uint64_t bits = load_u64(p);
            double value;
            std::memcpy(&value, &bits, 8);
            return value;
        }
        default: throw std::runtime_error("mat5_value: '" + array.name + "' has no numeric data");
    }
}

std::vector<double> mat5_double_values(const MatArray& array) {
    std::vector<double> values(array.count);
    for (size_t i = 0; i < array.count; i++) values[i] = mat5_value(array, i);
    return values;
}

// "name(i,j,k)" with MATLAB's 1-based subscripts of column-major element `index`, for error messages.
static std::string subscript_text(const MatArray& array, size_t index) {
    std::string text = array.name + "(";
    for (size_t d = 0; d < array.dims.size(); d++) {
        text += (d ? "," : "") + std::to_string(index % array.dims[d] + 1);
        index /= array.dims[d];
    }
    return text + ")";
}

static std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

std::vector<uint8_t> mat5_binary_values(const MatArray& array, const std::string& name_for_errors) {
    if (!array.unsupported.empty())
        throw std::runtime_error(name_for_errors + ": variable '" + array.name + "' is " + array.unsupported);
    std::vector<uint8_t> values(array.count);
    for (size_t i = 0; i < array.count; i++) {
        double value;
        if (array.stored_type == miUINT8) {  // the retina file: 45 M raw bytes, checked without conversion
            if (array.data[i] <= 1) {
                values[i] = array.data[i];
                continue;
            }
            value = array.data[i];
        } else {
            value = mat5_value(array, i);
        }
        if (value != 0.0 && value != 1.0)  // also rejects NaN
            throw std::runtime_error(name_for_errors + ": " + subscript_text(array, i) + " is " +
                                     number_text(value) + "; expected only 0 and 1");
        values[i] = (uint8_t)value;
    }
    return values;
}
