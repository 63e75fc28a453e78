// SHA-1 against FIPS 180 / RFC 3174 vectors, base64 against RFC 4648 section 10, and the
// Sec-WebSocket-Accept example of RFC 6455 section 1.3.
#include <gtest/gtest.h>

#include <string>

#include "doors/web/base64.h"
#include "doors/web/sha1.h"
#include "doors/web/websocket_handshake.h"

namespace {

std::string hex(const web::Sha1Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : d) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

TEST(Sha1, FipsVectors) {
  EXPECT_EQ(hex(web::sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(web::sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(web::sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(
      hex(web::sha1("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopq"
                    "rsmnopqrstnopqrstu")),
      "a49b2446a02c645bf419f995b67091253a04a259");
}

TEST(Sha1, MillionAsInPieces) {
  web::Sha1 hash;
  std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) hash.update(chunk);
  EXPECT_EQ(hex(hash.finish()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, Rfc3174RepeatedVector) {
  web::Sha1 hash;
  for (int i = 0; i < 10; ++i) hash.update("0123456701234567012345670123456701234567012345670123456701234567");
  EXPECT_EQ(hex(hash.finish()), "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

TEST(Sha1, EveryLengthAroundTheBlockPaddingEdgeMatchesOneShot) {
  // 55, 56 and 64 bytes are where the padding needs a second block.
  for (std::size_t n = 50; n < 130; ++n) {
    std::string text(n, 'x');
    web::Sha1 pieces;
    for (char c : text) pieces.update(std::string_view(&c, 1));
    EXPECT_EQ(pieces.finish(), web::sha1(text)) << n;
  }
  EXPECT_EQ(hex(web::sha1(std::string(56, 'a'))), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  EXPECT_EQ(hex(web::sha1(std::string(64, 'a'))), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(web::base64_encode(""), "");
  EXPECT_EQ(web::base64_encode("f"), "Zg==");
  EXPECT_EQ(web::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(web::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(web::base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(web::base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(web::base64_encode("foobar"), "Zm9vYmFy");
  for (std::string_view plain : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    EXPECT_EQ(web::base64_decode(web::base64_encode(plain)), std::string(plain));
}

TEST(Base64, EncodesEveryByteValueAndBack) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(web::base64_encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(web::base64_decode(web::base64_encode(all)), all);
}

TEST(Base64, DecodingIsStrict) {
  EXPECT_EQ(web::base64_decode("Zg"), std::nullopt);        // padding missing
  EXPECT_EQ(web::base64_decode("Zh=="), std::nullopt);      // unused bits set: not canonical
  EXPECT_EQ(web::base64_decode("Zm9="), std::nullopt);      // ditto, one pad
  EXPECT_EQ(web::base64_decode("Zg==Zg=="), std::nullopt);  // padding in the middle
  EXPECT_EQ(web::base64_decode("Zm9 v"), std::nullopt);
  EXPECT_EQ(web::base64_decode("Zm-_"), std::nullopt);  // the URL alphabet is another one
  EXPECT_EQ(web::base64_decode("Z==="), std::nullopt);
  EXPECT_EQ(web::base64_decode("===="), std::nullopt);
}

TEST(WebSocketAccept, Rfc6455Example) {
  EXPECT_EQ(web::websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

}  // namespace
