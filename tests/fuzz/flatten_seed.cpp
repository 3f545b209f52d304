// Writes a scenario with its `extends:` resolved, as one YAML document: a seed for
// scenario_fuzz, which reads text and so cannot follow `extends:` itself (scripts/fuzz).
// usage: flatten_seed SCENARIO.yaml > seed.yaml

#include <iostream>

#include "sim/config.h"
#include "sim/error.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: flatten_seed SCENARIO.yaml\n";
    return 2;
  }
  try {
    std::cout << goodsim::sim::to_yaml(goodsim::sim::load_config_file(argv[1]));
  } catch (const goodsim::sim::InputError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
