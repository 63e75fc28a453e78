// What the cluster's tests share: a transport that records every member's lines, and the
// public lines of a log read with XRANGE.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "protocol/room.h"

namespace cluster_test {

struct Recorder : chat::Transport {
  std::map<chat::ClientId, std::vector<std::string>> got;
  void deliver(chat::ClientId to, const reactor::PayloadRef& line) override { got[to].emplace_back(line.view()); }
};

// The texts (field `x`) of XRANGE's entries, flattened as bus_test::BusTest::call gives them.
inline std::vector<std::string> texts_in(const std::vector<std::string>& xrange) {
  std::vector<std::string> texts;
  for (std::size_t i = 0; i + 1 < xrange.size(); ++i)
    if (xrange[i] == "x") texts.push_back(xrange[i + 1]);
  return texts;
}

}  // namespace cluster_test
