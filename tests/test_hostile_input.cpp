// Inputs valid in form but not in range (issue 15): they must give the right answer, a clear warning or a clear
// error — never a NaN printed as a result, a silently narrowed number, or an unbounded run.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "../data/atomic_file.h"
#include "../data/formats.h"
#include "../diffusion/diffusion.h"
#include "../runner/args.h"
#include "../cli/commands.h"
#include "../figures/method_options.h"
#include "../method/appendix_a.h"
#include "../method/augment.h"
#include "../ising/erasure.h"
#include "../ising/metropolis.h"
#include "../ising/sk.h"
#include "../nn/denoiser.h"

using Catch::Matchers::Contains;

static Args parse(std::vector<std::string> words, std::vector<OptionSpec> spec = {}) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    if (spec.empty()) spec = {{"n", "N", "40", "spins"}, {"steps", "S", "100", "steps"}, {"verbose", "", "", "more"}};
    return parse_args((int)argv.size(), argv.data(), 2, "repro test", "test", spec, 0, 1);
}

static std::string usage_error(std::vector<std::string> words) {
    try {
        parse(words);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "";
}

TEST_CASE("options: an option given twice is refused", "[args][hostile]") {
    CHECK(usage_error({"repro", "test", "--n", "3", "--n", "4"}) == "option --n is given twice");
    CHECK(usage_error({"repro", "test", "--verbose", "--verbose"}) == "option --verbose is given twice");
    CHECK(usage_error({"repro", "test", "--seed=1", "--seed", "1"}) == "option --seed is given twice");
}

TEST_CASE("options: --seed is 0 ... 2^63-1 in plain digits; integers are range-checked before narrowing",
          "[args][hostile]") {
    CHECK(usage_error({"repro", "test", "--seed", "-1"}) ==
          "option --seed must be between 0 and 9223372036854775807, got -1");
    CHECK_THAT(usage_error({"repro", "test", "--seed", " 7"}), Contains("needs an integer") && Contains("' 7'"));
    CHECK_THAT(usage_error({"repro", "test", "--seed", "+7"}), Contains("needs an integer"));
    CHECK_THAT(usage_error({"repro", "test", "--seed", "9223372036854775808"}), Contains("needs an integer"));
    CHECK(arg_int(parse({"repro", "test", "--seed", "9223372036854775807"}), "seed") == 9223372036854775807LL);
    CHECK(arg_int(parse({"repro", "test", "--seed", "0"}), "seed") == 0);
    // 2^32 + 1 would be 1 as an int: the range is checked on the 64-bit value.
    Args args = parse({"repro", "test", "--steps", "4294967297"});
    CHECK_THROWS_WITH(arg_int_in_range(args, "steps", 1, 1000), "option --steps must be between 1 and 1000, got 4294967297");
    CHECK_THROWS_WITH(sampler_from_args(parse({"repro", "test", "--steps", "4294967297"},
                                              {{"sampler", "K", "", ""}, {"steps", "S", "", ""}, {"eta", "E", "", ""}}),
                                        quick_sampler()),
                      Contains("--steps must be between 1 and 1000"));
    CHECK(usage_error({"repro", "test", "--threads", "-1"}) == "option --threads must be between 0 and 1024, got -1");
}

TEST_CASE("options: --steps/--eta with --sampler ddpm are refused, not ignored", "[args][hostile]") {
    std::vector<OptionSpec> spec = {{"sampler", "K", "ddpm", ""}, {"steps", "S", "100", ""}, {"eta", "E", "0", ""}};
    CHECK_THROWS_WITH(sampler_from_args(parse({"repro", "test", "--steps", "50"}, spec), SamplerOptions()),
                      Contains("--steps and --eta apply to --sampler ddim only"));
    CHECK_THROWS_WITH(sampler_from_args(parse({"repro", "test", "--sampler", "ddpm", "--eta", "1"}, spec), quick_sampler()),
                      Contains("--sampler ddpm runs all 1000 steps"));
    SamplerOptions ddim = sampler_from_args(parse({"repro", "test", "--sampler", "ddim", "--steps", "50"}, spec), SamplerOptions());
    CHECK(ddim.steps == 50);
}

TEST_CASE("memory: a command that cannot fit says how much it needs", "[args][hostile]") {
    CHECK_NOTHROW(require_memory(1e6, "a small run"));
    CHECK_THROWS_WITH(require_memory(1e18, "sample --n 100000"), Contains("sample --n 100000 needs about 1e+09 GB of memory"));
    // repro sample --n 100000 --M 1: 80 GB of couplings alone (and their text); refused before drawing them.
    std::vector<std::string> words = {"repro", "sample", "--n", "100000", "--M", "1", "--out", "/tmp/repro_never.txt"};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    CHECK_THROWS_WITH(command_sample((int)argv.size(), argv.data()), Contains("needs about 320 GB"));
    CHECK_FALSE(path_exists("/tmp/repro_never.txt"));
}

// Runs a command with stdout (or, with stream 2, stderr) sent to a file; returns what it printed there.
static std::string printed_by(int (*command)(int, char**), std::vector<std::string> words, const std::string& file,
                              int stream = 1) {
    std::fflush(stdout);
    std::fflush(stderr);
    int saved = dup(stream);
    int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, stream);
    close(fd);
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    int status = -1;
    try {
        status = command((int)argv.size(), argv.data());
    } catch (...) {
        std::fflush(stdout);
        dup2(saved, stream);
        close(saved);
        throw;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    dup2(saved, stream);
    close(saved);
    REQUIRE(status == 0);
    return read_file(file);
}

TEST_CASE("repro energy: one sample prints the kurtosis as undefined, never nan", "[hostile]") {
    std::string dir = "/tmp/repro_test_hostile_" + std::to_string(getpid());
    make_directories(dir);
    write_file_atomic(dir + "/one.txt", std::string("1 -1\n"));
    write_file_atomic(dir + "/p.txt", std::string("0.5 0\n0 0.25\n0.25 0\n"));
    std::string out = printed_by(command_energy, {"repro", "energy", dir + "/one.txt", dir + "/p.txt"}, dir + "/stdout");
    CHECK(out == "mean -0.25\nvariance 0\nkurtosis undefined\nvariance_relative_se undefined\n");
    CHECK(out.find("nan") == std::string::npos);
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("erasure machine: n = 1 with balanced data gives b = 0 (the MLE), not its random start", "[ising][hostile]") {
    Samples balanced = parse_samples("1\n-1\n1\n-1\n1\n-1\n", "balanced");
    for (uint64_t seed : {1, 2, 3}) {
        ErasureOptions options;
        options.seed = seed;
        options.threads = 2;
        ErasureResult result = erasure_machine(balanced, options);
        INFO("seed " << seed << ": b = " << result.params.bias[0] << " after " << result.iterations << " updates");
        // Each update multiplies b by 1 - γ(1-ε) - γε = 0.9 near 0: 0.9^100 · |b0| < 3e-5 · 0.5.
        CHECK(std::fabs(result.params.bias[0]) < 2e-5);
        CHECK(result.iterations == 100);
    }
    CHECK(inference_data_warnings(balanced).empty());
}

TEST_CASE("erasure machine: a spin that never flips and M < n are warned about", "[ising][hostile]") {
    Samples constant = parse_samples("1 1 -1\n1 -1 1\n1 1 1\n1 -1 -1\n", "constant");
    std::vector<std::string> warnings = inference_data_warnings(constant);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("1 spin has the same value in all 4 samples: spin 1 (+1);") && Contains("infinite"));
    Samples few = parse_samples("1 -1 1 -1\n-1 1 1 -1\n1 1 -1 1\n", "few");
    warnings = inference_data_warnings(few);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("M = 3 samples for n = 4 spins"));
    // The inference still gives finite parameters.
    ErasureOptions options;
    options.eps_count = 3;
    ErasureResult result = erasure_machine(constant, options);
    for (double b : result.params.bias) CHECK(std::isfinite(b));
}

