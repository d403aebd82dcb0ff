#include "checkpoint/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "types/codec.h"
#include "types/decode.h"
#include "util/clock.h"
#include "util/crc32c.h"

namespace strata::checkpoint {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'C', 'K'};
constexpr char kBlockTag[4] = {'B', 'L', 'C', 'K'};
constexpr char kTrailerTag[4] = {'T', 'R', 'L', 'R'};
constexpr char kServerDataTag[4] = {'S', 'R', 'V', 'D'};
constexpr std::size_t kServerDataHeaderSize = 16;
constexpr std::size_t kHeaderSize = 36;
constexpr std::size_t kBlockHeaderSize = 24;
constexpr std::size_t kTrailerFixed = 32;  // before the per-database counts and the CRC
constexpr std::size_t kWriteBuffer = 1 << 20;
constexpr std::uint8_t kFlagExpire = 1;
constexpr std::string_view kPrefix = "checkpoint-";
constexpr std::string_view kSuffix = ".strata";
constexpr std::string_view kTmpSuffix = ".strata.tmp";

void Put32(std::string* out, std::uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 4);
}
void Put64(std::string* out, std::uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}
std::uint32_t Get32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
std::uint64_t Get64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Status WriteAll(int fd, const char* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(Errno("cannot write", path));
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return Status::OK();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(Errno("cannot open directory", dir));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return Status::IOError(Errno("cannot fsync directory", dir));
  return Status::OK();
}

// Lays out the file's sections in memory, computing the trailer's figures; the caller
// writes out what TakeOutput returns. Every database has its own open block, because a
// concurrent snapshot emits keys of any database in any order.
class Writer {
 public:
  Writer(int num_dbs, std::size_t block_bytes)
      : block_bytes_(std::max<std::size_t>(block_bytes, 1)),
        blocks_(static_cast<std::size_t>(num_dbs)),
        per_db_(static_cast<std::size_t>(num_dbs), 0) {}

  void Header(std::int64_t created_ms) {
    std::string h(kMagic, sizeof(kMagic));
    Put32(&h, kFormatVersion);
    Put32(&h, 0);  // flags
    Put64(&h, static_cast<std::uint64_t>(created_ms));
    Put32(&h, static_cast<std::uint32_t>(per_db_.size()));
    Put32(&h, 0);  // reserved
    Put32(&h, Crc32c(h));
    Emit(h);
  }

  // The server data section, right after the header (none when `data` is empty).
  void ServerData(std::string_view data) {
    if (data.empty()) return;
    if (data.size() > UINT32_MAX) {
      if (status_.ok()) status_ = Status::InvalidArgument("server data too large for a checkpoint");
      return;
    }
    std::string h(kServerDataTag, sizeof(kServerDataTag));
    Put32(&h, static_cast<std::uint32_t>(data.size()));
    Put32(&h, Crc32c(data));
    Put32(&h, Crc32c(h));
    Emit(h);
    Emit(data);
  }

  void Record(int db, std::string_view key, ValueType type, std::string_view value,
              std::int64_t expire_at_ms) {
    Block& b = blocks_[static_cast<std::size_t>(db)];
    b.data.push_back(static_cast<char>(type));
    bool expires = expire_at_ms != kNoExpire;
    b.data.push_back(static_cast<char>(expires ? kFlagExpire : 0));
    if (expires) Put64(&b.data, static_cast<std::uint64_t>(expire_at_ms));
    types::PutBytes(&b.data, key);
    types::PutBytes(&b.data, value);
    ++b.records;
    ++per_db_[static_cast<std::size_t>(db)];
    ++records_;
    if (b.data.size() >= block_bytes_) EndBlock(db);
  }

  void Finish() {
    for (int db = 0; db < static_cast<int>(blocks_.size()); ++db) EndBlock(db);
    std::string t(kTrailerTag, sizeof(kTrailerTag));
    Put32(&t, static_cast<std::uint32_t>(per_db_.size()));
    Put64(&t, block_count_);
    Put64(&t, records_);
    Put64(&t, emitted_);
    for (std::uint64_t n : per_db_) Put64(&t, n);
    Put32(&t, Crc32c(t));
    Emit(t);
  }

  // Moves the bytes laid out so far into `out` (which is cleared first).
  void TakeOutput(std::string* out) {
    out->clear();
    out->swap(out_);
  }

