// Checkpoint files: round trips through the memory engine, expiry at load, corruption and
// truncation detection with the offset of the damaged section, retention and temp files.
#include "checkpoint/checkpoint.h"

#include <gtest/gtest.h>

#include "engines/test_access.h"
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/memory/memory_engine.h"
#include "types/decode.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/clock.h"
#include "util/crc32c.h"

namespace strata::checkpoint {
namespace {

namespace fs = std::filesystem;

// One key as the engine holds it: type, expiry and a canonical rendering of the value
// (strings raw; collections re-encoded after a decode, so equal contents compare equal).
struct Entry {
  ValueType type;
  std::int64_t expire;
  std::string value;
  bool operator==(const Entry&) const = default;
};
using Dump = std::map<std::pair<int, std::string>, Entry>;

// Sets and hashes have no defined order (their tables are seeded per process, and a table
// rebuilt by a load may iterate differently), so their members are sorted; lists and sorted
// sets are ordered and compare by their re-encoded bytes.
std::string Canonical(const ValueRef& v) {
  if (v.type == ValueType::kString) return std::string(v.str);
  std::string enc;
  v.obj->Encode(&enc);
  auto obj = types::DecodeObject(v.type, enc);
  EXPECT_TRUE(obj.ok());
  if (!obj.ok()) return {};
  std::vector<std::string> parts;
  if (v.type == ValueType::kSet) {
    parts = static_cast<const types::SetObject&>(**obj).Members();
  } else if (v.type == ValueType::kHash) {
    for (const auto& e : static_cast<const types::HashObject&>(**obj).Entries()) {
      parts.push_back(std::to_string(e.first.size()) + ":" + std::string(e.first) + std::string(e.second));
    }
  } else {
    std::string again;
    (*obj)->Encode(&again);
    return again;
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += std::to_string(p.size()) + ":" + p;
  return out;
}

Dump DumpEngine(StorageEngine& engine) {
  Dump out;
  engine.Execute(AccessSet{{}, true}, [&](Keyspace&) {
    for (int db = 0; db < engine.num_databases(); ++db) {
      testing::ForEachValue(engine, db, 100, [&](std::string_view k, const ValueRef& v) {
        out[{db, std::string(k)}] = Entry{v.type, v.expire_at_ms, Canonical(v)};
      });
    }
  });
  return out;
}

void Put(StorageEngine& e, int db, const std::string& key, std::unique_ptr<Object> obj,
         std::int64_t expire = kNoExpire) {
  std::string_view k = key;
  e.Execute(AccessSet{testing::WriteAccess(std::span(&k, 1)), false},
            [&](Keyspace& ks) { ks.SetObject(db, key, std::move(obj), expire); });
}
void PutString(StorageEngine& e, int db, const std::string& key, const std::string& value,
               std::int64_t expire = kNoExpire) {
  std::string_view k = key;
  e.Execute(AccessSet{testing::WriteAccess(std::span(&k, 1)), false},
            [&](Keyspace& ks) { ks.SetString(db, key, value, expire); });
}

// prefix + decimal i (built by appending: GCC 12 warns falsely on "x" + std::string).
std::string Num(std::string prefix, int i) {
  prefix.append(std::to_string(i));
  return prefix;
}

std::string Binary(int i) {
  std::string s = "bin";
  s.push_back('\0');
  s.push_back(static_cast<char>(i & 0xff));
  s += "\r\n\xff";
  return s;
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "strata-ckpt-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Every type, binary keys and values, TTLs, every database; a few big values so that
  // the file has many blocks.
  void Fill(StorageEngine& e) {
    const std::int64_t later = UnixTimeMs() + 3600 * 1000;
    for (int db = 0; db < 16; ++db) {
      PutString(e, db, Num("s", db), Num("v", db));
      PutString(e, db, Binary(db), Binary(db + 1), later + db);
      auto list = std::make_unique<types::ListObject>();
      for (int i = 0; i < 50; ++i) list->PushBack(Binary(i));
      Put(e, db, "list", std::move(list), later);
      auto hash = std::make_unique<types::HashObject>();
      for (int i = 0; i < 300; ++i) hash->Set(Num("f", i), Binary(i));
      Put(e, db, "hash", std::move(hash));
      auto set = std::make_unique<types::SetObject>();
      for (int i = 0; i < 40; ++i) set->Add(std::to_string(i));
      set->Add(Binary(7));
      Put(e, db, "set", std::move(set));
      auto zset = std::make_unique<types::ZSetObject>();
      for (int i = 0; i < 200; ++i) zset->Insert(Num("m", i), i * 0.5 - 3);
      Put(e, db, Binary(99).append("z"), std::move(zset), later);
    }
    for (int i = 0; i < 3000; ++i) {
      PutString(e, 0, Num("k:", i), std::string(100 + i % 50, 'x'));
    }
    PutString(e, 1, "big", std::string(200000, 'b'));  // larger than one block
    PutString(e, 2, "", "empty key");
    PutString(e, 2, "emptyval", "");
  }

  std::string Save(StorageEngine& e, int keep = 2, std::size_t block_bytes = 64 * 1024) {
    CheckpointRequest request;
    request.dir = dir_;
    request.keep = keep;
    auto r = WriteCheckpoint(e, request, block_bytes);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->path : "";
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void WriteFile(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }

  // Start offsets of the file's sections: header, every block, trailer.
  static std::vector<std::size_t> Sections(const std::string& f) {
    std::vector<std::size_t> out{0};
    std::size_t pos = 36;
    while (f.compare(pos, 4, "TRLR") != 0) {
      out.push_back(pos);
      std::uint32_t len = 0;
      for (int i = 0; i < 4; ++i) len |= static_cast<std::uint32_t>(static_cast<unsigned char>(f[pos + 8 + i])) << (8 * i);
      pos += 24 + len;
    }
    out.push_back(pos);
    return out;
  }

  std::string dir_;
};

TEST_F(CheckpointTest, RoundTripEveryTypeAndDatabase) {
  memory::MemoryEngine a(16);
  Fill(a);
  Dump before = DumpEngine(a);
  std::string path = Save(a);
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(FindNewestCheckpoint(dir_), path);

  memory::MemoryEngine b(16);
  std::uint64_t progress_keys = 0, progress_done = 0, progress_total = 1;
  auto r = LoadCheckpoint(b, path, [&](std::uint64_t keys, std::uint64_t done, std::uint64_t total) {
    progress_keys = keys;
    progress_done = done;
    progress_total = total;
  });
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->keys_loaded, before.size());
  EXPECT_EQ(progress_keys, before.size());  // the final report
  EXPECT_EQ(progress_done, progress_total);
  EXPECT_EQ(progress_total, fs::file_size(path));
  EXPECT_EQ(r->keys_expired, 0u);
  EXPECT_GT(r->summary.blocks, 16u);
  Dump after = DumpEngine(b);
  EXPECT_EQ(after.size(), before.size());
  EXPECT_TRUE(after == before);

  auto v = VerifyCheckpoint(path);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->keys, before.size());
  EXPECT_EQ(v->num_databases, 16u);
  EXPECT_EQ(v->keys_per_db[3][static_cast<int>(ValueType::kZSet)], 1u);
  EXPECT_EQ(v->keys_per_db[0][static_cast<int>(ValueType::kString)], 3002u);
}

TEST_F(CheckpointTest, EmptyEngine) {
  memory::MemoryEngine a(16);
  std::string path = Save(a);
  memory::MemoryEngine b(16);
  auto r = LoadCheckpoint(b, path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->keys_loaded, 0u);
}

TEST_F(CheckpointTest, ExpiredAtLoadAreSkipped) {
  memory::MemoryEngine a(16);
  const std::int64_t soon = UnixTimeMs() + 300;
  PutString(a, 0, "short", "v", soon);
  Put(a, 1, "shortlist", [] {
    auto l = std::make_unique<types::ListObject>();
    l->PushBack("x");
    return l;
  }(), soon);
  PutString(a, 0, "long", "v", UnixTimeMs() + 3600000);
  PutString(a, 0, "forever", "v");
  std::string path = Save(a);
  // Wait for the deadline itself to pass, not for a guess at how long that takes.
  while (UnixTimeMs() <= soon) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  memory::MemoryEngine b(16);
  auto r = LoadCheckpoint(b, path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->keys_loaded, 2u);
  EXPECT_EQ(r->keys_expired, 2u);
  Dump d = DumpEngine(b);
  EXPECT_EQ(d.size(), 2u);
  EXPECT_TRUE(d.count({0, "long"}));
  EXPECT_TRUE(d.count({0, "forever"}));
}

TEST_F(CheckpointTest, EveryTruncationIsRefusedWithItsOffset) {
  memory::MemoryEngine a(16);
  for (int db = 0; db < 3; ++db) {
    for (int i = 0; i < 40; ++i) PutString(a, db, Num("key", i), std::string(20, 'v'));
  }
  std::string path = Save(a, 2, 300);  // small blocks: many sections in a small file
  const std::string good = Read(path);
  const std::vector<std::size_t> sections = Sections(good);
  ASSERT_GE(sections.size(), 5u);
  const std::string cut = dir_ + "/cut.strata";
  for (std::size_t len = 0; len < good.size(); ++len) {
    WriteFile(cut, good.substr(0, len));
    auto r = VerifyCheckpoint(cut);
    ASSERT_FALSE(r.ok()) << len;
    // The damaged section: the one that begins at or before the end of the file.
    std::size_t expect = 0;
    for (std::size_t s : sections) {
      if (s <= len) expect = s;
    }
    EXPECT_NE(r.status().message().find("checkpoint " + cut + ": "), std::string::npos);
    EXPECT_NE(r.status().message().find("at offset " + std::to_string(expect)), std::string::npos)
        << len << ": " << r.status().message();
  }
  // Extra bytes after the trailer are refused too.
  WriteFile(cut, good + "x");
  EXPECT_FALSE(VerifyCheckpoint(cut).ok());
}

TEST_F(CheckpointTest, FlippedByteIsRefusedWithItsBlockOffset) {
  memory::MemoryEngine a(16);
  for (int db = 0; db < 2; ++db) {
    for (int i = 0; i < 40; ++i) PutString(a, db, Num("key", i), std::string(20, 'v'));
  }
  Put(a, 1, "set", [] {
    auto s = std::make_unique<types::SetObject>();
    for (int i = 0; i < 30; ++i) s->Add(Num("m", i));
    return s;
  }());
  std::string path = Save(a, 2, 300);
  const std::string good = Read(path);
  const std::vector<std::size_t> sections = Sections(good);
  const std::string bad = dir_ + "/bad.strata";
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string f = good;
    f[i] = static_cast<char>(f[i] ^ 0x10);
    WriteFile(bad, f);
    auto r = VerifyCheckpoint(bad);
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << i << r.status().message();
    std::size_t expect = 0;
    for (std::size_t s : sections) {
      if (s <= i) expect = s;
    }
    EXPECT_NE(r.status().message().find("at offset " + std::to_string(expect)), std::string::npos)
        << i << ": " << r.status().message();
    // Loading refuses it too and leaves nothing behind.
    if (i % 50 == 0) {
      memory::MemoryEngine b(16);
      auto l = LoadCheckpoint(b, bad);
      EXPECT_FALSE(l.ok());
      EXPECT_EQ(b.DbSize(0) + b.DbSize(1), 0u);
    }
  }
  // The exact message of a damaged block.
  std::string f = good;
  f[sections[2] + 30] ^= 1;
  WriteFile(bad, f);
  EXPECT_EQ(VerifyCheckpoint(bad).status().message(),
            "checkpoint " + bad + ": checksum mismatch in block at offset " +
                std::to_string(sections[2]));
}

// The server's data (function libraries) rides in its own verified section after the header.
TEST_F(CheckpointTest, ServerDataRoundTripsAndIsVerified) {
  memory::MemoryEngine a(16);
  for (int i = 0; i < 20; ++i) PutString(a, 0, Num("key", i), "v");
  const std::string data = std::string("\xf5libraries\0and more", 20) + std::string(300, 'x');
  CheckpointRequest request;
  request.dir = dir_;
  request.server_data = data;
  auto w = WriteCheckpoint(a, request);
  ASSERT_TRUE(w.ok()) << w.status().message();
  auto v = VerifyCheckpoint(w->path);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->version, kFormatVersion);
  EXPECT_EQ(v->server_data, data);
  EXPECT_EQ(v->keys, 20u);
  memory::MemoryEngine b(16);
  auto l = LoadCheckpoint(b, w->path);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->summary.server_data, data);
  EXPECT_EQ(b.DbSize(0), 20u);
  RecoverRequest recover;
  recover.dir = dir_;
  memory::MemoryEngine c(16);
  auto rr = RecoverCheckpoint(c, recover);
  ASSERT_TRUE(rr.ok()) << rr.status().message();
  EXPECT_EQ(rr->server_data, data);

  // Any damaged byte of the section, or a file cut inside it, is refused at its offset.
  const std::string good = Read(w->path);
  const std::string bad = dir_ + "/bad.strata";
  const std::size_t end = 36 + 16 + data.size();
  for (std::size_t i = 36; i < end; ++i) {
    std::string f = good;
    f[i] = static_cast<char>(f[i] ^ 0x04);
    WriteFile(bad, f);
    auto r = VerifyCheckpoint(bad);
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_NE(r.status().message().find("at offset 36"), std::string::npos)
        << i << ": " << r.status().message();
    WriteFile(bad, good.substr(0, i));
    r = VerifyCheckpoint(bad);
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_NE(r.status().message().find("at offset 36"), std::string::npos)
        << i << ": " << r.status().message();
  }
}

