// The verdicts and the order of the published cases; the cases are in models/validation/.

#include "models/validation.h"

#include "models/validation/cases.h"

namespace goodsim::models {

Verdict verdict_of(bool pass) {
  return pass ? Verdict::kPass : Verdict::kFail;
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kFinding:
      return "finding";
  }
  return "?";
}

std::vector<ValidationRow> run_validation(unsigned threads) {
  std::vector<ValidationRow> rows;
  validation::daly_cases(rows, threads);
  validation::meta_cases(rows, threads);
  validation::llama3_cases(rows, threads);
  validation::calibration_cases(rows, threads);
  validation::hyperpod_cases(rows, threads);
  validation::gemini_case(rows, threads);
  validation::seed_article_case(rows, threads);
  validation::stragglers_case(rows, threads);
  return rows;
}

}  // namespace goodsim::models
