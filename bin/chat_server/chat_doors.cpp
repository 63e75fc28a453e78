// ChatDoors: the chat's core, its clock and the doors, wired to the connection layer.
#include "bin/chat_server/chat_doors.h"

#include <unistd.h>

#include <ctime>

namespace chat_server {

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "chat.local";
  return name;
}

irc::IrcSettings irc_settings(const Options& options) {
  irc::IrcSettings s;
  s.server_name = options.server_name.empty() ? host_name() : options.server_name;
  s.channel = options.irc_channel;
  s.topic = options.irc_topic;
  s.network = "chat";
  s.version = std::string("chat-server-") + CHAT_VERSION;
  std::time_t now = std::time(nullptr);
  char when[64] = {};
  std::tm utc{};
  gmtime_r(&now, &utc);
  (void)std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &utc);
  s.created = when;
  s.created_unix = static_cast<long long>(now);
  return s;
}

}  // namespace

std::unique_ptr<cluster::ClusterNode> ChatDoors::make_cluster(reactor::EventLoop& loop, chat::Room& room,
                                                              std::optional<cluster::ClusterOptions> options) {
  if (!options) return nullptr;
  return std::make_unique<cluster::ClusterNode>(loop, room, std::move(*options));
}

ChatDoors::ChatDoors(net::ConnectionLayer& layer, reactor::EventLoop& loop, const Options& options,
                     std::optional<cluster::ClusterOptions> cluster)
    : layer_(layer),
      room_(*this),
      names_(room_),
      cluster_(make_cluster(loop, room_, std::move(cluster))),
      core_(options.password, room_, registry()) {
  core_.set_directory(this);
  if (cluster_) {
    core_.set_feed(cluster_->feed());
    cluster_->set_on_name_lost([this](chat::ClientId id) { name_lost(id); });
    cluster_->set_before_telling([this] { refresh_stamp(); });
    cluster_->set_on_departure_settled([this](chat::ClientId id) { core_.departure_settled(id); });
  }
  core_.set_motd(options.motd);
  core_.set_open(options.open);
  line_ = std::make_unique<LineDoorHandler>(layer, *this, options.max_line);
  if (options.irc_port != 0)
    irc_ = std::make_unique<IrcDoorHandler>(layer, *this, loop, irc_settings(options), options.irc_ping_seconds);
  if (options.web_port != 0) {
    web::HandshakePolicy policy;
    policy.allowed_origins = parse_origins(options.web_origin);
    std::optional<irc::IrcSettings> irc;  // text.ircv3.net reaches the IRC door when there is one
    if (irc_) irc = irc_->door().settings();
    web_ = std::make_unique<WebDoorHandler>(layer, *this, loop, options.max_line, std::move(policy), std::move(irc));
  }
}

ChatDoors::~ChatDoors() = default;

void ChatDoors::apply(const Options& options) {
  core_.set_password(options.password);
  core_.set_motd(options.motd);
  line_->door().set_max_line(options.max_line);
  if (web_) web_->set_max_line(options.max_line);
}

void ChatDoors::refresh_stamp() {
  std::time_t now = std::time(nullptr);
  if (now == stamp_second_) return;
  stamp_second_ = now;
  std::tm local{};
  localtime_r(&now, &local);
  chat::Timestamp stamp;
  stamp.set(local.tm_hour, local.tm_min, local.tm_sec);
  line_->door().set_stamp(stamp);
  if (web_) web_->set_stamp(stamp);
}

chat::LoginState* ChatDoors::login_of(chat::ClientId id) {
  net::Connection* c = layer_.find(id);
  if (!c || c->phase != net::Phase::Open || !c->session) return nullptr;
  return &static_cast<ChatDoorHandler*>(c->handler)->login(*c);
}

void ChatDoors::name_lost(chat::ClientId id) {
  net::Connection* c = layer_.find(id);
  if (!c || c->phase != net::Phase::Open || !c->session) return;
  refresh_stamp();
  auto* door = static_cast<ChatDoorHandler*>(c->handler);
  if (door->login(*c).state != chat::State::Chatting) return;  // nothing to lose (a late notice)
  core_.lose_name(id, door->login(*c));
  door->name_lost(*c);
  // Back at the name prompt, the client has --auth-timeout to choose one, as at first.
  if (c->phase == net::Phase::Open) layer_.restart_login_deadline(*c);
}

void ChatDoors::left(chat::ClientId id) {
  net::Connection* c = layer_.find(id);
  if (!c || c->phase != net::Phase::Open || !c->session) return;
  static_cast<ChatDoorHandler*>(c->handler)->leave_settled(*c);
}

void ChatDoors::name_claim_settled(chat::ClientId id, bool accepted) {
  net::Connection* c = layer_.find(id);
  if (!c || c->phase != net::Phase::Open || !c->session) return;
  refresh_stamp();
  static_cast<ChatDoorHandler*>(c->handler)->claim_settled(*c, accepted);
}

}  // namespace chat_server
