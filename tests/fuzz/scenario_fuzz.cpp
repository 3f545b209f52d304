// libFuzzer harness for the scenario loader (scripts/fuzz, docs/reliability.md "Fuzzing").
// The input is YAML text, optionally followed by NUL-separated `--set` assignments. Bad input
// must end in sim::InputError, the documented error type for it; anything else that escapes
// (another exception, a crash, a sanitizer report) is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "models/scenario_loader.h"
#include "sim/config.h"
#include "sim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t yaml_end = input.find('\0');
  try {
    goodsim::sim::ConfigNode root =
        goodsim::sim::parse_config(input.substr(0, yaml_end), "fuzz.yaml");
    for (std::size_t at = yaml_end; at != std::string_view::npos && at < input.size();) {
      const std::size_t end = input.find('\0', at + 1);
      goodsim::sim::apply_override(root, input.substr(at + 1, end - at - 1));
      at = end;
    }
    goodsim::models::scenario_from_config(root, "fuzz.yaml");
  } catch (const goodsim::sim::InputError&) {
    // Rejected with a location: what bad input should get.
  }
  return 0;
}
