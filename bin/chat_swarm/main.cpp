// chat-swarm: parses flags, resolves addresses, raises the descriptor limit, runs the swarm,
// prints the report (and writes the JSON), and exits 0 only if the run saw no fault.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bin/chat_swarm/options.h"
#include "bin/chat_swarm/scenario.h"
#include "bin/chat_swarm/swarm.h"
#include "reactor/socket.h"

int main(int argc, char** argv) {
  swarm::Options options;
  std::string message;
  std::vector<std::string> args(argv + 1, argv + argc);
  switch (swarm::parse_options(args, std::getenv("CHAT_PASSWORD"), options, message)) {
    case swarm::ParseStatus::ExitOk: (void)std::fputs(message.c_str(), stdout); return 0;
    case swarm::ParseStatus::ExitUsage: (void)std::fputs(message.c_str(), stderr); return 2;
    case swarm::ParseStatus::Run: break;
  }

  std::vector<swarm::Address> servers;
  std::string error;
  for (const swarm::Target& t : options.targets) {
    swarm::Address a;
    if (!swarm::resolve(t.host, t.port, a, error)) {
      (void)std::fprintf(stderr, "chat-swarm: %s\n", error.c_str());
      return 2;
    }
    servers.push_back(std::move(a));
  }
  std::vector<swarm::Address> sources;
  for (const std::string& ip : options.source_ips) {
    swarm::Address a;
    if (!swarm::resolve_source(ip, a, error)) {
      (void)std::fprintf(stderr, "chat-swarm: --source-ips: %s\n", error.c_str());
      return 2;
    }
    sources.push_back(a);
  }

  // One descriptor per client, plus a few for the loop, signals and files.
  std::uint64_t limit = reactor::raise_descriptor_limit();
  if (options.clients + swarm::Swarm::kReservedDescriptors + 8 > limit)
    (void)std::fprintf(stderr,
                       "chat-swarm: warning: %u clients need more descriptors than the limit of %llu; "
                       "connections beyond it will fail with EMFILE (and be counted)\n",
                       options.clients, static_cast<unsigned long long>(limit));

  swarm::Plan plan = swarm::make_plan(options);
  swarm::Swarm swarm(options, plan, std::move(servers), sources, limit);
  swarm::Report report;
  if (!swarm.run(report, error)) {
    (void)std::fprintf(stderr, "chat-swarm: %s\n", error.c_str());
    return 1;
  }
  std::string table = swarm::format_table(report);
  (void)std::fputs(("\n" + table).c_str(), stdout);
  (void)std::fflush(stdout);
  if (!options.json_path.empty()) {
    std::string json = swarm::format_json(report);
    if (options.json_path == "-") {
      (void)std::fputs(json.c_str(), stdout);
    } else {
      std::ofstream out(options.json_path, std::ios::binary | std::ios::trunc);
      out << json;
      if (!out) {
        (void)std::fprintf(stderr, "chat-swarm: cannot write %s\n", options.json_path.c_str());
        return 1;
      }
    }
  }
  return report.failures.empty() ? 0 : 1;
}
