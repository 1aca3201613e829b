// `make bench`: the diffusion engine's speed against the PyTorch peer and the sgemm ceiling, side by side, in one
// table (issue 3). The network is the paper's n = 40 denoiser (Appendix A), batch 256, on this machine's cores.
//   training:  diffusion_train, it/s (median of 3 timed runs, with the range)
//   sampling:  diffusion_sample with DDPM, a timed slice of 512 samples × all 1000 steps, extrapolated linearly to
//              100,000 samples (the sampler works in independent chunks of 256, so time is linear in the count)
//   ceiling:   the same GEMM calls alone (same shapes, same worker layout: one single-threaded BLAS per worker)
//   peer:      ../shared/peers/ddpm_torch.py under /usr/bin/python3, when torch is importable
// Wall-clock rates suffer when other processes share the cores, so each line also gives the process CPU time, and
// the load average is printed: compare numbers from the same run only.
#include <cblas.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "../data/rng.h"
#include "bench_clock.h"
#include "../cli/blas_startup.h"
#include "../nn/blas_core.h"
#include "../diffusion/diffusion.h"
#include "../diffusion/progress.h"
#include "../method/appendix_a.h"
#include "../data/workers.h"

static std::string cpu_model() {
    std::string model = "unknown CPU";
    FILE* file = std::fopen("/proc/cpuinfo", "r");
    if (!file) return model;
    char line[512];
    while (std::fgets(line, sizeof line, file))
        if (std::string(line).compare(0, 10, "model name") == 0) {
            std::string text = line;
            size_t colon = text.find(':');
            model = text.substr(colon + 2, text.size() - colon - 3);
            break;
        }
    std::fclose(file);
    return model;
}

static std::string load_average() {
    double load[3] = {0, 0, 0};
    FILE* file = std::fopen("/proc/loadavg", "r");
    if (file) {
        if (std::fscanf(file, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
        std::fclose(file);
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.2f %.2f %.2f", load[0], load[1], load[2]);
    return text;
}

struct Timing {
    double wall, cpu;
};

// GEMM-only replica of one worker's share of a training step (forward, weight and input gradients of the 7 layers)
// or of a sampling step (forward only), with contiguous buffers of the same shapes.
struct GemmReplica {
    DenoiserConfig config;
    int rows;
    std::vector<float> weights[7], weight_grads[7], activations[8], activation_grads[8];
    GemmReplica(const DenoiserConfig& c, int r) : config(c), rows(r) {
        for (int l = 0; l < 7; l++) {
            DenoiserLayer layer = denoiser_layer(config, l);
            weights[l].assign((size_t)layer.in_dim * layer.out_dim, 0.01f);
            weight_grads[l].assign(weights[l].size(), 0.0f);
            activations[l].assign((size_t)rows * layer.in_dim, 0.5f);
            activation_grads[l].assign((size_t)rows * layer.in_dim, 0.0f);
        }
        activations[7].assign((size_t)rows * config.n, 0.0f);
        activation_grads[7].assign((size_t)rows * config.n, 0.1f);
    }
    void step(bool training) {
        for (int l = 0; l < 7; l++) {
            DenoiserLayer layer = denoiser_layer(config, l);
            float* out = l < 6 ? activations[l + 1].data() : activations[7].data();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, layer.out_dim, layer.in_dim, 1.0f,
                        activations[l].data(), layer.in_dim, weights[l].data(), layer.in_dim, 0.0f, out, layer.out_dim);
        }
        if (!training) return;
        for (int l = 6; l >= 0; l--) {
            DenoiserLayer layer = denoiser_layer(config, l);
            // the output gradient buffer only needs the right size: reuse the next layer's input-gradient buffer
            const float* dout = l < 6 ? activation_grads[l + 1].data() : activation_grads[7].data();
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, layer.out_dim, layer.in_dim, rows, 1.0f, dout,
                        layer.out_dim, activations[l].data(), layer.in_dim, 1.0f, weight_grads[l].data(), layer.in_dim);
            if (l > 0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, layer.in_dim, layer.out_dim, 1.0f, dout,
                            layer.out_dim, weights[l].data(), layer.in_dim, 0.0f, activation_grads[l].data(),
                            layer.in_dim);
        }
    }
};

// Seconds per step of the GEMM replica with `workers` workers of `rows` rows each, in lockstep like training.
static double gemm_ceiling(const DenoiserConfig& config, int workers, int rows, bool training, int steps) {
    std::vector<GemmReplica*> replicas;
    for (int w = 0; w < workers; w++) replicas.push_back(new GemmReplica(config, rows));
    Barrier barrier(workers);
    double best = 1e30;
    for (int repeat = 0; repeat < 3; repeat++) {
        double start = monotonic_seconds();
        run_workers(workers, [&](int w) {
            for (int s = 0; s < steps; s++) {
                replicas[w]->step(training);
                if (training) barrier.wait();
            }
        });
        best = std::min(best, (monotonic_seconds() - start) / steps);
    }
    for (GemmReplica* replica : replicas) delete replica;
    return best;
}

// The same GEMMs as one call each with OpenBLAS's own threads over the whole batch (how the peer runs).
static double gemm_ceiling_blas_threads(const DenoiserConfig& config, int threads, int rows, bool training, int steps) {
    openblas_set_num_threads(threads);
    GemmReplica replica(config, rows);
    double best = 1e30;
    for (int repeat = 0; repeat < 3; repeat++) {
        double start = monotonic_seconds();
        for (int s = 0; s < steps; s++) replica.step(training);
        best = std::min(best, (monotonic_seconds() - start) / steps);
    }
    return best;
}

struct PeerResult {
    bool ran = false;
    double train_its = 0, train_rss = 0, sample_100k_s = 0, sample_rss = 0;
};

static double field(const std::string& line, const std::string& key) {
    size_t at = line.find(key + "=");
    return at == std::string::npos ? std::nan("") : std::atof(line.c_str() + at + key.size() + 1);
}

static std::string run_command(const std::string& command) {
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    pclose(pipe);
    return output;
}

static std::string fmt_ratio(double ratio) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2fx", ratio);
    return text;
}

