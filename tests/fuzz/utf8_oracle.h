// UTF-8 oracles built from the encoder's side, sharing nothing with protocol/sanitize.cpp:
// the well-formed sequences are exactly the encodings of the scalar values (U+0000..U+10FFFF
// without the surrogates), and the invalid parts are found by asking which byte strings are
// prefixes of such an encoding ("maximal subpart", Unicode 15 section 3.9).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

inline std::string encode_utf8(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// Every encoding and every proper prefix of one, as sorted keys (length in the top byte).
class Utf8Table {
 public:
  static const Utf8Table& get() {
    static const Utf8Table table;
    return table;
  }

  bool is_sequence(std::string_view b) const {
    if (b.size() == 4) return has(prefixes_, b.substr(0, 3)) && (static_cast<unsigned char>(b[3]) & 0xC0) == 0x80;
    return has(sequences_, b);
  }
  bool is_proper_prefix(std::string_view b) const { return has(prefixes_, b); }

 private:
  // Four-byte encodings are not stored one by one: their last byte carries the low six bits
  // of the code point, and U+10000..U+10FFFF is made of whole blocks of 64, so every
  // continuation byte completes every three-byte prefix. One code point per block suffices.
  Utf8Table() {
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; cp += cp < 0x10000 ? 1 : 64) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      std::string e = encode_utf8(cp);
      if (e.size() < 4) sequences_.push_back(key(e));
      for (std::size_t n = 1; n < e.size(); ++n) prefixes_.push_back(key(std::string_view(e).substr(0, n)));
    }
    for (auto* v : {&sequences_, &prefixes_}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
  }

  static std::uint64_t key(std::string_view b) {
    std::uint64_t k = 0;
    for (char c : b) k = (k << 8) | static_cast<unsigned char>(c);
    return k | (static_cast<std::uint64_t>(b.size()) << 56);
  }
  static bool has(const std::vector<std::uint64_t>& v, std::string_view b) {
    return !b.empty() && b.size() <= 4 && std::binary_search(v.begin(), v.end(), key(b));
  }

  std::vector<std::uint64_t> sequences_;
  std::vector<std::uint64_t> prefixes_;
};

inline bool is_dropped_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

// The C1 controls U+0080..U+009F, as the encoder writes them.
inline const std::vector<std::string>& c1_encodings() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (std::uint32_t cp = 0x80; cp <= 0x9F; ++cp) v.push_back(encode_utf8(cp));
    return v;
  }();
  return all;
}

inline bool is_c1_control(std::string_view sequence) {
  const auto& all = c1_encodings();
  return std::find(all.begin(), all.end(), sequence) != all.end();
}

// Well-formed UTF-8 throughout.
inline bool is_valid_utf8(std::string_view s) {
  const Utf8Table& t = Utf8Table::get();
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = 1;
    while (len <= 4 && i + len <= s.size() && !t.is_sequence(s.substr(i, len))) ++len;
    if (len > 4 || i + len > s.size()) return false;
    i += len;
  }
  return true;
}

// What PROTOCOL.md "Content hygiene" says relayed text becomes: each maximal invalid subpart
// replaced by one U+FFFD, then C0 controls other than TAB, DEL, and C1 controls removed.
inline std::string reference_sanitize(std::string_view s) {
  const Utf8Table& t = Utf8Table::get();
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t subpart = 0;  // longest proper prefix of a sequence found here
    std::size_t whole = 0;    // length of the sequence found here, if any
    for (std::size_t len = 1; len <= 4 && i + len <= s.size(); ++len) {
      std::string_view piece = s.substr(i, len);
      if (t.is_sequence(piece)) {
        whole = len;
        break;
      }
      if (!t.is_proper_prefix(piece)) break;
      subpart = len;
    }
    if (whole) {
      std::string_view sequence = s.substr(i, whole);
      bool dropped = whole == 1 ? is_dropped_control(static_cast<unsigned char>(s[i])) : is_c1_control(sequence);
      if (!dropped) out.append(sequence);
      i += whole;
    } else {
      out.append("\xEF\xBF\xBD");
      i += subpart ? subpart : 1;
    }
  }
  return out;
}

// Valid UTF-8 without the characters the hygiene rule removes. In valid UTF-8 a C1 encoding
// found anywhere is that character: its lead byte cannot be a continuation.
inline bool is_clean_text(std::string_view s) {
  for (char c : s)
    if (is_dropped_control(static_cast<unsigned char>(c))) return false;
  for (const std::string& c1 : c1_encodings())
    if (s.find(c1) != std::string_view::npos) return false;
  return is_valid_utf8(s);
}

}  // namespace fuzz
