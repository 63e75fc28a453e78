// The sanitizer against an independent oracle (utf8_oracle.h): the output is exactly what
// PROTOCOL.md "Content hygiene" prescribes, always valid UTF-8 without control characters
// (C0 other than TAB, DEL, C1), and clean input comes back unchanged and uncopied.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/sanitize.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/utf8_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string scratch = "stale bytes from an earlier line";  // reuse must not leak them
  std::string_view out = chat::sanitize(in, scratch);
  std::string expected = fuzz::reference_sanitize(in);

  FUZZ_CHECK(out == expected, "output differs from the reference sanitizer");
  FUZZ_CHECK(fuzz::is_clean_text(out), "output is not clean UTF-8");
  if (fuzz::is_clean_text(in)) {
    FUZZ_CHECK(out.data() == in.data() && out.size() == in.size(), "clean input was not returned as is");
  }
  std::string again;
  FUZZ_CHECK(chat::sanitize(out, again) == out, "sanitizing twice changes the text");
  FUZZ_CHECK(chat::sanitized(in) == expected, "sanitized() differs from sanitize()");
  return 0;
}
