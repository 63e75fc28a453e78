// chat-server: reads its settings (flags, environment, --config file) and runs the Server.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bin/chat_server/options.h"
#include "bin/chat_server/server.h"
#include "net/log.h"

namespace {

// One line on stderr. Errors quote values from files and the environment: escaped as in the
// log, so that none can forge a line or drive the terminal.
void say(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  (void)std::fputs((net::escape_text(line) + "\n").c_str(), stderr);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace chat_server;
  OptionSources sources;
  std::string message;
  switch (parse_command_line(std::vector<std::string>(argv + 1, argv + argc), process_environment, sources, message)) {
    case ParseStatus::ExitOk: (void)std::fputs(message.c_str(), stdout); return 0;
    case ParseStatus::ExitUsage: say(message); return 2;
    case ParseStatus::Run: break;
  }
  Options options;
  std::string error;
  bool loaded = load_options(sources, options, error);
  if (!loaded) say("chat-server: " + error);
  if (sources.check_config) {
    for (const std::string& warning : options.warnings) say("chat-server: warning: " + warning);
    if (loaded) (void)std::fputs("configuration OK\n", stdout);
    return loaded ? 0 : 2;
  }
  if (!loaded) return 2;

  Server server(options);
  // SIGHUP: the same layering again, over a freshly read file.
  server.set_reload(
      [&sources](Options& reloaded, std::string& reason) { return load_options(sources, reloaded, reason); });
  return server.run();
}
