// Streaming Verilator harness for any top with input streams and output streams (the feed
// handler's FeedTop, the card, book-only and trading test tops), built with `--prefix Vtop`.
//
// The top's streams are not named here: Python writes `tb_ports.h` from the component's
// signature (sim/harness_ports.py) with
//   TB_INPUTS(X)             X(name) per input stream, in row order; each row carries, per
//                            input, its valid word and its payload words,
//   TB_OUTPUTS(X)            X(name) per output stream, in kind order (kind 0, 1, ...),
//   TB_QUEUED_INPUTS(X)      input streams that have a ready (the host's commands): not in
//                            the rows; serve command 5 queues payloads for one, and its
//                            queue's head is presented every cycle until taken,
//   TB_READY_OUTPUTS(X)      output streams that have a ready (held at 1),
//   TB_HAS_AXIL              1 if the top has the AXI4-Lite register bus `s_axil`.
// Payload layouts are not known here either: Python packs input words and unpacks outputs
// from the Amaranth layouts, so this file never changes when a layout does.
//
// Batch mode, `feed_tb JOB OUTDIR`: reset, register operations, stream the input rows one
// per cycle, drain, read registers back.
//
// Job file (little-endian u32 words unless noted):
//   magic "TFJB", version 3, record_mask (bit k: record output kind k),
//   n_ops, n_ops x (op, a, b, c): op 1 write value b to address a; op 2 read address a
//     until (value & b) == c; op 3 run a idle cycles,
//   n_reads, n_reads x address,
//   row_words, drain_cycles, n_cycles (u64), n_cycles x row_words words.
// Output directory:
//   header.bin: magic "TFOU", version 2, n_kinds, then per kind: payload words, records
//     written (u64), name length in bytes, name (zero-padded to whole words);
//   <name>.bin per recorded kind: records of (cycle (i64, 2 words; 0 = first input row),
//     payload words). Records of one cycle are in kind order, so the order of all records
//     is the order of (cycle, kind).
//   readback.bin: n_reads x (address, value, resp), then the total cycles run (u64).
//
// Serve mode, `feed_tb --serve`: reset, then commands on stdin, answers on stdout (u32
// words; cycles, in answers and records alike, are counted from the end of reset):
//   1 address value        write                      -> 0
//   2 address              read                       -> value, resp
//   3 n (u64) rows...      run n rows (n x row_words) -> cycle after (u64), then per kind:
//                                                        count (u64), count x (cycle (i64),
//                                                        payload words)
//   4 mask                 record the kinds in mask   -> 0
//   5 input n payloads...  queue n payloads for queued input `input` (its payload words
//                          each)                      -> 0
//   6 input                payloads still queued      -> count (u32)
//   0                      quit
// `row_words` is checked once: the first word the harness writes is its own row width.
//
// Usage: feed_tb JOB OUTDIR | feed_tb --serve

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "Vtop.h"
#include "tb_ports.h"
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

#define TB_PAYLOAD_T(name) Bare<decltype(std::declval<Vtop>().name##_payload)>
#define TB_COUNT(name) +1
#define TB_WORDS(name) word_count<TB_PAYLOAD_T(name)>(),
#define TB_NAME(name) #name,
#define TB_TAKEN(name) bool(top_->name##_valid && top_->name##_ready),

#define TB_ROW_WORDS(name) +1 + word_count<TB_PAYLOAD_T(name)>()
constexpr uint32_t kRowWords = 0 TB_INPUTS(TB_ROW_WORDS);
constexpr int kKinds = 0 TB_OUTPUTS(TB_COUNT);
constexpr int kQueued = 0 TB_QUEUED_INPUTS(TB_COUNT);
#define TB_QUEUED_WORDS(name) word_count<TB_PAYLOAD_T(name)>(),
constexpr uint32_t kQueuedWords[kQueued + 1] = {TB_QUEUED_INPUTS(TB_QUEUED_WORDS) 0};
constexpr uint32_t kKindWords[kKinds] = {TB_OUTPUTS(TB_WORDS)};
const char* const kKindNames[kKinds] = {TB_OUTPUTS(TB_NAME)};
constexpr uint32_t kMaxWords = [] {
    uint32_t most = 0;
    for (uint32_t words : kKindWords) most = words > most ? words : most;
    return most;
}();
constexpr int kHandshakeLimit = 1000;
constexpr int kPollLimit = 100000;