// `environment` goes in front of the peer's command: "" for the environment as it is, or an `env ...` prefix.
static PeerResult run_peer(const std::string& environment) {
    PeerResult result;
    std::string script;
    for (const char* candidate : {"../shared/peers/ddpm_torch.py", "/work/shared/peers/ddpm_torch.py"})
        if (FILE* file = std::fopen(candidate, "r")) {
            std::fclose(file);
            script = candidate;
            break;
        }
    if (script.empty() || std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) return result;
    std::printf("peer: running %s%s (training ~10 s, sampling 10,000 × 50 steps) ...\n", environment.c_str(), script.c_str());
    std::fflush(stdout);
    std::string train = run_command(environment + " /usr/bin/python3 " + script + " train --threads 0 --batch 256 --seconds 8 2>/dev/null");
    std::string sample = run_command(environment + " /usr/bin/python3 " + script +
                                     " sample --threads 0 --nsamples 10000 --chunk 10000 --steps 50 2>/dev/null");
    result.train_its = field(train, "it/s");
    result.train_rss = field(train, "peakRSS_MiB");
    result.sample_100k_s = field(sample, "est_100k_s");
    result.sample_rss = field(sample, "peakRSS_MiB");
    result.ran = !std::isnan(result.train_its);
    return result;
}

