// EVALSHA with reload on NOSCRIPT, and the reply readers (see bus_script.h).
#include "bus/bus_script.h"

#include <charconv>
#include <memory>

#include "bus/sha1.h"

namespace bus {
namespace {

bool is_noscript(const resp::RespResult& r) {
  return r.status == resp::RespStatus::Ok && r.reply->is_error() && r.reply->top.text.starts_with("NOSCRIPT");
}

resp::RespStatus send_evalsha(resp::RespClient& client, const std::string& sha, const std::vector<std::string>& keys,
                              const std::vector<std::string>& args, resp::RespCallback done) {
  const std::string numkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.insert(argv.end(), {"EVALSHA", sha, numkeys});
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return client.command(argv, std::move(done));
}

}  // namespace

BusScript::BusScript(std::string_view source) : source_(source), sha_(sha1_hex(source)) {}

resp::RespStatus BusScript::run(resp::RespClient& client, const std::vector<std::string>& keys,
                                const std::vector<std::string>& args, resp::RespCallback done) const {
  // The retry needs the call's arguments after this returns; the script outlives its calls
  // (owners hold their scripts as members and close their client first).
  auto call = std::make_shared<std::pair<std::vector<std::string>, std::vector<std::string>>>(keys, args);
  auto final_done = std::make_shared<resp::RespCallback>(std::move(done));
  return send_evalsha(client, sha_, keys, args, [this, &client, call, final_done](const resp::RespResult& r) {
    if (!is_noscript(r)) {
      (*final_done)(r);
      return;
    }
    // Pipelined: LOAD then the same call. Calls queued behind the failed one also get
    // NOSCRIPT and are re-sent in their order, so the order of a node's calls holds.
    const std::string_view load[] = {"SCRIPT", "LOAD", source_};
    resp::RespStatus s = client.command(load, nullptr);
    if (s == resp::RespStatus::Ok) s = send_evalsha(client, sha_, call->first, call->second, *final_done);
    if (s != resp::RespStatus::Ok) {
      const std::string why = std::string("re-sending after NOSCRIPT: ") + resp::to_string(s);
      (*final_done)(resp::RespResult{resp::RespStatus::Disconnected, nullptr, why});
    }
  });
}

std::optional<std::vector<std::string>> flat_strings(const resp::RespReply& reply) {
  if (reply.top.type != resp::RespType::Array) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(reply.items.size());
  for (const resp::RespItem& item : reply.items) {
    switch (item.type) {
      case resp::RespType::Bulk:
      case resp::RespType::SimpleString: out.emplace_back(item.text); break;
      case resp::RespType::Integer: out.push_back(std::to_string(item.integer)); break;
      case resp::RespType::Null: out.emplace_back(); break;
      default: return std::nullopt;
    }
  }
  return out;
}

std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string failure_of(const resp::RespResult& result) {
  if (result.status != resp::RespStatus::Ok) return std::string(result.error);
  if (result.reply->is_error()) return std::string(result.reply->top.text);
  return "unexpected reply";
}

bool valid_node_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (c == '|' || static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return false;
  return true;
}

}  // namespace bus