TEST_CASE("erasure machine: memory is O(M n + threads n^2), whatever the grid", "[ising][hostile]") {
    // n = 2000, M = 10 on 2 threads: about 385 MB (each thread: θ, the kept fit and its workspace, 40 bytes per
    // coupling); keeping every ε's parameters added 81 x 32 MB = 2.6 GB on the default grid.
    double bytes = (double)erasure_memory_bytes(10, 2000, 2);
    CHECK(bytes > 2.0 * 2000 * 2000 * 8);
    CHECK(bytes < 5e8);
    CHECK(erasure_memory_bytes(10, 2000, 1) < erasure_memory_bytes(10, 2000, 2));
}

TEST_CASE("Metropolis: fewer rows than chains runs only as many chains; the sweep counter reaches the total",
          "[ising][hostile]") {
    Rng rng;
    rng_seed(&rng, 5, 0);
    IsingParams params = draw_sk_params(6, 1.0, &rng);
    CHECK(metropolis_total_sweeps(10, 100, 5) == 10 * 100 + 10 * 5);
    CHECK(metropolis_total_sweeps(1000, 100, 5) == 64 * 100 + 1000 * 5);
    std::atomic<long long> sweeps(0);
    Samples samples = metropolis_sample(params, 10, 100, 5, &rng, 2, &sweeps);
    CHECK(samples.count == 10);
    CHECK(sweeps.load() == metropolis_total_sweeps(10, 100, 5));
}

