// Streaming Verilator harness for the feed handler top (Vfeed: `--prefix Vfeed`).
//
// One run: reset, apply AXI4-Lite register writes, stream rx beats one per cycle from a job
// file, record every output record, then read registers back. The layouts of the packed
// payloads are not known here: Python packs rx_payload words and unpacks outputs from the
// Amaranth layouts, so this file never needs to change when a layout does.
//
// Job file (little-endian u32 words unless noted):
//   magic "TFJB", version 1,
//   n_writes, n_writes x (address, value),
//   n_reads, n_reads x address,
//   rx_words, drain_cycles, n_cycles (u64), n_cycles x (valid, rx_words payload words).
// Output file: magic "TFOU", version 1, record_words, words per kind (events, frame_end,
//   gaps), then records of record_words u32: cycle (i64, 2 words; 0 = first rx record),
//   kind (1 event, 2 frame_end, 3 gap), pad, payload words (zero-filled to the widest).
//   Within one cycle the order is events, frame_end, gaps.
// Readback file: n_reads x (address, value, resp), then the total cycles run (u64).
//
// Usage: feed_tb JOB OUT READBACK

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "Vfeed.h"
#include "verilated.h"

namespace {

template <typename T>
using Bare = std::remove_cv_t<std::remove_reference_t<T>>;

template <typename T>
constexpr uint32_t word_count() {
    if constexpr (std::is_integral_v<T>) {
        return sizeof(T) > 4 ? 2 : 1;
    } else {
        return T::Words;
    }
}

template <typename T>
void put_words(T& port, const uint32_t* words) {
    if constexpr (std::is_integral_v<T>) {
        uint64_t value = words[0];
        if constexpr (sizeof(T) > 4) value |= uint64_t(words[1]) << 32;
        port = T(value);
    } else {
        for (size_t i = 0; i < T::Words; ++i) port[i] = words[i];
    }
}

template <typename T>
void get_words(const T& port, uint32_t* words) {
    if constexpr (std::is_integral_v<T>) {
        uint64_t value = port;
        words[0] = uint32_t(value);
        if constexpr (sizeof(T) > 4) words[1] = uint32_t(value >> 32);
    } else {
        for (size_t i = 0; i < T::Words; ++i) words[i] = port[i];
    }
}

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "feed_tb: %s\n", what);
    std::exit(2);
}

uint32_t read_u32(FILE* f) {
    uint32_t v;
    if (std::fread(&v, 4, 1, f) != 1) fail("job file truncated");
    return v;
}

void write_u32(FILE* f, uint32_t v) { std::fwrite(&v, 4, 1, f); }

using RxT = Bare<decltype(std::declval<Vfeed>().rx_payload)>;
using EvT = Bare<decltype(std::declval<Vfeed>().events_payload)>;
using FeT = Bare<decltype(std::declval<Vfeed>().frame_end_payload)>;
using GapT = Bare<decltype(std::declval<Vfeed>().gaps_payload)>;
constexpr uint32_t kRxWords = word_count<RxT>();
constexpr uint32_t kKindWords[3] = {word_count<EvT>(), word_count<FeT>(), word_count<GapT>()};
constexpr uint32_t kMaxWords = std::max({kKindWords[0], kKindWords[1], kKindWords[2]});
constexpr uint32_t kRecordWords = 4 + kMaxWords;
constexpr int kHandshakeLimit = 1000;

class Bench {
  public:
    Bench(VerilatedContext* context, FILE* out) : top_(new Vfeed{context}), out_(out) {}
    ~Bench() { top_->final(); }

    // Inputs for the coming edge are set by the caller; settle() evaluates the cycle's
    // combinational outputs (what a downstream register would capture), edge() clocks.
    void settle() {
        top_->clk = 0;
        top_->eval();
    }
    void edge() {
        top_->clk = 1;
        top_->eval();
        ++cycle_;
    }
    void cycle() {
        settle();
        record();
        edge();
    }

    void reset() {
        top_->rst = 1;
        top_->rx_valid = 0;
        for (int i = 0; i < 4; ++i) cycle();
        top_->rst = 0;
        cycle();
    }

    void write(uint32_t address, uint32_t value) {
        top_->s_axil_awaddr = address;
        top_->s_axil_awvalid = 1;
        top_->s_axil_wdata = value;
        top_->s_axil_wstrb = 0xF;
        top_->s_axil_wvalid = 1;
        top_->s_axil_bready = 1;
        bool address_done = false, data_done = false;
        for (int i = 0; !(address_done && data_done); ++i) {
            if (i == kHandshakeLimit) fail("AXI4-Lite write never accepted");
            settle();
            record();
            const bool aw = top_->s_axil_awvalid && top_->s_axil_awready;
            const bool w = top_->s_axil_wvalid && top_->s_axil_wready;
            edge();
            if (aw) { address_done = true; top_->s_axil_awvalid = 0; }
            if (w) { data_done = true; top_->s_axil_wvalid = 0; }
        }
        for (int i = 0;; ++i) {
            if (i == kHandshakeLimit) fail("AXI4-Lite write never answered");
            settle();
            record();
            const bool b = top_->s_axil_bvalid;
            edge();
            if (b) break;
        }
        top_->s_axil_bready = 0;
    }