// A checkpoint written before the server data section existed (format version 1) loads.
TEST_F(CheckpointTest, VersionOneStillLoads) {
  memory::MemoryEngine a(16);
  Fill(a);
  Dump before = DumpEngine(a);
  std::string f = Read(Save(a));
  // Without server data, version 2's layout is version 1's: only the number differs.
  f[8] = 1;
  const std::uint32_t crc = Crc32c(std::string_view(f.data(), 32));
  for (int i = 0; i < 4; ++i) f[32 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  const std::string old = dir_ + "/old.strata";
  WriteFile(old, f);
  auto v = VerifyCheckpoint(old);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->version, 1u);
  memory::MemoryEngine b(16);
  auto l = LoadCheckpoint(b, old);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_TRUE(DumpEngine(b) == before);
  // A version from the future is refused by name.
  f[8] = static_cast<char>(kFormatVersion + 1);
  const std::uint32_t future_crc = Crc32c(std::string_view(f.data(), 32));
  for (int i = 0; i < 4; ++i) f[32 + i] = static_cast<char>((future_crc >> (8 * i)) & 0xff);
  WriteFile(old, f);
  auto r = VerifyCheckpoint(old);
  ASSERT_FALSE(r.ok());
  const std::string future = "format version " + std::to_string(kFormatVersion + 1);
  EXPECT_NE(r.status().message().find(future + " is not supported"), std::string::npos)
      << r.status().message();
}

