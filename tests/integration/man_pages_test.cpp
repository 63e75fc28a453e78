// The man pages (man/*.1, man/*.8) document exactly the flags each program's --help lists:
// adding a flag without documenting it, or leaving a removed one in the page, fails here.
// With groff installed, each page must also render without a single warning.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "harness.h"

using namespace harness;

namespace {

using Flags = std::set<std::string>;

Flags flags_in(const std::string& text) {
  static const std::regex flag("--[a-z][a-z0-9-]*");
  Flags found;
  for (std::sregex_iterator it(text.begin(), text.end(), flag), end; it != end; ++it) found.insert(it->str());
  return found;
}

// --help lists each option at the start of an indented line ("  --port N   TCP port..."),
// several on one line as "  --help, --version"; flags named inside descriptions do not count.
Flags help_flags(const std::string& program) {
  Process p = run_process({program, "--help"});
  EXPECT_EQ(p.status, 0) << program << " --help: " << p.err;
  EXPECT_FALSE(p.out.empty());
  Flags flags;
  std::istringstream lines(p.out);
  for (std::string line; std::getline(lines, line);) {
    std::size_t start = line.find_first_not_of(' ');
    if (start == 0 || start == std::string::npos || line.compare(start, 2, "--") != 0) continue;
    std::size_t gap = line.find("  ", start);  // the description starts after the first gap
    Flags on_line = flags_in(line.substr(start, gap == std::string::npos ? gap : gap - start));
    flags.insert(on_line.begin(), on_line.end());
  }
  return flags;
}

// In the OPTIONS section, each option is a .TP item whose tag line is .B/.BI/.BR \-\-flag.
Flags man_flags(const std::string& page) {
  std::string text = read_file(page);
  EXPECT_FALSE(text.empty()) << page << " is missing";
  Flags flags;
  std::istringstream lines(text);
  bool in_options = false, tag_next = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(".SH")) in_options = line.find("OPTIONS") != std::string::npos;
    if (!in_options) continue;
    if (tag_next && (line.starts_with(".B ") || line.starts_with(".BI ") || line.starts_with(".BR "))) {
      std::string plain = std::regex_replace(line, std::regex(R"(\\-)"), "-");
      Flags on_line = flags_in(plain);
      flags.insert(on_line.begin(), on_line.end());
    }
    tag_next = line == ".TP";
  }
  return flags;
}

std::string listed(const Flags& flags) {
  std::string out;
  for (const std::string& f : flags) out += " " + f;
  return out.empty() ? " (none)" : out;
}

void expect_same_flags(const std::string& program, const std::string& page) {
  Flags help = help_flags(program), man = man_flags(std::string(CHAT_SOURCE_DIR) + "/" + page);
  Flags undocumented, stale;
  for (const std::string& f : help)
    if (!man.contains(f)) undocumented.insert(f);
  for (const std::string& f : man)
    if (!help.contains(f)) stale.insert(f);
  EXPECT_TRUE(undocumented.empty()) << "in --help but not in " << page << ":" << listed(undocumented);
  EXPECT_TRUE(stale.empty()) << "in " << page << " but not in --help:" << listed(stale);
  EXPECT_GE(help.size(), 3u) << "the --help parser found too little:" << listed(help);
}

void expect_renders_cleanly(const std::string& page) {
  Process p = run_process({"groff", "-man", "-Tutf8", "-ww", "-z", std::string(CHAT_SOURCE_DIR) + "/" + page});
  if (p.status == 127) GTEST_SKIP() << "groff is not installed";
  EXPECT_EQ(p.status, 0) << page;
  EXPECT_EQ(p.err, "") << page << " has roff warnings";
}

}  // namespace

TEST(ManPages, ServerPageListsEveryFlagOfHelp) { expect_same_flags(CHAT_SERVER_PATH, "man/chat-server.8"); }

#ifdef CHAT_CLIENT_PATH
TEST(ManPages, ClientPageListsEveryFlagOfHelp) { expect_same_flags(CHAT_CLIENT_PATH, "man/chat-client.1"); }
#endif

#ifdef CHAT_SWARM_PATH
TEST(ManPages, SwarmPageListsEveryFlagOfHelp) { expect_same_flags(CHAT_SWARM_PATH, "man/chat-swarm.1"); }
#endif

TEST(ManPages, RenderWithoutWarnings) {
  for (const char* page : {"man/chat-server.8", "man/chat-client.1", "man/chat-swarm.1"}) expect_renders_cleanly(page);
}
