// ChatDoors: the chat and its doors on the connection layer. It owns the core (Room, the
// name registry, ChatCore), the door handlers of the listeners, and is the chat's way out
// (chat::Transport: straight into the layer) and back in (chat::ClientDirectory: a late
// answer finds its connection by id, generation checked by the layer's table).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "bin/chat_server/irc_door_handler.h"
#include "bin/chat_server/line_door_handler.h"
#include "bin/chat_server/options.h"
#include "bin/chat_server/web_door_handler.h"
#include "cluster/cluster_node.h"
#include "net/connection_layer.h"
#include "protocol/chat_core.h"
#include "protocol/name_registry.h"
#include "protocol/room.h"
#include "protocol/transport.h"

namespace chat_server {

class ChatDoors final : public chat::Transport, public chat::ClientDirectory {
 public:
  // The IRC door exists when options.irc_port is set, the web door when options.web_port is;
  // with `cluster`, the chat is a cluster's (its room fed by the log, its names Redis's).
  ChatDoors(net::ConnectionLayer& layer, reactor::EventLoop& loop, const Options& options,
            std::optional<cluster::ClusterOptions> cluster = std::nullopt);
  ~ChatDoors() override;

  chat::ChatCore& core() { return core_; }
  LineDoorHandler& line_door() { return *line_; }
  IrcDoorHandler* irc_door() { return irc_.get(); }
  WebDoorHandler* web_door() { return web_.get(); }
  cluster::ClusterNode* cluster() { return cluster_.get(); }

  // The settings a reload may change: password, max-line, MOTD.
  void apply(const Options& options);
  // The line protocol's clock, to the second; called before the chat sees anything.
  void refresh_stamp();

  // chat::Transport: the fan-out goes straight to the layer (one lookup + push per id).
  void deliver(chat::ClientId to, const reactor::PayloadRef& bytes) override { layer_.deliver(to, bytes); }
  void deliver_all(std::span<const chat::ClientId> to, const reactor::PayloadRef& bytes) override {
    layer_.deliver_all(to, bytes);
  }
  // chat::ClientDirectory. Every listener's door is a ChatDoorHandler.
  chat::LoginState* login_of(chat::ClientId id) override;
  void name_claim_settled(chat::ClientId id, bool accepted) override;
  void left(chat::ClientId id) override;

 private:
  // The cluster gave a member's name to an earlier claim: the core asks for another.
  void name_lost(chat::ClientId id);
  static std::unique_ptr<cluster::ClusterNode> make_cluster(reactor::EventLoop& loop, chat::Room& room,
                                                            std::optional<cluster::ClusterOptions> options);
  chat::NameRegistry& registry() { return cluster_ ? cluster_->names() : static_cast<chat::NameRegistry&>(names_); }

 private:
  net::ConnectionLayer& layer_;
  chat::Room room_;
  chat::LocalNames names_;
  std::unique_ptr<cluster::ClusterNode> cluster_;  // before core_, which uses its feed and names
  chat::ChatCore core_;
  std::unique_ptr<LineDoorHandler> line_;
  std::unique_ptr<IrcDoorHandler> irc_;
  std::unique_ptr<WebDoorHandler> web_;
  std::int64_t stamp_second_ = -1;
};

}  // namespace chat_server
