#pragma once
// Asynchronous checkpoints (`checkpoint.policy: async`, docs/model.md): a write blocks the job
// for `write` (the device-to-host copy); the checkpoint then persists in the background for
// `persist` and is durable only after that. A failure, or any interruption, abandons a persist
// still running. When the next checkpoint falls due while a persist runs, `overlap` decides:
// stall until it is done, or skip the boundaries that fall due meanwhile.
// Declared here because blocking checkpoints (blocking.cpp) are its persist-0 case.

#include "models/checkpoint/policy.h"

namespace goodsim::models {

class AsyncCheckpoints : public CheckpointPolicy {
 public:
  AsyncCheckpoints(double work_h, const CheckpointSpec& spec);

  double checkpoint_time(const Stretch& s) const override;
  Cut cut(const Stretch& s, double elapsed_h) const override;

 protected:
  double write_h() const { return write_h_; }

 private:
  // Boundaries between two writes, and the stall before each write but the stretch's first.
  std::int64_t stride(double speed) const;
  double stall_h(double speed, std::int64_t stride) const;
  std::int64_t writes(const Stretch& s, std::int64_t stride) const;
  static constexpr double kNoWrites = 1e300;  // lead time of a stretch with nothing to write

  double write_h_;
  double persist_h_;
  PersistOverlap overlap_;
};

}  // namespace goodsim::models
