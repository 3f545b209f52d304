#pragma once
// Why: sweep fingerprints need a stable hash, and SHA-256 is small enough to carry here
// rather than add a crypto dependency.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace goodsim::cli {

// SHA-256 (FIPS 180-4), fed in pieces: a large trace is hashed without one copy of it.
// Small and dependency-free; only used for fingerprints.
class Sha256 {
 public:
  void update(std::string_view data);
  std::string hex();  // 64 lowercase hex digits; call once, last

 private:
  void compress();
  std::array<std::uint32_t, 8> h_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<unsigned char, 64> buffer_{};
  std::size_t used_ = 0;
  std::uint64_t bytes_ = 0;
};

// SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace goodsim::cli
