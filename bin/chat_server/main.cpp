// chat-server: reads its settings (flags, environment, --config file) and runs the Server.
#include <cstdio>
#include <string>
#include <vector>

#include "bin/chat_server/options.h"
#include "bin/chat_server/server.h"

int main(int argc, char** argv) {
  using namespace chat_server;
  OptionSources sources;
  std::string message;
  switch (parse_command_line(std::vector<std::string>(argv + 1, argv + argc), process_environment, sources, message)) {
    case ParseStatus::ExitOk: (void)std::fputs(message.c_str(), stdout); return 0;
    case ParseStatus::ExitUsage: (void)std::fputs(message.c_str(), stderr); return 2;
    case ParseStatus::Run: break;
  }
  Options options;
  std::string error;
  bool loaded = load_options(sources, options, error);
  if (!loaded) (void)std::fputs(std::string("chat-server: ").append(error).append("\n").c_str(), stderr);
  if (sources.check_config) {
    for (const std::string& warning : options.warnings)
      (void)std::fputs(std::string("chat-server: warning: ").append(warning).append("\n").c_str(), stderr);
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
