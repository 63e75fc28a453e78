// LineDoor with an external Dialect (how the web door reuses the line protocol): the door's
// clients see the events as that dialect renders them, once per broadcast, beside the
// clients of a plain LineDoor on the same core.
#include <gtest/gtest.h>

#include <string>

#include "line_door_fixture.h"

namespace line_door_test {
namespace {

// Renders as the line protocol does, in brackets, and counts its renderings.
class BracketDialect final : public chat::Dialect {
 public:
  reactor::PayloadRef render(const chat::ChatEvent& event) override {
    ++renders;
    reactor::PayloadRef line = lines.render(event);
    if (!line) return line;
    std::string framed(1, '{');
    framed.append(line.view());
    framed.push_back('}');
    return reactor::PayloadRef::copy_of(framed);
  }
  chat::LineDialect lines;
  int renders = 0;
};

class ExternalDialectTest : public LineDoorTest {
 protected:
  ExternalDialectTest() {
    Timestamp t;
    t.set(12, 34, 56);
    brackets.lines.set_stamp(t);
  }
  BracketDialect brackets;
  LineDoor bracket_door{core, kMaxLine, brackets};
};

TEST_F(ExternalDialectTest, PromptsAndBroadcastsUseTheGivenDialect) {
  LoginState& w = sessions[ClientId{10}];
  bracket_door.on_connect(ClientId{10}, w);
  EXPECT_EQ(take(), (SentList{{ClientId{10}, "{Password:\n}"}}));
  EXPECT_EQ(bracket_door.on_line(ClientId{10}, w, kPassword), Outcome::PasswordAccepted);
  EXPECT_EQ(bracket_door.on_line(ClientId{10}, w, "web1"), Outcome::NameAccepted);
  LoginState& w2 = sessions[ClientId{11}];
  bracket_door.on_connect(ClientId{11}, w2);
  bracket_door.on_line(ClientId{11}, w2, kPassword);
  bracket_door.on_line(ClientId{11}, w2, "web2");
  login(ClientId{1}, "plain");
  brackets.renders = 0;

  say(ClientId{1}, "hello all");
  ByClient got = take_by_client();
  EXPECT_EQ(got[ClientId{1}], std::vector<std::string>{}) << "the author does not get its own line";
  EXPECT_EQ(got[ClientId{10}], (std::vector<std::string>{"{" + kT + "<plain> hello all\n}"}));
  EXPECT_EQ(got[ClientId{11}], (std::vector<std::string>{"{" + kT + "<plain> hello all\n}"}));
  EXPECT_EQ(brackets.renders, 1) << "one rendering for every client of the dialect";

  bracket_door.on_line(ClientId{10}, w, "hi plain");
  got = take_by_client();
  EXPECT_EQ(got[ClientId{1}], (std::vector<std::string>{kT + "<web1> hi plain\n"}));
  EXPECT_EQ(got[ClientId{11}], (std::vector<std::string>{"{" + kT + "<web1> hi plain\n}"}));
}

}  // namespace
}  // namespace line_door_test