TEST_CASE("repro augment: --probe without --stop is refused; --iterations 0 warns", "[diffusion][hostile]") {
    std::string dir = "/tmp/repro_test_hostile_aug_" + std::to_string(getpid());
    make_directories(dir);
    write_file_atomic(dir + "/train.txt", std::string("1 -1\n-1 1\n1 1\n"));
    std::vector<std::string> words = {"repro", "augment", dir + "/train.txt", "--out", dir + "/a.txt", "--probe", "100"};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    CHECK_THROWS_WITH(command_augment((int)argv.size(), argv.data()), "--probe is used only with --stop energy-variance");
    CHECK_FALSE(path_exists(dir + "/a.txt"));
    std::string said = printed_by(command_augment, {"repro", "augment", dir + "/train.txt", "--out", dir + "/a.txt",
                                                    "--iterations", "0", "--widths", "8,8,8", "--M-plus", "5",
                                                    "--sampler", "ddim", "--steps", "5", "--quiet"},
                                  dir + "/stderr", 2);
    CHECK_THAT(said, Contains("warning: --iterations 0: sampling from an untrained network"));
    CHECK(read_samples(dir + "/a.txt", true).count == 5);
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("repro augment: --resume with other data or batch is refused", "[diffusion][hostile]") {
    std::string dir = "/tmp/repro_test_hostile_resume_" + std::to_string(getpid());
    make_directories(dir);
    write_file_atomic(dir + "/train.txt", std::string("1 -1\n-1 1\n1 1\n"));
    write_file_atomic(dir + "/other.txt", std::string("1 -1\n-1 -1\n1 1\n"));
    auto run_augment = [&](std::vector<std::string> words) {
        std::vector<char*> argv;
        for (std::string& word : words) argv.push_back(&word[0]);
        return command_augment((int)argv.size(), argv.data());
    };
    std::string ck = dir + "/ck/ckpt.bin";
    REQUIRE(run_augment({"repro", "augment", dir + "/train.txt", "--out", dir + "/a.txt", "--widths", "8,8,8", "--batch",
                         "4", "--iterations", "4", "--M-plus", "5", "--checkpoint-every", "4", "--checkpoint-dir",
                         dir + "/ck", "--quiet"}) == 0);
    CHECK(path_exists(ck + ".run.txt"));
    CHECK_THROWS_WITH(run_augment({"repro", "augment", dir + "/other.txt", "--out", dir + "/b.txt", "--widths", "8,8,8",
                                   "--batch", "4", "--iterations", "8", "--M-plus", "5", "--resume", ck, "--quiet"}),
                      Contains("was trained on other data than " + dir + "/other.txt"));
    CHECK_THROWS_WITH(run_augment({"repro", "augment", dir + "/train.txt", "--out", dir + "/b.txt", "--widths", "8,8,8",
                                   "--batch", "8", "--iterations", "8", "--M-plus", "5", "--resume", ck, "--quiet"}),
                      Contains("was trained with --batch 4, not 8"));
    // The same data and batch continue (another seed only warns).
    CHECK(run_augment({"repro", "augment", dir + "/train.txt", "--out", dir + "/b.txt", "--widths", "8,8,8", "--batch",
                       "4", "--iterations", "8", "--M-plus", "5", "--resume", ck, "--seed", "2", "--quiet"}) == 0);
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("erasure machine: the progress counter counts every eps run, within the planned total", "[ising][hostile]") {
    Rng rng;
    rng_seed(&rng, 8, 0);
    IsingParams params = draw_sk_params(5, 1.0, &rng);
    Samples samples = metropolis_sample(params, 300, 100, 2, &rng, 1);
    for (int stride : {1, 6}) {
        std::atomic<long long> runs(0);
        ErasureOptions options;
        options.eps_stride = stride;
        options.max_iter = 5;
        options.threads = 2;
        options.runs_done = &runs;
        ErasureResult result = erasure_machine(samples, options);
        CHECK(runs.load() == (long long)result.eps_grid.size());
        CHECK(runs.load() <= erasure_planned_runs(options));
        if (stride == 1) CHECK(erasure_planned_runs(options) == 81);
        if (stride == 6) CHECK(erasure_planned_runs(options) == 25);  // 15 coarse + 10 fine (docs/scales.md, Quick scale)
    }
}

TEST_CASE("checkpoint: a forged config with huge widths is refused before allocating", "[diffusion][hostile]") {
    std::string dir = "/tmp/repro_test_hostile_ckpt_" + std::to_string(getpid());
    make_directories(dir);
    DiffusionConfig config = diffusion_config_for(6);
    for (int& width : config.denoiser.widths) width = 8;
    DiffusionModel model;
    diffusion_init(&model, config, 3);
    checkpoint_save(model, dir + "/ckpt.bin");
    // Layout: magic (8), version (4), n, widths[3] at bytes 16..28, ..., the parameter count (int64) at byte 108.
    std::string bytes = read_file(dir + "/ckpt.bin");
    bytes.resize(bytes.size() - 8);  // the hash
    DenoiserConfig huge = config.denoiser;
    for (int k = 0; k < 3; k++) {
        huge.widths[k] = 100000;
        int32_t width = 100000;
        std::memcpy(&bytes[16 + 4 * k], &width, 4);
    }
    int64_t count = denoiser_param_count(huge);
    std::memcpy(&bytes[108], &count, 8);
    uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ull;
    bytes.append((const char*)&hash, 8);
    write_file_atomic(dir + "/forged.bin", bytes);
    DiffusionModel loaded;
    CHECK_THROWS_WITH(checkpoint_load(&loaded, dir + "/forged.bin"),
                      Contains("checkpoint config needs " + std::to_string(count) + " parameters") &&
                          Contains("but the file holds only"));
    std::system(("rm -rf '" + dir + "'").c_str());
}
