#pragma once
// Published figures against goodsim: the cases behind `goodsim validate` and
// docs/validation.md. Each case states its source, the parameters it assumes, and a
// tolerance that is either Monte Carlo error or the publication's own stated accuracy.

#include <string>
#include <vector>

namespace goodsim::models {

// kFinding: a published claim that goodsim shows does not hold, where goodsim itself is
// checked by another row (e.g. against an exact closed form). Reported, not a failure.
enum class Verdict { kPass, kFail, kFinding };

struct ValidationRow {
  std::string source;     // publication
  std::string name;       // what is compared
  std::string published;  // the published figure (or the published formula's value)
  std::string goodsim;    // goodsim's figure, with its Monte Carlo error where simulated
  std::string tolerance;  // and why that tolerance
  Verdict verdict = Verdict::kFail;
  std::string note;  // explanation, for findings
};

Verdict verdict_of(bool pass);
const char* to_string(Verdict v);

// The `slow:` block of configs/slow/published-stragglers.yaml (indented as in its `cluster:`
// map): the validation's copy (tests/validation_test.cpp checks that the two agree).
const char* published_stragglers_yaml();

// Runs every case; `threads` only changes speed, never the figures.
std::vector<ValidationRow> run_validation(unsigned threads);

}  // namespace goodsim::models
