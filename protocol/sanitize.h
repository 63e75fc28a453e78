// Content hygiene for relayed text (PROTOCOL.md "Content hygiene"): invalid UTF-8 becomes
// U+FFFD, one per maximal invalid subpart as Unicode recommends (overlong forms and
// surrogates are invalid); then C0 control bytes other than TAB, DEL, and the C1 controls
// U+0080..U+009F (8-bit CSI, OSC, NEL: terminals act on them too) are removed.
#pragma once

#include <string>
#include <string_view>

namespace chat {

// Returns `text` itself when it is already clean (the common case, no copy); otherwise
// writes the cleaned text into `scratch` and returns a view of it.
std::string_view sanitize(std::string_view text, std::string& scratch);

// Convenience for callers that want an owned string.
std::string sanitized(std::string_view text);

}  // namespace chat
