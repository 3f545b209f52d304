// Hot spares (model v1, docs/model.md): after detection every empty slot is filled from the
// spare pool in one go (the job waits while the pool is short), the nodes are swapped in,
// then the job restarts and loads its checkpoint. These are the engine's defaults, so the
// strategy overrides nothing.

#include "models/recovery/strategy.h"

namespace goodsim::models {

namespace {

class HotSpare final : public RecoveryStrategy {
 public:
  explicit HotSpare(const Scenario& s) : RecoveryStrategy(s) {}
};

}  // namespace

extern const StrategyEntry kHotSpareStrategy = {
    .name = "hot_spare",
    .summary = "fill from the spare pool, restart + load the last checkpoint",
    .tracks_slots = false,
    .from_scheduler = false,
    .peer_restores = false,
    .plain = true,
    .read = nullptr,
    .check = nullptr,
    .make = instantiate<HotSpare>,
    .describe = [](const Scenario&) { return std::string(); },
};

}  // namespace goodsim::models
