#pragma once
// Random streams. Replication i of a run with seed S always draws from streams derived from
// (S, i, purpose), never from a shared generator: that is what makes results identical for
// any thread count and lets strategies share failure streams (common random numbers).

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/taus88.hpp>
#include <boost/random/uniform_01.hpp>
#include <cstdint>

namespace goodsim::sim {

// Independent sub-streams of one replication; a model asks for each by purpose.
enum class StreamPurpose : std::uint32_t {
  kFailures = 1,
  kRepairs = 2,
  kRecovery = 3,
  kMisc = 4,
  kCauses = 5,        // which slot and which cause a failure hits
  kPoolFailures = 6,  // failures of idle spares (cluster.pool_failures)
  kSdc = 7,           // silent data corruptions (cluster.sdc) and the node behind each
  kMembers = 8,       // which node of a Weibull cohort fails, when slots are tracked
  kParameters = 9,    // uncertain scenario parameters, drawn once per replication
  kSlow = 10,         // slow nodes (cluster.slow): onsets, slots, factors, durations
};

class RandomStream {
 public:
  using Engine = boost::random::mt19937_64;

  RandomStream(std::uint64_t seed, std::uint64_t replication, StreamPurpose purpose)
      : engine_(derive_seed(seed, replication, purpose)) {}

  // Hashes (seed, replication, purpose) into one engine seed. Chained splitmix64 finalisers
  // give unrelated seeds for neighbouring inputs, at a tiny fraction of seed_seq's cost
  // (which would be a tenth of a short replication's run time).
  static std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t replication,
                                   StreamPurpose purpose) {
    std::uint64_t h = mix(seed ^ 0x676f6f6473696dULL);  // "goodsim"
    h = mix(h ^ replication);
    return mix(h ^ static_cast<std::uint64_t>(purpose));
  }

  // Exponential variate with the given mean (hours).
  double exponential(double mean) { return mean * exp1_(engine_); }
  // Uniform on [0, 1).
  double uniform() { return boost::random::uniform_01<double>()(engine_); }

  Engine& engine() { return engine_; }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  Engine engine_;
  // The ziggurat behind boost::random::exponential_distribution, without its division by
  // lambda on every draw (a measurable share of a replication's time).
  boost::random::detail::unit_exponential_distribution<double> exp1_;
};

// A small, cheaply seeded stream for discrete picks (which slot a failure proposal lands on,
// which cause it has). Seeding a second Mersenne Twister per replication would cost a few
// per cent of a replication; taus88 (L'Ecuyer 1996, period 2^88) needs three words.
// Keeping picks out of the failure stream is what keeps failure proposal times common to every
// configuration of a scenario, however many picks each one makes.
class PickStream {
 public:
  PickStream(std::uint64_t seed, std::uint64_t replication, StreamPurpose purpose) {
    const std::uint64_t a = RandomStream::derive_seed(seed, replication, purpose);
    const std::uint64_t b = RandomStream::derive_seed(a, replication, purpose);
    const std::uint32_t words[] = {static_cast<std::uint32_t>(a),
                                   static_cast<std::uint32_t>(a >> 32),
                                   static_cast<std::uint32_t>(b)};
    const std::uint32_t* first = words;
    engine_.seed(first, words + 3);
  }

  // Uniform on [0, 1) with 32-bit resolution.
  double uniform() { return static_cast<double>(engine_()) * 0x1p-32; }

 private:
  boost::random::taus88 engine_;
};

}  // namespace goodsim::sim
