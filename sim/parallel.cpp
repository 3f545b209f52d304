#include "sim/parallel.h"

namespace goodsim::sim {

unsigned default_thread_count() {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

}  // namespace goodsim::sim