TEST_F(CheckpointTest, KeepsTheNewestN) {
  memory::MemoryEngine a(16);
  PutString(a, 0, "k", "v");
  std::vector<std::string> paths;
  for (int i = 0; i < 5; ++i) paths.push_back(Save(a, 3));
  auto list = ListCheckpoints(dir_);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], paths[4]);
  EXPECT_EQ(list[1], paths[3]);
  EXPECT_EQ(list[2], paths[2]);
  EXPECT_FALSE(fs::exists(paths[0]));
  Save(a, 1);
  EXPECT_EQ(ListCheckpoints(dir_).size(), 1u);
}

TEST_F(CheckpointTest, TemporaryFilesAreRemovedAndIgnored) {
  memory::MemoryEngine a(16);
  PutString(a, 0, "k", "v");
  std::string path = Save(a);
  WriteFile(dir_ + "/checkpoint-99999999999999-1.strata.tmp", "partial");
  WriteFile(dir_ + "/unrelated.txt", "keep me");
  EXPECT_EQ(FindNewestCheckpoint(dir_), path);
  EXPECT_EQ(RemoveTemporaryFiles(dir_), 1);
  EXPECT_FALSE(fs::exists(dir_ + "/checkpoint-99999999999999-1.strata.tmp"));
  EXPECT_TRUE(fs::exists(dir_ + "/unrelated.txt"));
  EXPECT_EQ(FindNewestCheckpoint(dir_ + "/missing"), "");
}

TEST_F(CheckpointTest, TooFewDatabasesIsAnError) {
  memory::MemoryEngine a(16);
  PutString(a, 9, "k", "v");
  std::string path = Save(a);
  memory::MemoryEngine b(4);
  auto r = LoadCheckpoint(b, path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("database 9"), std::string::npos) << r.status().message();
}

TEST(DecodeObjectTest, DispatchesByType) {
  types::SetObject set;
  set.Add("a");
  std::string enc;
  set.Encode(&enc);
  auto obj = types::DecodeObject(ValueType::kSet, enc);
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ((*obj)->type(), ValueType::kSet);
  EXPECT_FALSE(types::DecodeObject(ValueType::kString, enc).ok());
  EXPECT_FALSE(types::DecodeObject(ValueType::kZSet, "\xff\xff").ok());
}

}  // namespace
}  // namespace strata::checkpoint
