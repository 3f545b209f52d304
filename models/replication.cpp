#include "models/replication.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>

#include "models/checkpoint/periodic.h"
#include "models/cluster/repair_pipeline.h"
#include "models/failure/failure_clock.h"
#include "models/repair/repair_distribution.h"
#include "sim/error.h"
#include "sim/event_queue.h"
#include "sim/random.h"

namespace goodsim::models {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

enum class EventKind : std::uint8_t {
  kFailure,      // the failure clock's next event (for exponential: a proposal, maybe void)
  kSparesCheck,  // while waiting for spares: a repair completes, perhaps enough to fill
};

// The job's deterministic plan since the last failure: detecting, waiting for spares,
// swapping, restarting + loading, computing (with its checkpoints), done. Between two
// stochastic events nothing random happens to the job, so the plan needs no events of its
// own; a failure books the elapsed part of it into buckets in closed form.
struct Timeline {
  double start = 0.0;       // recovery began (the failure time)
  double detect_end = 0.0;  // detection finished
  double fill = 0.0;        // empty slots filled from the pool (kNever while waiting)
  double swap_end = 0.0;    // replacement nodes swapped in
  double compute_start = 0.0;
  double done = 0.0;  // progress reaches the work, unless a failure comes first
};

// One replication of model v1 (docs/model.md). Kernel events are only the stochastic ones:
// failure proposals and, while the job waits for spares, the next repair completion.
class Replication {
 public:
  Replication(const Scenario& s, std::uint64_t seed, std::uint64_t index)
      : s_(s),
        index_(index),
        checkpoints_(s.job.work_h, s.checkpoint.interval_h, s.checkpoint.write_h),
        failures_(seed, index, sim::StreamPurpose::kFailures),
        repairs_(seed, index, sim::StreamPurpose::kRepairs),
        repair_time_(*s.cluster.repair.distribution),
        clock_(make_failure_clock(s.cluster.failure, s.cluster.nodes, failures_)),
        clock_ignores_entries_(clock_->ignores_entries()),
        clock_proposes_(clock_->proposes()),
        picks_(seed, index, sim::StreamPurpose::kCauses),
        slot_aware_(s.cluster.domain_size > 0),
        nodes_d_(static_cast<double>(s.cluster.nodes)),
        pool_(s.cluster.spares) {
    if (slot_aware_) occupied_.assign(static_cast<std::size_t>(s.cluster.nodes), 1);
    if (!s.cluster.causes.empty()) {
      double total = 0.0;
      for (const CauseSpec& c : s.cluster.causes) total += c.share;
      double running = 0.0;
      for (const CauseSpec& c : s.cluster.causes)
        cause_cdf_.push_back((running += c.share) / total);
      result_.interruptions_by_cause.assign(s.cluster.causes.size(), 0);
    }
  }

  ReplicationResult run() {
    plan_.done = checkpoints_.time_to_finish(0);  // computing from t = 0: nothing to restart
    schedule_failure();
    const double wall_cap = s_.job.work_h * s_.montecarlo.max_wall_factor;
    while (const auto ev = queue_.pop_before(plan_.done)) {
      if (ev->time > wall_cap) throw_cannot_finish(wall_cap);
      ++result_.events;
      dispatch(ev->time, ev->payload);
    }
    if (plan_.done == kNever) throw std::logic_error("replication stalled waiting for spares");
    finish(plan_.done);
    return result_;
  }

 private:
  [[noreturn]] void throw_cannot_finish(double wall_cap) const {
    char msg[400];
    std::snprintf(msg, sizeof msg,
                  "replication %llu simulated %.0f h, more than %g x the work, without finishing "
                  "(%lld interruptions so far): with these failure, spare and checkpoint settings "
                  "the job can hardly finish; raise montecarlo.max_wall_factor to simulate it "
                  "anyway",
                  static_cast<unsigned long long>(index_), wall_cap, s_.montecarlo.max_wall_factor,
                  static_cast<long long>(result_.interruptions));
    throw sim::InputError(sim::SourceLocation{s_.source_file, 0, 0}, "montecarlo.max_wall_factor",
                          msg);
  }

  void dispatch(double t, EventKind kind) {
    switch (kind) {
      case EventKind::kFailure:
        return on_failure(t);
      case EventKind::kSparesCheck:
        return on_spares_check(t);
    }
  }

