#pragma once
// The job's checkpoints during one replication (docs/model.md, "checkpoint policies"): the
// last durable checkpoint, the newest written, the one a planned stop saved and, with
// multi-level checkpoints, the copies in the hosts' memory. It says where an interruption
// rolls the job back to; the replication engine books the time. Checkpoints are boundaries of
// the schedule (models/checkpoint/policy.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "models/checkpoint/memory_level.h"
#include "models/checkpoint/policy.h"
#include "models/scenario.h"

namespace goodsim::models {

// Where an interruption rolls the job back to: a strategy's Keep (models/recovery/strategy.h),
// resolved against the checkpoint policy, or one of the engine's own.
enum class Rollback {
  kCheckpoint,  // the last durable checkpoint
  kStep,        // the last completed training step (the peers hold the live state)
  kMemory,      // multi-level: the last in-memory checkpoint if its copies survive
  kWritten,     // the newest checkpoint written, of either level (the job's own host memory)
  kAll,         // keep everything (a planned stop, elastic regrowth: no failure)
  kClean,       // SDC detected: the last durable checkpoint before the corruption
                // (roll_back_to_clean)
};

class CheckpointLedger {
 public:
  CheckpointLedger(const CheckpointPolicy& schedule, const CheckpointSpec& spec, std::int64_t nodes)
      : schedule_(schedule), save_h_(spec.write_h + spec.persist_h) {
    if (spec.memory) memory_.emplace(nodes, *spec.memory);
  }

  // Progress the current stretch starts from.
  double position() const { return position_; }
  // The last durable boundary (0: the start of the job).
  std::int64_t durable() const { return durable_; }
  // Progress of the last durable checkpoint: a periodic one, or the one a planned stop wrote.
  double durable_position() const { return std::max(schedule_.position(durable_), planned_); }

  // The stretch resuming from position() at `speed`: it writes every boundary after the one
  // it restored (multi-level: the newest the hosts' memory holds, of either level).
  CheckpointPolicy::Stretch stretch(double speed) const {
    return schedule_.stretch(position_, memory_ ? memory_->held() : durable_, speed);
  }

  // An interrupted stretch completed the writes `cut` reports.
  void record(const CheckpointPolicy::Cut& cut) {
    durable_ = std::max(durable_, cut.durable);
    written_ = std::max(written_, cut.written);
  }

  // Moves the position to what `keep` keeps of the progress `reached` (the last boundary
  // written or being written is `boundary`, training steps are `step_h` long); returns it.
  double roll_back(Rollback keep, double reached, double boundary, double step_h) {
    double target = reached;
    switch (keep) {
      case Rollback::kCheckpoint:
        target = durable_position();
        break;
      case Rollback::kMemory:
        target = std::max(schedule_.position(memory_->restore(durable_)), planned_);
        break;
      case Rollback::kStep:
        target = std::max(boundary, std::floor(reached / step_h) * step_h);
        break;
      case Rollback::kWritten:
        target = std::max(schedule_.position(std::max(written_, held())), planned_);
        break;
      case Rollback::kAll:
      case Rollback::kClean:  // roll_back_to_clean() knows the clean state
        break;
    }
    if (keep == Rollback::kCheckpoint || keep == Rollback::kMemory) forget_unrestored();
    position_ = target;
    return target;
  }

  // Silent data corruption (docs/model.md): the clean state at a corruption the cut `cut`
  // finds, the checkpoints durable so far and the boundary written last if its persist is
  // still running (record() drops it if an interruption abandons that persist); multi-level:
  // the persistent level only.
  struct Clean {
    std::int64_t durable = 0;
    double planned = 0.0;
  };
  Clean clean_at(const CheckpointPolicy::Cut& cut) const {
    return {std::max(durable_, schedule_.multilevel() ? cut.durable : cut.written), planned_};
  }
  // Detected: the job restores the last durable checkpoint before the corruption. Those
  // written after it hold corrupted state and are dropped (their boundaries are written
  // again); so are the in-memory copies, all newer than that checkpoint. Returns the position.
  double roll_back_to_clean(const Clean& clean) {
    durable_ = clean.durable;
    planned_ = clean.planned;
    if (memory_) memory_->corrupted(durable_);
    forget_unrestored();
    position_ = durable_position();
    return position_;
  }

  // A planned stop saves the progress held beyond the last durable checkpoint: returns how
  // long the write and persist take, 0 when there is nothing to save. undo_save() takes it
  // back if an interruption cuts it short.
  double save() {
    if (!(position_ > durable_position())) return 0.0;
    before_save_ = {durable_, planned_};
    planned_ = position_;
    // A stop during a periodic write saves that boundary: it need not be written again.
    const auto k = static_cast<std::int64_t>(std::llround(position_ / schedule_.interval_h()));
    if (schedule_.position(k) == position_) durable_ = std::max(durable_, k);
    return save_h_;
  }
  void undo_save() {
    durable_ = before_save_.durable;
    planned_ = before_save_.planned;
  }

  // Multi-level: the in-memory level, if any.
  bool has_memory() const { return memory_.has_value(); }
  // A write completed since the last interruption renews every node's copies.
  void renew(std::int64_t written) {
    if (memory_) memory_->renew(written);
  }
  // The node in `slot` lost the copies it held.
  void lose(std::int64_t slot) {
    if (memory_) memory_->lose(slot);
  }
  // The newest checkpoint in the hosts' memory (0 without the level), and whether the current
  // recovery restores it.
  std::int64_t held() const { return memory_ ? memory_->held() : 0; }
  bool memory_restore() const { return memory_ && memory_->restoring(); }

 private:
  // A restore from storage leaves no newer checkpoint in the hosts' memory.
  void forget_unrestored() {
    if (!memory_restore()) written_ = durable_;
  }

  const CheckpointPolicy& schedule_;
  double save_h_;                      // a planned stop's save: write + persist
  double position_ = 0.0;              // progress the current stretch starts from
  std::int64_t durable_ = 0;           // last durable boundary (0 = start of job)
  std::int64_t written_ = 0;           // newest boundary written since the last storage restore
  double planned_ = 0.0;               // progress saved by the last planned stop's checkpoint
  Clean before_save_;                  // durable_ and planned_ before the last save
  std::optional<MemoryLevel> memory_;  // multi-level only
};

}  // namespace goodsim::models