  const Status& status() const { return status_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t bytes() const { return emitted_; }

 private:
  struct Block {
    std::string data;
    std::uint32_t records = 0;
  };

  void EndBlock(int db) {
    Block& b = blocks_[static_cast<std::size_t>(db)];
    if (b.records == 0) return;
    if (b.data.size() > UINT32_MAX) {
      if (status_.ok()) {
        status_ = Status::InvalidArgument("a value is too large for a checkpoint block (4 GB)");
      }
    } else {
      std::string h(kBlockTag, sizeof(kBlockTag));
      Put32(&h, static_cast<std::uint32_t>(db));
      Put32(&h, static_cast<std::uint32_t>(b.data.size()));
      Put32(&h, b.records);
      Put32(&h, Crc32c(b.data));
      Put32(&h, Crc32c(h));
      Emit(h);
      Emit(b.data);
      ++block_count_;
    }
    b.data.clear();
    if (b.data.capacity() > 4 * block_bytes_) b.data.shrink_to_fit();  // after a huge value
    b.records = 0;
  }

  void Emit(std::string_view s) {
    out_.append(s);
    emitted_ += s.size();
  }

  std::size_t block_bytes_;
  Status status_;
  std::string out_;
  std::vector<Block> blocks_;
  std::uint64_t block_count_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t emitted_ = 0;
  std::vector<std::uint64_t> per_db_;
};

// Receives the engine's snapshot and streams it into the temporary file. Emit runs on any
// thread (commands changing a key the snapshot has not reached yet) and only lays records
// out under the mutex; the file is written by Drain, on the snapshot's thread.
class FileSink final : public SnapshotSink {
 public:
  FileSink(int fd, std::string path, int num_dbs, const CheckpointRequest& request,
           std::size_t block_bytes, std::uint64_t keys_estimate)
      : fd_(fd),
        path_(std::move(path)),
        writer_(num_dbs, block_bytes),
        progress_(request.progress),
        on_begin_(request.on_begin),
        figures_(request.figures),
        server_data_(request.server_data),
        keys_estimate_(keys_estimate) {}

  void Begin(std::int64_t at_ms) override {
    std::lock_guard<std::mutex> l(mu_);
    writer_.Header(at_ms);
    writer_.ServerData(server_data_);
    last_progress_ms_ = at_ms;
    if (on_begin_) on_begin_();
  }

  void Emit(int db, std::string_view key, const ValueRef& v) override {
    std::string encoded;
    std::string_view value = v.str;
    if (v.type != ValueType::kString) {
      v.obj->Encode(&encoded);
      value = encoded;
    }
    std::lock_guard<std::mutex> l(mu_);
    writer_.Record(db, key, v.type, value, v.expire_at_ms);
  }

  Status Drain() override {
    std::uint64_t records;
    {
      std::lock_guard<std::mutex> l(mu_);
      STRATA_RETURN_IF_ERROR(writer_.status());
      writer_.TakeOutput(&taken_);
      records = writer_.records();
    }
    pending_.append(taken_);
    if (figures_ != nullptr) figures_->keys_done.store(records, std::memory_order_relaxed);
    // Small writes are gathered: a Drain follows every few dozen keys.
    if (pending_.size() < kWriteBuffer) return Status::OK();
    STRATA_RETURN_IF_ERROR(WritePending());
    if (progress_) {
      std::int64_t now = UnixTimeMs();
      if (now - last_progress_ms_ >= kProgressEveryMs) {
        last_progress_ms_ = now;
        progress_(records, written_, keys_estimate_);
      }
    }
    return Status::OK();
  }

  // Lays out the trailer and writes everything still buffered.
  Status Finish() {
    std::string rest;
    {
      std::lock_guard<std::mutex> l(mu_);
      writer_.Finish();
      STRATA_RETURN_IF_ERROR(writer_.status());
      writer_.TakeOutput(&rest);
    }
    pending_.append(rest);
    return WritePending();
  }

  std::uint64_t records() {
    std::lock_guard<std::mutex> l(mu_);
    return writer_.records();
  }
  std::uint64_t bytes() const { return written_; }

 private:
  static constexpr std::int64_t kProgressEveryMs = 5000;

  Status WritePending() {
    STRATA_RETURN_IF_ERROR(WriteAll(fd_, pending_.data(), pending_.size(), path_));
    written_ += pending_.size();
    pending_.clear();
    return Status::OK();
  }

