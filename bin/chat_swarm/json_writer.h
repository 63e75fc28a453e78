// Json: the minimal JSON writer of the swarm's report (objects, arrays, commas, string
// escaping), enough for --json without a library.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "bin/chat_swarm/histogram.h"

namespace swarm {

// `v` with `decimals` digits after the point.
inline std::string fixed(double v, int decimals) {
  char buf[64];
  (void)std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

class Json {
 public:
  void open(char bracket) {
    comma();
    out_ += bracket;
    first_ = true;
  }
  void close(char bracket) {
    out_ += bracket;
    first_ = false;
  }
  void key(std::string_view k) {
    comma();
    string(k);
    out_ += ": ";
    first_ = true;
  }
  void value(std::string_view s) {
    comma();
    string(s);
  }
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b) {
    comma();
    out_ += b ? "true" : "false";
  }
  void value(std::uint64_t v) {
    comma();
    out_ += std::to_string(v);
  }
  void value(double v) {
    comma();
    out_ += std::isfinite(v) ? fixed(v, 3) : "null";
  }
  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }
  void field(std::string_view k, std::uint32_t v) {
    key(k);
    value(std::uint64_t{v});
  }
  void histogram(std::string_view k, const HistogramSummary& h) {
    key(k);
    open('{');
    field("count", h.count);
    field("min", h.min);
    field("mean", h.mean);
    field("p50", h.p50);
    field("p90", h.p90);
    field("p99", h.p99);
    field("p99_9", h.p999);
    field("max", h.max);
    key("curve");  // [[percent, ns], ...]
    open('[');
    for (const auto& [percent, v] : h.curve) {
      open('[');
      value(percent);
      value(v);
      close(']');
    }
    close(']');
    close('}');
  }
  std::string take() { return std::move(out_) + "\n"; }

 private:
  void comma() {
    if (!first_) out_ += ", ";
    first_ = false;
  }
  void string(std::string_view s) {
    out_ += '"';
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += static_cast<char>(c);
      } else if (c < 0x20) {
        char buf[8];
        (void)std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out_ += buf;
      } else {
        out_ += static_cast<char>(c);
      }
    }
    out_ += '"';
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace swarm
