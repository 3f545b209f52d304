// ConfigNode and MapReader: the located YAML tree and the map reader that rejects unknown keys.

#include "sim/config.h"

#include <stdexcept>
#include <utility>

#include "sim/config_access.h"
#include "sim/config_scalars.h"

namespace goodsim::sim {

namespace detail {

const char* kind_name(ConfigNode::Kind kind) {
  switch (kind) {
    case ConfigNode::Kind::Null:
      return "null";
    case ConfigNode::Kind::Scalar:
      return "a scalar";
    case ConfigNode::Kind::Map:
      return "a map";
    case ConfigNode::Kind::Sequence:
      return "a sequence";
  }
  return "?";
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// ConfigNode

ConfigNode ConfigNode::null(SourceLocation where, std::string path) {
  ConfigNode node;
  node.key_where_ = where;
  node.where_ = std::move(where);
  node.path_ = std::move(path);
  return node;
}

ConfigNode ConfigNode::scalar(std::string text, SourceLocation where, std::string path) {
  ConfigNode node = null(std::move(where), std::move(path));
  node.kind_ = Kind::Scalar;
  node.text_ = std::move(text);
  return node;
}

ConfigNode ConfigNode::map(SourceLocation where, std::string path) {
  ConfigNode node = null(std::move(where), std::move(path));
  node.kind_ = Kind::Map;
  return node;
}

ConfigNode ConfigNode::sequence(SourceLocation where, std::string path) {
  ConfigNode node = null(std::move(where), std::move(path));
  node.kind_ = Kind::Sequence;
  return node;
}

const std::string& ConfigNode::scalar() const {
  if (!is_scalar()) throw error(std::string("expected a scalar value, got ") + describe());
  return text_;
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const auto& [name, value] : entries_) {
    if (name == key) return &value;
  }
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view key) {
  return const_cast<ConfigNode*>(std::as_const(*this).find(key));
}

double ConfigNode::as_double() const {
  std::optional<double> value = is_scalar() ? detail::parse_real(text_) : std::nullopt;
  if (!value) throw error("expected a real number, got " + describe());
  return *value;
}

std::int64_t ConfigNode::as_int() const {
  std::optional<std::int64_t> value = is_scalar() ? detail::parse_int(text_) : std::nullopt;
  if (!value) throw error("expected an integer, got " + describe());
  return *value;
}

bool ConfigNode::as_bool() const {
  if (is_scalar()) {
    if (text_ == "true" || text_ == "True" || text_ == "TRUE") return true;
    if (text_ == "false" || text_ == "False" || text_ == "FALSE") return false;
  }
  throw error("expected true or false, got " + describe());
}

std::string ConfigNode::as_string() const {
  if (!is_scalar()) throw error("expected a string, got " + describe());
  return text_;
}

double ConfigNode::as_hours() const {
  std::optional<double> hours = is_scalar() ? parse_hours(text_) : std::nullopt;
  if (hours) return *hours;
  std::string message =
      "expected a duration with a unit (s, min, h, d, w), e.g. '30min', got " + describe();
  double number = 0;
  if (is_scalar() && detail::duration_unit(text_, number) == "m") {
    message += "; 'm' is ambiguous (minutes or months?), write 'min' for minutes";
  }
  throw error(message);
}

InputError ConfigNode::error(std::string message) const {
  return InputError(where_, path_, std::move(message));
}

std::string ConfigNode::describe() const {
  return is_scalar() ? quoted_excerpt(text_) : detail::kind_name(kind_);
}

ConfigNode& ConfigNode::set(std::string key, ConfigNode value) {
  if (is_null()) kind_ = Kind::Map;
  if (!is_map())
    throw std::logic_error("ConfigNode::set on " + std::string(detail::kind_name(kind_)));
  if (ConfigNode* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  return entries_.emplace_back(std::move(key), std::move(value)).second;
}

ConfigNode& ConfigNode::append(ConfigNode item) {
  if (is_null()) kind_ = Kind::Sequence;
  if (!is_sequence()) {
    throw std::logic_error("ConfigNode::append on " + std::string(detail::kind_name(kind_)));
  }
  return items_.emplace_back(std::move(item));
}

bool ConfigNode::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// MapReader

MapReader::MapReader(const ConfigNode& node) : node_(&node) {
  if (!node.is_map()) throw node.error("expected a map, got " + node.describe());
}

void MapReader::note(std::string_view key) {
  for (const std::string& asked : asked_) {
    if (asked == key) return;
  }
  asked_.emplace_back(key);
}

const ConfigNode& MapReader::required(std::string_view key) {
  note(key);
  const ConfigNode* value = node_->find(key);
  if (value == nullptr) throw node_->error("missing required key '" + std::string(key) + "'");
  return *value;
}

const ConfigNode* MapReader::optional(std::string_view key) {
  note(key);
  return node_->find(key);
}

void MapReader::finish() const {
  for (const auto& [key, value] : node_->entries()) {
    bool known = false;
    for (const std::string& asked : asked_) known = known || asked == key;
    if (known) continue;
    std::string message = "unknown key " + quoted_excerpt(key);
    if (!asked_.empty()) {
      message += "; expected one of: ";
      for (std::size_t i = 0; i < asked_.size(); ++i) {
        message += (i == 0 ? "" : ", ") + asked_[i];
      }
    }
    throw InputError(value.key_where(), node_->path(), message);
  }
}

}  // namespace goodsim::sim