class Bench {
  public:
    Bench(VerilatedContext* context, std::vector<FILE*> outs)
        : top_(new Vtop{context}), outs_(std::move(outs)), counts_(kKinds, 0),
          kept_(kKinds), queues_(kQueued + 1) {
#define TB_SET_READY(name) top_->name##_ready = 1;
        TB_READY_OUTPUTS(TB_SET_READY)
#undef TB_SET_READY
    }
    ~Bench() { top_->final(); }

    // Inputs for the coming edge are set by the caller; settle() evaluates the cycle's
    // combinational outputs (what a downstream register would capture), edge() clocks.
    // Queued inputs present their heads in settle(); edge() pops what the top took.
    void settle() {
        present();
        top_->clk = 0;
        top_->eval();
    }
    void edge() {
        const bool taken[kQueued + 1] = {TB_QUEUED_INPUTS(TB_TAKEN) false};
        top_->clk = 1;
        top_->eval();
        ++cycle_;
        for (int q = 0; q < kQueued; ++q)
            if (taken[q]) queues_[q].pop_front();
    }
    void cycle() {
        settle();
        record();
        edge();
    }
    void enqueue(uint32_t input, const uint32_t* payload) {
        if (input >= uint32_t(kQueued)) fail("no such queued input");
        queues_[input].emplace_back(payload, payload + kQueuedWords[input]);
    }
    uint32_t queued(uint32_t input) const {
        if (input >= uint32_t(kQueued)) fail("no such queued input");
        return uint32_t(queues_[input].size());
    }

    void reset() {
        top_->rst = 1;
        idle();
        for (int i = 0; i < 4; ++i) cycle();
        top_->rst = 0;
        cycle();
    }

#if TB_HAS_AXIL
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
#else
    void write(uint32_t, uint32_t) { fail("the top has no s_axil register bus"); }
    void read(uint32_t, uint32_t*, uint32_t*) { fail("the top has no s_axil register bus"); }
#endif

    void poll(uint32_t address, uint32_t mask, uint32_t expect) {
        for (int i = 0;; ++i) {
            if (i == kPollLimit) fail("a polled register never reached its value");
            uint32_t value = 0, resp = 0;
            read(address, &value, &resp);
            if (resp) fail("a polled register answered with an error");
            if ((value & mask) == expect) return;
        }
    }

