#pragma once
// Input files (scenarios, the files they extend, failure traces) are read whole, so only
// regular files of bounded size are accepted: /dev/zero would be read until memory runs out,
// and a FIFO would block forever.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goodsim::sim {

constexpr std::uintmax_t kMaxScenarioBytes = std::uintmax_t{16} << 20;  // 16 MiB
constexpr std::uintmax_t kMaxTraceBytes = std::uintmax_t{2} << 30;      // 2 GiB

// Why `path` cannot be read as an input file of at most `max_bytes`, or nullopt if it can:
// the system's reason ("No such file or directory"), "not a regular file (a FIFO)", or
// "3.1 GiB, over the 2 GiB limit for <what>". Looks, does not open.
std::optional<std::string> why_not_input_file(const std::string& path, std::uintmax_t max_bytes,
                                              std::string_view what);

// "2 GiB", "16 MiB", "1.5 KiB", "300 bytes".
std::string human_bytes(std::uintmax_t bytes);

}  // namespace goodsim::sim