  const int fd_;
  const std::string path_;
  std::mutex mu_;
  Writer writer_;              // GUARDED_BY(mu_)
  std::string pending_;        // snapshot thread only: gathered output not yet written
  std::string taken_;          // snapshot thread only: reused for each Drain
  std::uint64_t written_ = 0;  // snapshot thread only
  ProgressFn progress_;
  std::function<void()> on_begin_;
  CheckpointFigures* figures_;
  const std::string& server_data_;  // the request outlives the sink
  std::uint64_t keys_estimate_;
  std::int64_t last_progress_ms_ = 0;
};

// Parses "checkpoint-<ms>-<seq>.strata"; false for any other name.
bool ParseName(const std::string& name, std::uint64_t* ms, std::uint64_t* seq) {
  if (name.size() <= kPrefix.size() + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return false;
  }
  std::string mid = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  auto dash = mid.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == mid.size()) return false;
  auto digits = [](std::string_view s, std::uint64_t* out) {
    if (s.size() > 19) return false;
    std::uint64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    *out = v;
    return true;
  };
  return digits(std::string_view(mid).substr(0, dash), ms) &&
         digits(std::string_view(mid).substr(dash + 1), seq);
}

std::atomic<std::uint64_t> g_seq{0};

// Reads a checkpoint section by section; `record` receives every record of every verified
// block (the view is valid during the call only).
using RecordFn = FunctionRef<Status(int db, ValueType type, std::string_view key,
                                    std::string_view value, std::int64_t expire_at_ms)>;

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}
  ~Reader() {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Run(Summary* summary, RecordFn record, const ProgressFn& progress) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::IOError(Errno("cannot open checkpoint", path_));
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Status::IOError(Errno("cannot stat checkpoint", path_));
    size_ = static_cast<std::uint64_t>(st.st_size);
    summary->bytes = size_;

    std::string buf;
    if (size_ < kHeaderSize) return Bad("truncated header", 0);
    STRATA_RETURN_IF_ERROR(ReadAt(0, kHeaderSize, &buf));
    if (std::memcmp(buf.data(), kMagic, sizeof(kMagic)) != 0) {
      return Bad("not a checkpoint file (bad magic) in header", 0);
    }
    if (Get32(buf.data() + 32) != Crc32c(std::string_view(buf.data(), 32))) {
      return Bad("checksum mismatch in header", 0);
    }
    summary->version = Get32(buf.data() + 8);
    if (summary->version < 1 || summary->version > kFormatVersion) {
      return Status::NotSupported("checkpoint " + path_ + ": format version " +
                                  std::to_string(summary->version) +
                                  " is not supported (this server reads version " +
                                  std::to_string(kFormatVersion) + ")");
    }
    summary->created_ms = static_cast<std::int64_t>(Get64(buf.data() + 16));
    summary->num_databases = Get32(buf.data() + 24);
    if (summary->num_databases == 0 || summary->num_databases > 1000000) {
      return Bad("bad number of databases in header", 0);
    }
    const std::uint32_t ndb = summary->num_databases;
    summary->keys_per_db.assign(ndb, {});
    std::vector<std::uint64_t> per_db(ndb, 0);

    std::uint64_t pos = kHeaderSize;
    if (summary->version >= 2 && size_ - pos >= 4) {
      STRATA_RETURN_IF_ERROR(ReadAt(pos, 4, &buf));
      if (std::memcmp(buf.data(), kServerDataTag, 4) == 0) {
        STRATA_RETURN_IF_ERROR(ReadServerData(pos, &summary->server_data));
        pos += kServerDataHeaderSize + summary->server_data.size();
      }
    }
    std::int64_t last_progress = UnixTimeMs();
    while (true) {
      if (pos == size_) return Bad("truncated: file ends before the trailer, at", pos);
      if (size_ - pos < 4) return Bad("truncated section", pos);
      STRATA_RETURN_IF_ERROR(ReadAt(pos, 4, &buf));
      if (std::memcmp(buf.data(), kTrailerTag, 4) == 0) break;
      if (size_ - pos < kBlockHeaderSize) return Bad("truncated block", pos);
      STRATA_RETURN_IF_ERROR(ReadAt(pos, kBlockHeaderSize, &buf));
      if (Get32(buf.data() + 20) != Crc32c(std::string_view(buf.data(), 20))) {
        return Bad("checksum mismatch in block", pos);
      }
      if (std::memcmp(buf.data(), kBlockTag, 4) != 0) return Bad("unknown section", pos);
      std::uint32_t db = Get32(buf.data() + 4);
      std::uint64_t len = Get32(buf.data() + 8);
      std::uint32_t count = Get32(buf.data() + 12);
      std::uint32_t crc = Get32(buf.data() + 16);
      if (db >= ndb) return Bad("database index out of range in block", pos);
      if (size_ - pos - kBlockHeaderSize < len) return Bad("truncated block", pos);
      STRATA_RETURN_IF_ERROR(ReadAt(pos + kBlockHeaderSize, len, &payload_));
      if (Crc32c(payload_) != crc) return Bad("checksum mismatch in block", pos);
      STRATA_RETURN_IF_ERROR(ParseBlock(pos, static_cast<int>(db), count, summary, record));
      per_db[db] += count;
      summary->keys += count;
      ++summary->blocks;
      pos += kBlockHeaderSize + len;
      if (progress && UnixTimeMs() - last_progress >= 1000) {
        last_progress = UnixTimeMs();
        progress(summary->keys, pos, size_);
      }
    }

    const std::uint64_t trailer_size = kTrailerFixed + 8ull * ndb + 4;
    if (size_ - pos < trailer_size) return Bad("truncated trailer", pos);
    if (size_ - pos > trailer_size) {
      return Bad("unexpected bytes after the trailer, at", pos + trailer_size);
    }
    STRATA_RETURN_IF_ERROR(ReadAt(pos, trailer_size, &buf));
    if (Get32(buf.data() + trailer_size - 4) !=
        Crc32c(std::string_view(buf.data(), trailer_size - 4))) {
      return Bad("checksum mismatch in trailer", pos);
    }
    bool match = Get32(buf.data() + 4) == ndb && Get64(buf.data() + 8) == summary->blocks &&
                 Get64(buf.data() + 16) == summary->keys && Get64(buf.data() + 24) == pos;
    for (std::uint32_t d = 0; match && d < ndb; ++d) {
      match = Get64(buf.data() + kTrailerFixed + 8ull * d) == per_db[d];
    }
    if (!match) return Bad("counts in the trailer do not match the blocks; trailer", pos);
    if (progress) progress(summary->keys, size_, size_);
    return Status::OK();
  }

 private:
  Status ReadServerData(std::uint64_t pos, std::string* out) {
    std::string h;
    if (size_ - pos < kServerDataHeaderSize) return Bad("truncated server data", pos);
    STRATA_RETURN_IF_ERROR(ReadAt(pos, kServerDataHeaderSize, &h));
    if (Get32(h.data() + 12) != Crc32c(std::string_view(h.data(), 12))) {
      return Bad("checksum mismatch in server data", pos);
    }
    const std::uint64_t len = Get32(h.data() + 4);
    if (size_ - pos - kServerDataHeaderSize < len) return Bad("truncated server data", pos);
    STRATA_RETURN_IF_ERROR(ReadAt(pos + kServerDataHeaderSize, len, out));
    if (Crc32c(*out) != Get32(h.data() + 8)) return Bad("checksum mismatch in server data", pos);
    return Status::OK();
  }

  Status Bad(const std::string& what, std::uint64_t offset) const {
    return Status::Corruption("checkpoint " + path_ + ": " + what + " at offset " +
                              std::to_string(offset));
  }

  Status ReadAt(std::uint64_t offset, std::uint64_t n, std::string* out) {
    out->resize(n);
    std::uint64_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(Errno("cannot read checkpoint", path_));
      }
      if (r == 0) return Bad("file shrank while being read", offset + done);
      done += static_cast<std::uint64_t>(r);
    }
    return Status::OK();
  }

  Status ParseBlock(std::uint64_t pos, int db, std::uint32_t count, Summary* summary,
                    RecordFn record) {
    const char* p = payload_.data();
    const char* end = p + payload_.size();
    const ValueType max_type = summary->version >= 3 ? ValueType::kStream : ValueType::kZSet;
    auto varint = [&](std::uint64_t* v) {
      *v = 0;
      for (int shift = 0; shift < 64 && p < end; shift += 7) {
        auto b = static_cast<unsigned char>(*p++);
        *v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return true;
      }
      return false;
    };
    auto bytes = [&](std::string_view* s) {
      std::uint64_t n = 0;
      if (!varint(&n) || n > static_cast<std::uint64_t>(end - p)) return false;
      *s = std::string_view(p, n);
      p += n;
      return true;
    };
    for (std::uint32_t i = 0; i < count; ++i) {
      if (end - p < 2) return Bad("malformed record in block", pos);
      // Streams came with version 3: an older file cannot hold one.
      auto type = static_cast<ValueType>(static_cast<unsigned char>(p[0]));
      auto flags = static_cast<unsigned char>(p[1]);
      p += 2;
      if (type < ValueType::kString || type > max_type || (flags & ~kFlagExpire) != 0) {
        return Bad("malformed record in block", pos);
      }
      std::int64_t expire = kNoExpire;
      if (flags & kFlagExpire) {
        if (end - p < 8) return Bad("malformed record in block", pos);
        expire = static_cast<std::int64_t>(Get64(p));
        p += 8;
        if (expire < 0) return Bad("malformed record in block", pos);
      }
      std::string_view key, value;
      if (!bytes(&key) || !bytes(&value)) return Bad("malformed record in block", pos);
      ++summary->keys_per_db[static_cast<std::size_t>(db)][static_cast<std::size_t>(type)];
      Status s = record(db, type, key, value, expire);
      if (!s.ok()) {
        if (s.code() == Status::Code::kCorruption) {
          return Bad("undecodable value (" + s.message() + ") in block", pos);
        }
        return s;
      }
    }
    if (p != end) return Bad("malformed record in block", pos);
    return Status::OK();
  }

  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string payload_;
};

}  // namespace

