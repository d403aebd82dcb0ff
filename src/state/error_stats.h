// INFO errorstats and total_error_replies: every error reply that counts, by its code (the
// first word: ERR, WRONGTYPE, NOSCRIPT...), as Redis keeps them.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/reply_builder.h"
#include "util/striped_counter.h"

namespace strata {

class ErrorStats final : public ErrorObserver {
 public:
  explicit ErrorStats(StripedCounter* total) : total_(total) {}

  void OnError(std::string_view code) override {
    total_->Add(1);
    std::lock_guard<std::mutex> l(mu_);
    auto it = counts_.find(code);
    if (it != counts_.end()) {
      ++it->second;
    } else if (counts_.size() < kMaxCodes) {
      counts_.emplace(std::string(code), 1);
    }
  }
  // (code, count) in code order, as INFO lists them.
  std::vector<std::pair<std::string, std::uint64_t>> Snapshot() const {
    std::lock_guard<std::mutex> l(mu_);
    return {counts_.begin(), counts_.end()};
  }
  void Reset() {
    std::lock_guard<std::mutex> l(mu_);
    counts_.clear();
  }

 private:
  // Redis tracks at most 128 codes, so that clients inventing codes cannot grow it forever.
  static constexpr std::size_t kMaxCodes = 128;
  StripedCounter* total_;
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t, std::less<>> counts_;  // GUARDED_BY(mu_)
};

}  // namespace strata
