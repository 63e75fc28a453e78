// The swarm's WebSocket client codec: masked frames as RFC 6455 lays them out, the server's
// frames read whole, split anywhere, fragmented or with a 16-bit length; and refusals.
#include "bin/chat_swarm/ws_client.h"

#include <gtest/gtest.h>

#include <vector>

using namespace swarm;

namespace {
struct Got {
  std::uint8_t opcode;
  std::string payload;
};
std::vector<Got> read_all(WsFrameReader& reader, const std::string& bytes, std::size_t step = 0) {
  std::vector<Got> got;
  auto on = [&](std::uint8_t op, std::string_view p) {
    got.push_back({op, std::string(p)});
    return true;
  };
  if (step == 0) {
    EXPECT_TRUE(reader.feed(bytes, on)) << reader.error();
  } else {
    for (std::size_t i = 0; i < bytes.size(); i += step) EXPECT_TRUE(reader.feed(bytes.substr(i, step), on));
  }
  return got;
}
}  // namespace

TEST(WsClient, MaskedTextFrameIsTheRfcExample) {
  // RFC 6455 5.7: a masked "Hello" with key 37 fa 21 3d.
  std::string out;
  ws_append_masked(out, 0x1, "Hello", 0x37fa213d);
  EXPECT_EQ(out, std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
}

TEST(WsClient, LongPayloadUses16BitLength) {
  std::string out;
  ws_append_masked(out, 0x1, std::string(300, 'a'), 0);
  ASSERT_EQ(out.size(), 2u + 2 + 4 + 300);
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 0x80 | 126);
  EXPECT_EQ(static_cast<unsigned char>(out[2]) << 8 | static_cast<unsigned char>(out[3]), 300);
}

TEST(WsClient, ReadsServerFramesSplitAnywhere) {
  // RFC 6455 5.7's unmasked "Hello", a ping, and a fragmented "Hel" + "lo".
  const std::string bytes = std::string("\x81\x05Hello", 7) + std::string("\x89\x02hi", 4) +
                            std::string("\x01\x03Hel", 5) + std::string("\x80\x02lo", 4);
  for (std::size_t step : {0, 1, 3}) {
    WsFrameReader reader;
    std::vector<Got> got = read_all(reader, bytes, step);
    ASSERT_EQ(got.size(), 3u) << step;
    EXPECT_EQ(got[0].payload, "Hello");
    EXPECT_EQ(got[1].opcode, 0x9);
    EXPECT_EQ(got[1].payload, "hi");
    EXPECT_EQ(got[2].opcode, 0x1);
    EXPECT_EQ(got[2].payload, "Hello");
  }
}

TEST(WsClient, RefusesWhatNoServerMaySend) {
  for (const std::string& bad : {std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11),  // masked
                                 std::string("\xc1\x00", 2),                                       // RSV1
                                 std::string("\x83\x00", 2),                                       // opcode 3
                                 std::string("\x09\x00", 2),                                       // fragmented ping
                                 std::string("\x80\x00", 2)}) {                                    // lone continuation
    WsFrameReader reader;
    EXPECT_FALSE(reader.feed(bad, [](std::uint8_t, std::string_view) { return true; }));
    EXPECT_FALSE(reader.error().empty());
  }
}

TEST(WsClient, HandshakeWaitsForTheWholeAnswerAndKeepsWhatFollows) {
  std::string buffer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n";
  std::string error;
  EXPECT_EQ(ws_take_handshake(buffer, error), WsHandshake::Incomplete);
  buffer += "\r\n\x81\x01x";
  EXPECT_EQ(ws_take_handshake(buffer, error), WsHandshake::Done);
  EXPECT_EQ(buffer, "\x81\x01x");
  std::string refused = "HTTP/1.1 403 Forbidden\r\n\r\n";
  EXPECT_EQ(ws_take_handshake(refused, error), WsHandshake::Refused);
  EXPECT_NE(error.find("403"), std::string::npos) << error;
  EXPECT_NE(ws_upgrade_request("h:1").find("Sec-WebSocket-Protocol: chat.line\r\n"), std::string::npos);
}