StatusOr<CheckpointResult> WriteCheckpoint(StorageEngine& engine,
                                           const CheckpointRequest& request,
                                           std::size_t block_bytes) {
  const std::string& dir = request.dir;
  const std::int64_t start = UnixTimeMs();
  std::error_code ec;
  const bool created = fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create checkpoint directory " + dir + ": " + ec.message());
  if (created) {
    // Make the new directory's own entry durable, or a power loss could take it (and the
    // checkpoint in it) away after SAVE said OK.
    fs::path parent = fs::absolute(fs::path(dir)).lexically_normal().parent_path();
    STRATA_RETURN_IF_ERROR(FsyncDir(parent.string()));
  }
  // Names order checkpoints: never let a new one sort before an existing one, even if the
  // wall clock went back (NTP step, VM restore) — it would be pruned or not restored.
  std::uint64_t name_ms = static_cast<std::uint64_t>(start);
  for (const std::string& existing : ListCheckpoints(dir)) {
    std::uint64_t ms, seq;
    if (ParseName(fs::path(existing).filename().string(), &ms, &seq) && ms >= name_ms) {
      name_ms = ms + 1;
    }
  }
  const std::string base = std::string(kPrefix) + std::to_string(name_ms) + "-" +
                           std::to_string(g_seq.fetch_add(1) + 1);
  const std::string final_path = (fs::path(dir) / (base + std::string(kSuffix))).string();
  const std::string tmp_path = (fs::path(dir) / (base + std::string(kTmpSuffix))).string();
  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(Errno("cannot create", tmp_path));

  std::uint64_t keys_estimate = 0;
  for (int db = 0; db < engine.num_databases(); ++db) keys_estimate += engine.DbSize(db);
  if (request.figures != nullptr) request.figures->keys_total = keys_estimate;
  FileSink sink(fd, tmp_path, engine.num_databases(), request, block_bytes, keys_estimate);
  Status status = engine.Export(sink, request.cancel);
  if (status.ok()) status = sink.Finish();
  if (status.ok() && ::fsync(fd) != 0) status = Status::IOError(Errno("cannot fsync", tmp_path));
  if (::close(fd) != 0 && status.ok()) status = Status::IOError(Errno("cannot close", tmp_path));
  if (status.ok() && ::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    status = Status::IOError(Errno("cannot rename to " + final_path + ":", tmp_path));
  }
  if (!status.ok()) {
    ::unlink(tmp_path.c_str());
    return status;
  }
  STRATA_RETURN_IF_ERROR(FsyncDir(dir));

  std::vector<std::string> all = ListCheckpoints(dir);
  for (std::size_t i = static_cast<std::size_t>(std::max(request.keep, 1)); i < all.size(); ++i) {
    if (all[i] == final_path) continue;
    fs::remove(all[i], ec);  // best effort: a leftover old checkpoint is harmless
  }

  CheckpointResult result;
  result.path = final_path;
  result.keys = sink.records();
  result.bytes = sink.bytes();
  result.duration_ms = UnixTimeMs() - start;
  return result;
}