  // One kernel event for the failure clock's next event, moved only when that time changes
  // (a fill usually leaves it where it was).
  void schedule_failure() {
    const double t = clock_->next_failure();
    if (queue_.pending(failure_event_)) {
      if (t == failure_time_) return;
      queue_.cancel(failure_event_);
    }
    failure_time_ = t;
    if (t != kNever) failure_event_ = queue_.schedule_at(t, EventKind::kFailure);
  }

  // All empty slots are filled at `fill` in one go; then swap (only if a slot was filled),
  // restart + load, compute. The spares are taken when time passes `fill` (see settle):
  // until then a further failure may restart recovery and need more of them.
  void plan_fill(double fill) {
    plan_.fill = fill;
    plan_.swap_end = fill + (empty_slots_ > 0 ? s_.recovery.swap_h : 0.0);
    plan_.compute_start = plan_.swap_end + s_.recovery.restart_h + s_.recovery.load_h;
    plan_.done = plan_.compute_start + checkpoints_.time_to_finish(completed_);
  }

  // Applies a planned fill once the clock has reached it.
  void settle(double now) {
    if (empty_slots_ > 0 && plan_.fill <= now) {
      pool_ -= empty_slots_;
      empty_slots_ = 0;
      for (const std::int64_t slot : empty_list_) occupied_[static_cast<std::size_t>(slot)] = 1;
      empty_list_.clear();
    }
  }

  // Books [plan_.start, t) into the buckets, phase by phase.
  void book_until(double t) {
    const auto span = [t](double from, double to) { return std::max(0.0, std::min(t, to) - from); };
    result_.bucket(Bucket::kDetect) += span(plan_.start, plan_.detect_end);
    result_.bucket(Bucket::kWaitSpares) += span(plan_.detect_end, plan_.fill);
    result_.bucket(Bucket::kSwap) += span(plan_.fill, plan_.swap_end);
    result_.bucket(Bucket::kRestartLoad) += span(plan_.swap_end, plan_.compute_start);
    if (t > plan_.compute_start) {
      const auto cut = checkpoints_.interrupt_after(completed_, t - plan_.compute_start);
      completed_ += cut.new_checkpoints;
      result_.bucket(Bucket::kCheckpoint) += cut.checkpoint_h;
      result_.bucket(Bucket::kLost) += cut.lost_h;
    }
  }

  void on_failure(double t) {
    settle(t);
    clock_->take_failure();
    schedule_failure();
    // Thinning: a proposal lands on a uniformly chosen slot and is void if the slot is empty.
    bool hit = true;
    std::int64_t slot = -1;
    if (slot_aware_) {
      slot = std::min(static_cast<std::int64_t>(picks_.uniform() * nodes_d_), s_.cluster.nodes - 1);
      hit = occupied_[static_cast<std::size_t>(slot)] != 0;
    } else if (clock_proposes_ && empty_slots_ > 0) {
      hit = picks_.uniform() * nodes_d_ >= static_cast<double>(empty_slots_);
    }
    if (!hit) {
      commit_fill_if_certain();  // a void proposal cannot pre-empt the fill
      return;
    }
    book_until(t);
    ++result_.interruptions;
    const CauseSpec* cause = draw_cause();
    switch (cause ? cause->handling : Handling::kSwap) {
      case Handling::kRestart:
        break;  // the node stays in its slot and is not repaired
      case Handling::kSwap:
        vacate(slot, t, repair_for(cause));
        break;
      case Handling::kDomain: {
        const std::int64_t first = slot / s_.cluster.domain_size * s_.cluster.domain_size;
        const std::int64_t last = std::min(first + s_.cluster.domain_size, s_.cluster.nodes);
        for (std::int64_t i = first; i < last; ++i) {
          if (occupied_[static_cast<std::size_t>(i)]) vacate(i, t, repair_for(cause));
        }
        break;
      }
    }
    begin_recovery(t);
  }

  // Picks the failure's cause by share; nullptr when the scenario has no taxonomy.
  const CauseSpec* draw_cause() {
    if (cause_cdf_.empty()) return nullptr;
    const double u = picks_.uniform();
    std::size_t i = 0;
    while (i + 1 < cause_cdf_.size() && u >= cause_cdf_[i]) ++i;
    ++result_.interruptions_by_cause[i];
    return &s_.cluster.causes[i];
  }

