#pragma once
// The groups of published cases run_validation() runs; each file is named after its function.

#include <vector>

#include "models/validation.h"

namespace goodsim::models::validation {

// Each appends its rows to `rows`; `threads` changes only the speed, never the figures.
void daly_cases(std::vector<ValidationRow>& rows, unsigned threads);
void meta_cases(std::vector<ValidationRow>& rows, unsigned threads);
void llama3_cases(std::vector<ValidationRow>& rows, unsigned threads);
void hyperpod_cases(std::vector<ValidationRow>& rows, unsigned threads);
void gemini_case(std::vector<ValidationRow>& rows, unsigned threads);
void stragglers_case(std::vector<ValidationRow>& rows, unsigned threads);
// calibration_cases.cpp: MegaScale and ByteRobust; the seed article.
void calibration_cases(std::vector<ValidationRow>& rows, unsigned threads);
void seed_article_case(std::vector<ValidationRow>& rows, unsigned threads);

}  // namespace goodsim::models::validation
