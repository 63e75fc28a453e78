// Name rules: PROTOCOL.md "Names" (1-24 of A-Z a-z 0-9 _ -, unique ignoring case).
#include "protocol/names.h"

#include <gtest/gtest.h>

#include <string>

using chat::is_valid_name;
using chat::kMaxNameLength;
using chat::name_key;

TEST(Names, MaxLengthIs24) { EXPECT_EQ(kMaxNameLength, 24u); }

TEST(Names, EmptyIsInvalid) { EXPECT_FALSE(is_valid_name("")); }

TEST(Names, OneCharacterIsValid) {
  for (const char* n : {"a", "Z", "0", "_", "-"}) EXPECT_TRUE(is_valid_name(n)) << n;
}

TEST(Names, TwentyFourCharactersIsValid) {
  EXPECT_TRUE(is_valid_name(std::string(24, 'a')));
  EXPECT_TRUE(is_valid_name("abcdefghijklmnopqrstuvwx"));
}

TEST(Names, TwentyFiveCharactersIsInvalid) {
  EXPECT_FALSE(is_valid_name(std::string(25, 'a')));
  EXPECT_FALSE(is_valid_name("abcdefghijklmnopqrstuvwxy"));
  EXPECT_FALSE(is_valid_name(std::string(1000, 'b')));
}

TEST(Names, AllAllowedCharacters) {
  EXPECT_TRUE(is_valid_name("ABCDEFGHIJKLMNOPQRSTUVWX"));
  EXPECT_TRUE(is_valid_name("YZabcdefghijklmnopqrstuv"));
  EXPECT_TRUE(is_valid_name("wxyz0123456789_-"));
  EXPECT_TRUE(is_valid_name("-leading-dash"));
  EXPECT_TRUE(is_valid_name("_"));
  EXPECT_TRUE(is_valid_name("007"));
}

TEST(Names, EveryOtherAsciiByteIsInvalid) {
  for (int c = 0; c < 0x80; ++c) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    std::string name = "ab";
    name.push_back(static_cast<char>(c));
    EXPECT_EQ(is_valid_name(name), allowed) << "byte " << c;
  }
}

TEST(Names, TypicalInvalidNames) {
  for (const char* n : {"bob smith", " bob", "bob ", "bob\t", "bob!", "b.o.b", "bob@x", "<bob>", "[private]", "*",
                        "bob:", "a/b", "a\\b"}) {
    EXPECT_FALSE(is_valid_name(n)) << n;
  }
}

TEST(Names, NonAsciiIsInvalid) {
  EXPECT_FALSE(is_valid_name("jos\xC3\xA9"));       // josé
  EXPECT_FALSE(is_valid_name("\xF0\x9F\x98\x80"));  // emoji
  EXPECT_FALSE(is_valid_name("bob\xFF"));
}

TEST(Names, ControlBytesAreInvalid) {
  EXPECT_FALSE(is_valid_name(std::string("bo\0b", 4)));
  EXPECT_FALSE(is_valid_name("bob\x1B[31m"));
  EXPECT_FALSE(is_valid_name("bob\x7F"));
}

TEST(Names, KeyIsAsciiLowerCase) {
  EXPECT_EQ(name_key("Alice"), "alice");
  EXPECT_EQ(name_key("BOB_X-9"), "bob_x-9");
  EXPECT_EQ(name_key("already"), "already");
  EXPECT_EQ(name_key(""), "");
}

TEST(Names, KeysEqualExactlyWhenNamesEqualIgnoringCase) {
  EXPECT_EQ(name_key("bob"), name_key("BOB"));
  EXPECT_EQ(name_key("bOb"), name_key("BoB"));
  EXPECT_NE(name_key("bob"), name_key("bob_"));
  EXPECT_NE(name_key("bob-"), name_key("bob_"));
}