  const RepairDistribution& repair_for(const CauseSpec* cause) const {
    return cause && cause->repair.distribution ? *cause->repair.distribution : repair_time_;
  }

  // The node in `slot` (-1 when slots are not tracked) leaves it for repair.
  void vacate(std::int64_t slot, double t, const RepairDistribution& repair) {
    if (slot_aware_) {
      occupied_[static_cast<std::size_t>(slot)] = 0;
      empty_list_.push_back(slot);
    }
    ++empty_slots_;
    in_repair_.add(t + repair.sample(repairs_));
    ++result_.repairs;
  }

  // Recovery starts over from detection. Filling is decided when detection ends; the pool
  // then holds every node whose repair completed by that time.
  void begin_recovery(double t) {
    queue_.cancel(spares_event_);
    fill_committed_ = false;
    recovery_waited_ = false;
    plan_.start = t;
    plan_.detect_end = t + s_.recovery.detect_h;
    try_fill(plan_.detect_end);
  }

  void on_spares_check(double t) { try_fill(t); }

  // Fills at `t` if the pool suffices; otherwise waits for the next repair completion.
  void try_fill(double t) {
    pool_ += in_repair_.collect_until(t);
    if (pool_ >= empty_slots_) {
      plan_fill(t);
      commit_fill_if_certain();
      return;
    }
    if (!recovery_waited_) ++result_.spare_waits;
    recovery_waited_ = true;
    plan_fill(kNever);
    // Nodes are in repair (the empty slots' own nodes at least), so a completion is coming.
    spares_event_ = queue_.schedule_at(*in_repair_.next_completion(), EventKind::kSparesCheck);
  }

  // The new nodes' clocks start at the fill. The fill is certain once no failure can come
  // before it; only then do the nodes enter (a failure first would restart recovery).
  void commit_fill_if_certain() {
    if (clock_ignores_entries_ || fill_committed_ || plan_.fill == kNever || empty_slots_ == 0) {
      return;
    }
    if (clock_->next_failure() < plan_.fill) return;
    clock_->nodes_entered(plan_.fill, empty_slots_);
    fill_committed_ = true;
    schedule_failure();
  }

  void finish(double t) {
    settle(t);
    book_until(plan_.compute_start);
    result_.bucket(Bucket::kCheckpoint) += checkpoints_.remaining_write_h(completed_);
    result_.bucket(Bucket::kProductive) = s_.job.work_h;
    result_.wall_h = t;
    result_.goodput = s_.job.work_h / t;
  }

  const Scenario& s_;
  const std::uint64_t index_;
  PeriodicCheckpoints checkpoints_;
  sim::RandomStream failures_;
  sim::RandomStream repairs_;
  const RepairDistribution& repair_time_;
  sim::EventQueue<EventKind> queue_;
  std::unique_ptr<FailureClock> clock_;
  const bool clock_ignores_entries_;
  const bool clock_proposes_;
  sim::PickStream picks_;  // slot and cause picks, apart from the failure times
  const bool slot_aware_;  // slots tracked one by one (failure domains need it)
  const double nodes_d_;
  std::vector<std::uint8_t> occupied_;    // per slot, only when slot_aware_
  std::vector<std::int64_t> empty_list_;  // emptied slots awaiting the fill
  std::vector<double> cause_cdf_;
  sim::EventHandle failure_event_;
  double failure_time_ = kNever;
  sim::EventHandle spares_event_;
  bool fill_committed_ = false;
  bool recovery_waited_ = false;  // this recovery already counted in spare_waits
  RepairPipeline in_repair_;

  Timeline plan_;
  std::int64_t completed_ = 0;  // index of the last completed checkpoint (0 = start of job)
  std::int64_t empty_slots_ = 0;
  std::int64_t pool_;
  ReplicationResult result_;
};

}  // namespace

ReplicationResult simulate_replication(const Scenario& scenario, std::uint64_t seed,
                                       std::uint64_t index) {
  return Replication(scenario, seed, index).run();
}

}  // namespace goodsim::models