StatusOr<Summary> VerifyCheckpoint(const std::string& path) {
  Summary summary;
  Reader reader(path);
  Status s = reader.Run(
      &summary,
      [](int, ValueType type, std::string_view, std::string_view value, std::int64_t) -> Status {
        if (type == ValueType::kString) return Status::OK();
        auto obj = types::DecodeObject(type, value);
        if (!obj.ok()) return Status::Corruption(obj.status().message());
        return Status::OK();
      },
      nullptr);
  if (!s.ok()) return s;
  return summary;
}

StatusOr<LoadStats> LoadCheckpoint(StorageEngine& engine, const std::string& path,
                                   const ProgressFn& progress, const LoadOptions& options) {
  const std::int64_t start = UnixTimeMs();
  LoadStats stats;
  // Records are decoded outside the lock and inserted in batches, each under one
  // whole-keyspace lock: commands served while loading (INFO reads the keyspace figures)
  // wait for one batch at most, never for the whole load. With a key delay every key is
  // its own batch, so the sleep never holds the lock.
  struct Pending {
    int db;
    std::string key, value;  // value: strings only
    std::unique_ptr<Object> obj;
    std::int64_t expire;
  };
  std::vector<Pending> batch;
  std::size_t batch_bytes = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    engine.Execute(AccessSet{{}, true}, [&](Keyspace& ks) {
      for (Pending& p : batch) {
        if (p.obj) {
          ks.SetObject(p.db, p.key, std::move(p.obj), p.expire);
        } else {
          ks.SetString(p.db, p.key, p.value, p.expire);
        }
        ks.SignalModified(p.db, p.key);  // as any write; nobody can WATCH during a load
      }
    });
    batch.clear();
    batch_bytes = 0;
  };
  Reader reader(path);
  const std::int64_t now = UnixTimeMs();
  Status status = reader.Run(
      &stats.summary,
      [&](int db, ValueType type, std::string_view key, std::string_view value,
          std::int64_t expire) -> Status {
        if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
          return Status::Busy("loading checkpoint " + path + ": interrupted by shutdown");
        }
        if (db >= engine.num_databases()) {
          return Status::InvalidArgument(
              "checkpoint " + path + " has keys in database " + std::to_string(db) +
              " but the server has " + std::to_string(engine.num_databases()) +
              " databases (server.databases)");
        }
        Pending p{db, std::string(key), {}, nullptr, expire};
        if (type != ValueType::kString) {
          // Decode even expired values, so that a damaged value is always reported.
          auto obj = types::DecodeObject(type, value);
          if (!obj.ok()) return Status::Corruption(obj.status().message());
          p.obj = std::move(obj).value();
        } else {
          p.value.assign(value);
        }
        if (expire != kNoExpire && expire <= now) {
          ++stats.keys_expired;
          return Status::OK();
        }
        batch_bytes += key.size() + value.size();
        batch.push_back(std::move(p));
        ++stats.keys_loaded;
        if (options.key_delay_us > 0 || batch.size() >= 1024 || batch_bytes >= (4u << 20)) {
          flush();
        }
        if (options.key_delay_us > 0) ::usleep(static_cast<useconds_t>(options.key_delay_us));
        return Status::OK();
      },
      progress);
  if (status.ok()) flush();
  if (!status.ok()) {
    engine.Flush(-1, false);
    return status;
  }
  stats.duration_ms = UnixTimeMs() - start;
  return stats;
}