int main(int argc, char** argv) {
    int blas_status = blas_startup(argc, argv);  // the BLAS kernels repro itself would run (cli/blas_startup.h)
    if (blas_status >= 0) return blas_status;
    const int n = 40, batch = 256;
    const int cores = (int)std::max(1u, std::thread::hardware_concurrency());
    const int threads = std::min(cores, 2);  // the setting: 2 cores
    std::printf("make bench: n = %d denoiser (Appendix A), batch %d, %d worker thread(s) on %s (%d cores); load average "
                "at start %s\nBLAS: %s\n", n, batch, threads, cpu_model().c_str(), cores, load_average().c_str(),
                blas_description().c_str());

    // Training data: ±1 samples (the content does not change the speed).
    Rng rng;
    rng_seed(&rng, 1);
    std::vector<float> data(4000 * n);
    for (float& s : data) s = rng_below(&rng, 2) ? 1.0f : -1.0f;

    // 1. Our training.
    DiffusionModel model;
    diffusion_init(&model, diffusion_config_for(n), 1);
    diffusion_train(&model, data.data(), 4000, 30, batch, threads, nullptr);  // warm-up
    std::vector<double> rates;
    double train_cpu_rate = 0;
    for (int repeat = 0; repeat < 3; repeat++) {
        const int iterations = 300;
        double wall = monotonic_seconds(), cpu = cpu_seconds();
        diffusion_train(&model, data.data(), 4000, iterations, batch, threads, nullptr);
        wall = monotonic_seconds() - wall;
        cpu = cpu_seconds() - cpu;
        rates.push_back(iterations / wall);
        train_cpu_rate += iterations / (cpu / threads) / 3;  // the rate if each worker had had a core to itself
    }
    std::sort(rates.begin(), rates.end());
    double train_rss = peak_rss_mib();
    std::printf("repro training: %.1f %.1f %.1f it/s (sorted); CPU-time basis %.1f it/s\n", rates[0], rates[1],
                rates[2], train_cpu_rate);

    // 2. Our sampling: 512 samples (two chunks, one per worker) × 1000 DDPM steps, twice; 100,000-sample output
    // buffer allocated and touched as a real run would.
    std::vector<float> out((size_t)100000 * n, 0.0f);
    std::vector<double> sample_seconds;
    double sample_cpu_seconds = 0;
    const long slice = 256L * threads;
    for (int repeat = 0; repeat < 2; repeat++) {
        double wall = monotonic_seconds(), cpu = cpu_seconds();
        diffusion_sample(model, slice, SamplerOptions(), 7, out.data(), threads, nullptr);
        wall = monotonic_seconds() - wall;
        cpu = cpu_seconds() - cpu;
        sample_seconds.push_back(wall * 100000.0 / slice);
        sample_cpu_seconds += cpu / threads * 100000.0 / slice / 2;
    }
    std::sort(sample_seconds.begin(), sample_seconds.end());
    double sample_rss = peak_rss_mib();
    std::printf("repro sampling: 100,000 × 1000 DDPM steps extrapolated to %.0f s and %.0f s; CPU-time basis %.0f s\n",
                sample_seconds[0], sample_seconds[1], sample_cpu_seconds);

    // 3. The ceilings.
    DenoiserConfig config = denoiser_config_for(n);
    double ceiling_train = gemm_ceiling(config, threads, batch / threads, true, 100);
    double ceiling_sample = gemm_ceiling(config, threads, 256, false, 100);  // per 256·threads sample-steps
    double blas_train = gemm_ceiling_blas_threads(config, threads, batch, true, 100);
    double blas_sample = gemm_ceiling_blas_threads(config, threads, 4096, false, 10);
    double ceiling_sample_100k = ceiling_sample / (256.0 * threads) * 1e5 * 1000;
    double blas_sample_100k = blas_sample / 4096.0 * 1e5 * 1000;
    std::printf("sgemm ceiling: training %.1f it/s (%d workers × %d rows), %.1f it/s (BLAS %d threads, %d rows); "
                "sampling %.0f s (workers × 256 rows), %.0f s (BLAS threads, 4096 rows)\n",
                1.0 / ceiling_train, threads, batch / threads, 1.0 / blas_train, threads, batch, ceiling_sample_100k,
                blas_sample_100k);

    // 4. The peer.
    // The peer with its own BLAS choice (the environment the user had: without the core repro chose for itself), and
    // once with repro's core, for a ratio of the code rather than of the kernels.
    bool repro_chose = std::getenv("REPRO_BLAS_CHOICE") && std::getenv("OPENBLAS_CORETYPE");
    PeerResult peer = run_peer(repro_chose ? "env -u OPENBLAS_CORETYPE" : "");
    PeerResult peer_same = repro_chose ? run_peer("env OPENBLAS_CORETYPE=" + blas_core_name()) : peer;
    std::printf("load average at end %s\n\n", load_average().c_str());

    double median_rate = rates[1];
    double gemm_share_train = ceiling_train * median_rate;
    double gemm_share_sample = ceiling_sample_100k / sample_seconds[0];
    char peer_train[64] = "not run", peer_sample[64] = "not run", peer_rss[64] = "not run";
    if (peer.ran) {
        std::snprintf(peer_train, sizeof peer_train, "%.1f", peer.train_its);
        std::snprintf(peer_sample, sizeof peer_sample, "%.0f", peer.sample_100k_s);
        std::snprintf(peer_rss, sizeof peer_rss, "%.0f / %.0f", peer.train_rss, peer.sample_rss);
    }
    std::printf("| %-52s | %-30s | %-13s | %-24s |\n", "measure", "repro", "PyTorch peer", "sgemm ceiling");
    std::printf("|%s|%s|%s|%s|\n", std::string(54, '-').c_str(), std::string(32, '-').c_str(),
                std::string(15, '-').c_str(), std::string(26, '-').c_str());
    char ours[96], ceiling[96];
    std::snprintf(ours, sizeof ours, "%.1f (%.1f–%.1f; CPU basis %.1f)", median_rate, rates[0], rates[2], train_cpu_rate);
    std::snprintf(ceiling, sizeof ceiling, "%.1f", 1.0 / ceiling_train);
    std::printf("| %-52s | %-30s | %-13s | %-24s |\n", "training, batch 256 (it/s)", ours, peer_train, ceiling);
    if (peer.ran)
        std::printf("| %-52s | %-30s | %-13s | %-24s |\n", "ratio repro / peer (training)",
                    (fmt_ratio(median_rate / peer.train_its) + (repro_chose ? " (peer on its own core)" : "")).c_str(),
                    "", "");
    if (peer.ran && repro_chose && peer_same.ran)
        std::printf("| %-52s | %-30s | %-13s | %-24s |\n", ("peer on repro's core " + blas_core_name() + " (it/s; ratio)").c_str(),
                    fmt_ratio(median_rate / peer_same.train_its).c_str(), std::to_string(peer_same.train_its).substr(0, 5).c_str(), "");
    std::snprintf(ours, sizeof ours, "%.0f %%", 100.0 * gemm_share_train);
    std::printf("| %-52s | %-30s | %-13s | %-24s |\n", "GEMM share of training time", ours, "", "100 %");
    std::snprintf(ours, sizeof ours, "%.0f (%.0f; CPU basis %.0f)", sample_seconds[0], sample_seconds[1],
                  sample_cpu_seconds);
    std::snprintf(ceiling, sizeof ceiling, "%.0f", ceiling_sample_100k);
    std::printf("| %-52s | %-30s | %-13s | %-24s |\n", "sampling 100,000 × 1000 DDPM steps (s, extrapolated)", ours,
                peer_sample, ceiling);
    std::snprintf(ours, sizeof ours, "%.0f %%", 100.0 * gemm_share_sample);
    std::printf("| %-52s | %-30s | %-13s | %-24s |\n", "GEMM share of sampling time", ours, "", "100 %");
    std::snprintf(ours, sizeof ours, "%.0f / %.0f", train_rss, sample_rss);
    std::printf("| %-52s | %-30s | %-13s | %-24s |\n", "peak RSS, training / +sampling (MiB)", ours, peer_rss, "");
    std::printf("\nCeiling columns: our worker layout (%d × %d rows, single-threaded BLAS each). With OpenBLAS's own "
                "%d threads over whole batches (the peer's layout) the GEMMs alone give %.1f it/s and %.0f s.\n",
                threads, batch / threads, threads, 1.0 / blas_train, blas_sample_100k);
    std::printf("Targets (issue 3): training >= 100 it/s, sampling <= 1,100 s, peak RSS <= 512 MiB.\n");
    return 0;
}