    // One row: per input, its valid word and payload words.
    void set_inputs(const uint32_t* row) {
#define TB_SET(name)                           \
    top_->name##_valid = *row++;               \
    put_words(top_->name##_payload, row);      \
    row += word_count<TB_PAYLOAD_T(name)>();
        TB_INPUTS(TB_SET)
#undef TB_SET
    }
    void idle() {
#define TB_IDLE(name) top_->name##_valid = 0;
        TB_INPUTS(TB_IDLE)
#undef TB_IDLE
    }
    // Queued inputs: the head of each queue, valid until the top takes it.
    void present() {
        int q = 0;
#define TB_PRESENT(name)                                              \
    top_->name##_valid = !queues_[q].empty();                         \
    if (!queues_[q].empty()) put_words(top_->name##_payload, queues_[q].front().data()); \
    ++q;
        TB_QUEUED_INPUTS(TB_PRESENT)
#undef TB_PRESENT
        (void)q;
    }

    void start_stream() { origin_ = cycle_; }
    // Serve mode: keep records in memory (kinds in `mask`) instead of writing files.
    void keep(uint32_t mask) { keep_mask_ = mask; }
    std::vector<uint32_t>& kept(int kind) { return kept_[kind]; }
    uint64_t kept_count(int kind) const {
        return kept_[kind].size() / (2 + kKindWords[kind]);
    }
    void clear_kept() {
        for (auto& k : kept_) k.clear();
    }
    uint64_t cycles() const { return cycle_; }
    uint64_t stream_cycles() const { return cycle_ - origin_; }
    uint64_t count(int kind) const { return counts_[kind]; }

  private:
    void record() {
        int kind = 0;
#define TB_RECORD(name)                                                              \
    if ((outs_[kind] || (keep_mask_ >> kind & 1)) && top_->name##_valid)                 \
        emit(kind, top_->name##_payload);                                                \
    ++kind;
        TB_OUTPUTS(TB_RECORD)
#undef TB_RECORD
    }

    template <typename T>
    void emit(int kind, const T& payload) {
        uint32_t words[2 + kMaxWords];
        const int64_t at = int64_t(cycle_) - int64_t(origin_);
        std::memcpy(words, &at, sizeof at);
        get_words(payload, words + 2);
        if (keep_mask_ >> kind & 1) {
            kept_[kind].insert(kept_[kind].end(), words, words + 2 + kKindWords[kind]);
        } else {
            std::fwrite(words, 4, 2 + kKindWords[kind], outs_[kind]);
        }
        ++counts_[kind];
    }

    std::unique_ptr<Vtop> top_;
    std::vector<FILE*> outs_;
    std::vector<uint64_t> counts_;
    uint64_t cycle_ = 0;
    uint64_t origin_ = 0;
    uint32_t keep_mask_ = 0;
    std::vector<std::vector<uint32_t>> kept_;
    std::vector<std::deque<std::vector<uint32_t>>> queues_;
};

FILE* open_or_fail(const std::string& path, const char* mode) {
    FILE* f = std::fopen(path.c_str(), mode);
    if (!f) fail(("cannot open " + path).c_str());
    return f;
}

void write_header(const std::string& path, const Bench& bench) {
    FILE* header = open_or_fail(path, "wb");
    write_u32(header, 0x554F4654u);  // "TFOU"
    write_u32(header, 2);
    write_u32(header, kKinds);
    for (int kind = 0; kind < kKinds; ++kind) {
        const uint64_t count = bench.count(kind);
        const uint32_t length = uint32_t(std::strlen(kKindNames[kind]));
        write_u32(header, kKindWords[kind]);
        write_u32(header, uint32_t(count));
        write_u32(header, uint32_t(count >> 32));
        write_u32(header, length);
        char name[256] = {};
        std::memcpy(name, kKindNames[kind], length);
        std::fwrite(name, 1, (length + 3) / 4 * 4, header);
    }
    std::fclose(header);
}

}  // namespace

int serve(int argc, char** argv) {
    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    Bench bench(context.get(), std::vector<FILE*>(kKinds, nullptr));
    bench.reset();
    bench.start_stream();
    static char in_buffer[1 << 20], out_buffer[1 << 20];
    std::setvbuf(stdin, in_buffer, _IOFBF, sizeof in_buffer);
    std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    write_u32(stdout, kRowWords);
    std::fflush(stdout);
    std::vector<uint32_t> rows;
    for (;;) {
        uint32_t command;
        if (std::fread(&command, 4, 1, stdin) != 1) return 0;
        switch (command) {
            case 0: return 0;
            case 1: {
                const uint32_t address = read_u32(stdin), value = read_u32(stdin);
                bench.write(address, value);
                write_u32(stdout, 0);
                break;
            }
            case 2: {
                uint32_t value = 0, resp = 0;
                bench.read(read_u32(stdin), &value, &resp);
                write_u32(stdout, value);
                write_u32(stdout, resp);
                break;
            }
            case 3: {
                uint64_t n = read_u32(stdin);
                n |= uint64_t(read_u32(stdin)) << 32;
                rows.resize(n * kRowWords);
                if (std::fread(rows.data(), 4, rows.size(), stdin) != rows.size())
                    fail("input rows truncated");
                for (uint64_t c = 0; c < n; ++c) {
                    bench.set_inputs(rows.data() + c * kRowWords);
                    bench.cycle();
                }
                bench.idle();
                const uint64_t now = bench.stream_cycles();
                std::fwrite(&now, 8, 1, stdout);
                for (int kind = 0; kind < kKinds; ++kind) {
                    const uint64_t count = bench.kept_count(kind);
                    std::fwrite(&count, 8, 1, stdout);
                    auto& kept = bench.kept(kind);
                    std::fwrite(kept.data(), 4, kept.size(), stdout);
                }
                bench.clear_kept();
                break;
            }
            case 4:
                bench.keep(read_u32(stdin));
                write_u32(stdout, 0);
                break;
            case 5: {
                const uint32_t input = read_u32(stdin), n = read_u32(stdin);
                if (input >= uint32_t(kQueued)) fail("no such queued input");
                std::vector<uint32_t> payload(kQueuedWords[input]);
                for (uint32_t i = 0; i < n; ++i) {
                    for (auto& w : payload) w = read_u32(stdin);
                    bench.enqueue(input, payload.data());
                }
                write_u32(stdout, 0);
                break;
            }
            case 6:
                write_u32(stdout, bench.queued(read_u32(stdin)));
                break;
            default: fail("unknown serve command");
        }
        std::fflush(stdout);
    }
}

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--serve") == 0) return serve(argc, argv);
    if (argc != 3) fail("usage: feed_tb JOB OUTDIR | feed_tb --serve");
    const std::string dir = argv[2];
    FILE* job = open_or_fail(argv[1], "rb");
    static char job_buffer[1 << 20];
    std::setvbuf(job, job_buffer, _IOFBF, sizeof job_buffer);

    if (read_u32(job) != 0x424A4654u || read_u32(job) != 3) fail("not a version 3 job file");
    const uint32_t record_mask = read_u32(job);
    std::vector<uint32_t> ops(4 * read_u32(job));
    for (auto& w : ops) w = read_u32(job);
    std::vector<uint32_t> reads(read_u32(job));
    for (auto& r : reads) r = read_u32(job);
    if (read_u32(job) != kRowWords) fail("input row width differs from the model's");
    const uint32_t drain = read_u32(job);
    uint64_t n_cycles = read_u32(job);
    n_cycles |= uint64_t(read_u32(job)) << 32;

    std::vector<FILE*> outs(kKinds, nullptr);
    std::vector<std::unique_ptr<char[]>> buffers;
    for (int kind = 0; kind < kKinds; ++kind) {
        if (!(record_mask >> kind & 1)) continue;
        outs[kind] = open_or_fail(dir + "/" + kKindNames[kind] + ".bin", "wb");
        buffers.emplace_back(new char[1 << 20]);
        std::setvbuf(outs[kind], buffers.back().get(), _IOFBF, 1 << 20);
    }

    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    Bench bench(context.get(), outs);
    bench.reset();
    for (size_t i = 0; i < ops.size(); i += 4) {
        switch (ops[i]) {
            case 1: bench.write(ops[i + 1], ops[i + 2]); break;
            case 2: bench.poll(ops[i + 1], ops[i + 2], ops[i + 3]); break;
            case 3: for (uint32_t c = 0; c < ops[i + 1]; ++c) bench.cycle(); break;
            default: fail("unknown register operation in the job file");
        }
    }
    bench.start_stream();
    std::vector<uint32_t> row(kRowWords);
    for (uint64_t c = 0; c < n_cycles; ++c) {
        if (std::fread(row.data(), 4, kRowWords, job) != kRowWords) fail("input rows truncated");
        bench.set_inputs(row.data());
        bench.cycle();
    }
    bench.idle();
    for (uint32_t c = 0; c < drain; ++c) bench.cycle();

    FILE* readback = open_or_fail(dir + "/readback.bin", "wb");
    for (uint32_t address : reads) {
        uint32_t value = 0, resp = 0;
        bench.read(address, &value, &resp);
        write_u32(readback, address);
        write_u32(readback, value);
        write_u32(readback, resp);
    }
    const uint64_t total = bench.cycles();
    std::fwrite(&total, 8, 1, readback);
    std::fclose(readback);
    std::fclose(job);
    for (FILE* f : outs)
        if (f) std::fclose(f);
    write_header(dir + "/header.bin", bench);
    return 0;
}
