// Checkpoint file of a DiffusionModel (diffusion.h). Format, version 2, all fields in the writing machine's byte
// order (little-endian on x86-64 and ARM64):
//   char[8]   magic "REPRODIF"
//   uint32    version = 2 (version 1 files, without the two EMA fields below, are still read: EMA off)
//   int32     n, width1, width2, width3, skip (0/1), embed_dim, T
//   float     learning_rate, beta1, beta2, epsilon
//   int64     iteration
//   uint64[4] rng state; int32 rng has_spare_normal; float64 rng spare_normal
//   int64     parameter count P (must equal denoiser_param_count of the config)
//   float[P]  params; float[P] adam_m; float[P] adam_v
//   float     ema_decay (0 = off); then, only when ema_decay > 0, float[P] ema_params
//   uint64    FNV-1a hash of every byte before it
// Written with write_file_atomic (temp file + fsync + rename), so a crash mid-write leaves the previous file.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../data/atomic_file.h"
#include "diffusion.h"

static const char checkpoint_magic[8] = {'R', 'E', 'P', 'R', 'O', 'D', 'I', 'F'};
static const uint32_t checkpoint_version = 2;

static uint64_t fnv1a(const char* data, size_t size) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; i++) {
        hash ^= (unsigned char)data[i];
        hash *= 0x100000001b3ull;
    }
    return hash;
}

template <typename T> static void put(std::string* bytes, const T& value) {
    bytes->append(reinterpret_cast<const char*>(&value), sizeof value);
}