std::vector<std::string> ListCheckpoints(const std::string& dir) {
  struct Entry {
    std::uint64_t ms, seq;
    std::string path;
  };
  std::vector<Entry> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::uint64_t ms = 0, seq = 0;
    std::string name = it->path().filename().string();
    if (ParseName(name, &ms, &seq) && it->is_regular_file(ec)) {
      found.push_back({ms, seq, it->path().string()});
    }
  }
  std::sort(found.begin(), found.end(), [](const Entry& a, const Entry& b) {
    return a.ms != b.ms ? a.ms > b.ms : a.seq > b.seq;
  });
  std::vector<std::string> out;
  for (auto& e : found) out.push_back(std::move(e.path));
  return out;
}

std::string FindNewestCheckpoint(const std::string& dir) {
  auto all = ListCheckpoints(dir);
  return all.empty() ? std::string() : all.front();
}

int RemoveTemporaryFiles(const std::string& dir) {
  int removed = 0;
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(kPrefix) && name.ends_with(kTmpSuffix)) doomed.push_back(it->path());
  }
  for (const auto& p : doomed) {
    if (fs::remove(p, ec)) ++removed;
  }
  return removed;
}

std::string ResolveDir(const Config& config) {
  if (!config.checkpoint.dir.empty()) return config.checkpoint.dir;
  return (fs::path(config.storage.dir) / "checkpoints").string();
}

}  // namespace strata::checkpoint