    void read(uint32_t address, uint32_t* value, uint32_t* resp) {
        top_->s_axil_araddr = address;
        top_->s_axil_arvalid = 1;
        top_->s_axil_rready = 1;
        for (int i = 0;; ++i) {
            if (i == kHandshakeLimit) fail("AXI4-Lite read never accepted");
            settle();
            record();
            const bool ar = top_->s_axil_arready;
            edge();
            if (ar) break;
        }
        top_->s_axil_arvalid = 0;
        for (int i = 0;; ++i) {
            if (i == kHandshakeLimit) fail("AXI4-Lite read never answered");
            settle();
            record();
            const bool r = top_->s_axil_rvalid;
            *value = top_->s_axil_rdata;
            *resp = top_->s_axil_rresp;
            edge();
            if (r) break;
        }
        top_->s_axil_rready = 0;
    }

    void set_rx(uint32_t valid, const uint32_t* words) {
        top_->rx_valid = valid;
        put_words(top_->rx_payload, words);
    }

    void start_stream() { origin_ = cycle_; }
    uint64_t cycles() const { return cycle_; }

  private:
    void record() {
        if (top_->events_valid) emit(1, top_->events_payload);
        if (top_->frame_end_valid) emit(2, top_->frame_end_payload);
        if (top_->gaps_valid) emit(3, top_->gaps_payload);
    }

    template <typename T>
    void emit(uint32_t kind, const T& payload) {
        uint32_t words[kRecordWords] = {};
        const int64_t at = int64_t(cycle_) - int64_t(origin_);
        std::memcpy(words, &at, sizeof at);
        words[2] = kind;
        get_words(payload, words + 4);
        std::fwrite(words, 4, kRecordWords, out_);
    }

    std::unique_ptr<Vfeed> top_;
    FILE* out_;
    uint64_t cycle_ = 0;
    uint64_t origin_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) fail("usage: feed_tb JOB OUT READBACK");
    FILE* job = std::fopen(argv[1], "rb");
    FILE* out = std::fopen(argv[2], "wb");
    FILE* readback = std::fopen(argv[3], "wb");
    if (!job || !out || !readback) fail("cannot open the job, output or readback file");
    static char job_buffer[1 << 20], out_buffer[1 << 20];
    std::setvbuf(job, job_buffer, _IOFBF, sizeof job_buffer);
    std::setvbuf(out, out_buffer, _IOFBF, sizeof out_buffer);

    if (read_u32(job) != 0x424A4654u || read_u32(job) != 1) fail("not a version 1 job file");
    std::vector<uint32_t> writes(2 * read_u32(job));
    for (auto& w : writes) w = read_u32(job);
    std::vector<uint32_t> reads(read_u32(job));
    for (auto& r : reads) r = read_u32(job);
    if (read_u32(job) != kRxWords) fail("rx_payload width differs from the model's");
    const uint32_t drain = read_u32(job);
    uint64_t n_cycles = read_u32(job);
    n_cycles |= uint64_t(read_u32(job)) << 32;

    write_u32(out, 0x554F4654u);  // "TFOU"
    write_u32(out, 1);
    write_u32(out, kRecordWords);
    for (uint32_t words : kKindWords) write_u32(out, words);

    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    Bench bench(context.get(), out);
    bench.reset();
    for (size_t i = 0; i < writes.size(); i += 2) bench.write(writes[i], writes[i + 1]);
    bench.start_stream();
    uint32_t record[1 + kRxWords];
    for (uint64_t c = 0; c < n_cycles; ++c) {
        if (std::fread(record, 4, 1 + kRxWords, job) != 1 + kRxWords) fail("rx records truncated");
        bench.set_rx(record[0], record + 1);
        bench.cycle();
    }
    const uint32_t idle[kRxWords] = {};
    bench.set_rx(0, idle);
    for (uint32_t c = 0; c < drain; ++c) bench.cycle();
    for (uint32_t address : reads) {
        uint32_t value = 0, resp = 0;
        bench.read(address, &value, &resp);
        write_u32(readback, address);
        write_u32(readback, value);
        write_u32(readback, resp);
    }
    const uint64_t total = bench.cycles();
    std::fwrite(&total, 8, 1, readback);
    std::fclose(job);
    std::fclose(out);
    std::fclose(readback);
    return 0;
}