static void put_floats(std::string* bytes, const std::vector<float>& values) {
    bytes->append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

std::string checkpoint_bytes(const DiffusionModel& model) {
    const DiffusionConfig& config = model.config;
    const long param_count = denoiser_param_count(config.denoiser);
    diffusion_check_model(model, "checkpoint_bytes", true);
    const bool has_ema = config.ema_decay > 0.0f;
    std::string bytes;
    bytes.reserve(64 + 3 * param_count * sizeof(float) + 128);
    bytes.append(checkpoint_magic, sizeof checkpoint_magic);
    put(&bytes, checkpoint_version);
    const DenoiserConfig& net = config.denoiser;
    const int32_t shape[7] = {net.n, net.widths[0], net.widths[1], net.widths[2], net.skip ? 1 : 0, net.embed_dim,
                              config.T};
    for (int32_t value : shape) put(&bytes, value);
    put(&bytes, config.adam.learning_rate);
    put(&bytes, config.adam.beta1);
    put(&bytes, config.adam.beta2);
    put(&bytes, config.adam.epsilon);
    put(&bytes, (int64_t)model.iteration);
    for (int i = 0; i < 4; i++) put(&bytes, (uint64_t)model.rng.state[i]);
    put(&bytes, (int32_t)model.rng.has_spare_normal);
    put(&bytes, (double)model.rng.spare_normal);
    put(&bytes, (int64_t)param_count);
    put_floats(&bytes, model.params);
    put_floats(&bytes, model.adam_m);
    put_floats(&bytes, model.adam_v);
    put(&bytes, config.ema_decay);
    if (has_ema) put_floats(&bytes, model.ema_params);
    put(&bytes, fnv1a(bytes.data(), bytes.size()));
    return bytes;
}

void checkpoint_save(const DiffusionModel& model, const std::string& path) {
    write_file_atomic(path, checkpoint_bytes(model));
}

// Reads fields in order from the file's bytes, up to `end`, failing with the path and what was being read.
struct CheckpointReader {
    const std::string& path;
    const std::string& bytes;
    size_t end;  // the whole file at first; the bytes before the hash once the hash is checked
    size_t offset = 0;
    void read(void* out, size_t size, const char* what) {
        if (end - offset < size)
            throw std::runtime_error(path + ": truncated checkpoint (ends inside " + what + ")");
        std::memcpy(out, bytes.data() + offset, size);
        offset += size;
    }
    template <typename T> T get(const char* what) {
        T value;
        read(&value, sizeof value, what);
        return value;
    }
};

void checkpoint_load(DiffusionModel* model, const std::string& path) {
    const std::string bytes = read_file(path);
    CheckpointReader reader{path, bytes, bytes.size()};
    char magic[8];
    reader.read(magic, sizeof magic, "the header");
    if (std::memcmp(magic, checkpoint_magic, sizeof magic) != 0)
        throw std::runtime_error(path + ": not a repro diffusion checkpoint (bad magic bytes)");
    uint32_t version = reader.get<uint32_t>("the version");
    if (version != 1 && version != checkpoint_version)
        throw std::runtime_error(path + ": checkpoint version " + std::to_string(version) + " is not supported (this " +
                                 "program reads versions 1 and " + std::to_string(checkpoint_version) + ")");
    // The hash covers everything before the last 8 bytes; check it before trusting any size field.
    if (bytes.size() < sizeof(uint64_t) + 12) throw std::runtime_error(path + ": truncated checkpoint");
    uint64_t stored_hash;
    std::memcpy(&stored_hash, bytes.data() + bytes.size() - sizeof stored_hash, sizeof stored_hash);
    if (fnv1a(bytes.data(), bytes.size() - sizeof stored_hash) != stored_hash)
        throw std::runtime_error(path + ": checkpoint is corrupt or truncated (checksum mismatch)");
    reader.end = bytes.size() - sizeof stored_hash;  // the fields below never read into the hash

    DiffusionConfig config;
    config.denoiser.n = reader.get<int32_t>("the config");
    for (int k = 0; k < 3; k++) config.denoiser.widths[k] = reader.get<int32_t>("the config");
    int32_t skip = reader.get<int32_t>("the config");
    if (skip != 0 && skip != 1) throw std::runtime_error(path + ": checkpoint config has skip = " + std::to_string(skip));
    config.denoiser.skip = skip == 1;
    config.denoiser.embed_dim = reader.get<int32_t>("the config");
    config.T = reader.get<int32_t>("the config");
    config.adam.learning_rate = reader.get<float>("the Adam config");
    config.adam.beta1 = reader.get<float>("the Adam config");
    config.adam.beta2 = reader.get<float>("the Adam config");
    config.adam.epsilon = reader.get<float>("the Adam config");
    try {
        denoiser_validate(config.denoiser);
    } catch (const std::exception& error) {
        throw std::runtime_error(path + ": checkpoint config is invalid: " + error.what());
    }
    if (config.T < 1 || config.T > 1000000) throw std::runtime_error(path + ": checkpoint has T = " + std::to_string(config.T));

    DiffusionModel loaded;
    loaded.config = config;
    loaded.iteration = (long)reader.get<int64_t>("the iteration");
    if (loaded.iteration < 0) throw std::runtime_error(path + ": checkpoint has a negative iteration count");
    for (int i = 0; i < 4; i++) loaded.rng.state[i] = reader.get<uint64_t>("the generator state");
    loaded.rng.has_spare_normal = reader.get<int32_t>("the generator state");
    loaded.rng.spare_normal = reader.get<double>("the generator state");
    int64_t param_count = reader.get<int64_t>("the parameter count");
    if (param_count != denoiser_param_count(config.denoiser))
        throw std::runtime_error(path + ": checkpoint holds " + std::to_string(param_count) + " parameters but its config " +
                                 "needs " + std::to_string(denoiser_param_count(config.denoiser)));
    // The three arrays (their size is fixed by the validated config), then in version 2 the EMA decay and, when it
    // is on, the fourth array; the hash must follow right after them.
    // A forged config with huge widths must not allocate before the bytes are known to be there (it ended in a
    // bare std::bad_alloc).
    if ((uint64_t)param_count * 3 * sizeof(float) > (uint64_t)(reader.end - reader.offset))
        throw std::runtime_error(path + ": checkpoint config needs " + std::to_string(param_count) + " parameters (" +
                                 std::to_string((uint64_t)param_count * 3 * sizeof(float)) + " bytes with the Adam "
                                 "moments) but the file holds only " + std::to_string(reader.end - reader.offset) +
                                 " bytes after its header");
    auto read_array = [&](std::vector<float>* array) {
        array->resize(param_count);
        reader.read(array->data(), param_count * sizeof(float), "the parameters");
        for (float value : *array)
            if (!std::isfinite(value)) throw std::runtime_error(path + ": checkpoint contains NaN or inf parameters");
    };
    read_array(&loaded.params);
    read_array(&loaded.adam_m);
    read_array(&loaded.adam_v);
    if (version >= 2) {
        loaded.config.ema_decay = reader.get<float>("the EMA decay");
        if (!(loaded.config.ema_decay >= 0.0f && loaded.config.ema_decay < 1.0f))
            throw std::runtime_error(path + ": checkpoint has an EMA decay outside [0, 1)");
        if (loaded.config.ema_decay > 0.0f) read_array(&loaded.ema_params);
    }
    if (reader.offset != reader.end) throw std::runtime_error(path + ": checkpoint size does not match its parameter count");
    *model = std::move(loaded);
}
