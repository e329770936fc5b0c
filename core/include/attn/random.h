#pragma once

#include <cstdint>
#include <string_view>

namespace attn {

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator whose output is fixed by its
/// definition, so the same seed gives the same numbers with every compiler and library.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  /// Uniform in (0, 1], from the top 53 bits.
  double next_unit();

 private:
  std::uint64_t state_;
};

/// Standard normal numbers by the Box–Muller transform over SplitMix64 (never
/// std::normal_distribution, whose output differs between standard libraries).
class NormalGenerator {
 public:
  explicit NormalGenerator(std::uint64_t seed) : uniform_(seed) {}
  double next();

 private:
  SplitMix64 uniform_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// 64-bit FNV-1a hash of bytes: names a random stream by a label such as a token's text.
std::uint64_t fnv1a64(std::string_view bytes);

/// The seed of the stream called `label` under the user's `seed`: distinct labels give
/// independent-looking streams, and the mapping is fixed forever (golden tests pin it).
std::uint64_t stream_seed(std::uint64_t seed, std::string_view label);

}  // namespace attn
