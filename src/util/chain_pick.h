// A uniformly random element of a chained hash table.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace strata {

// Picks a node of the chained table `buckets` (a power-of-two count, `mask` = count - 1),
// every node with the same chance; the table must not be empty. `next(node)` follows a
// chain, `rand()` supplies 64 random bits.
//
// Rejection sampling over (bucket, slot < kSlots): a try is accepted only when the chain
// reaches that slot, so each node has the same chance per try. A random node of a random
// non-empty chain would favour nodes alone in their bucket, and probing to the next
// non-empty bucket those after empty ones. A chain longer than kSlots (rare at a load
// factor of at most one) widens its own range. Expected tries: buckets * kSlots / nodes.
template <typename Node, typename Next, typename Rand>
Node* UniformChainPick(Node* const* buckets, std::uint64_t mask, Next next, Rand rand) {
  constexpr std::size_t kSlots = 8;
  while (true) {
    Node* n = buckets[rand() & mask];
    if (n == nullptr) continue;
    std::size_t len = 0;
    for (Node* c = n; c != nullptr; c = next(c)) ++len;
    std::size_t pick = rand() % std::max(kSlots, len);
    if (pick >= len) continue;
    for (; pick > 0; --pick) n = next(n);
    return n;
  }
}

}  // namespace strata
