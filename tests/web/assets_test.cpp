// The page embedded at build time: every file of doors/web/page/ is there, with its type.
#include "doors/web/assets.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(WebAssets, ThePageAndItsFilesAreEmbeddedWithTheirTypes) {
  const web::Asset* page = web::find_asset("/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<!doctype html>"), std::string_view::npos);
  ASSERT_NE(web::find_asset("/index.html"), nullptr);
  EXPECT_EQ(web::find_asset("/index.html")->body, page->body);
  const web::Asset* js = web::find_asset("/app.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js->body.find("chat.line"), std::string_view::npos);
  const web::Asset* css = web::find_asset("/style.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  const web::Asset* icon = web::find_asset("/favicon.svg");
  ASSERT_NE(icon, nullptr) << "without it browsers ask for /favicon.ico and log the 404";
  EXPECT_EQ(icon->content_type, "image/svg+xml");
  EXPECT_EQ(web::all_assets().size(), 5u) << "index.html twice (/ and /index.html), app.js, style.css, favicon.svg";
}

TEST(WebAssets, OnlyExactPathsMatch) {
  EXPECT_EQ(web::find_asset("/APP.JS"), nullptr);
  EXPECT_EQ(web::find_asset("/app.js/"), nullptr);
  EXPECT_EQ(web::find_asset("app.js"), nullptr);
  EXPECT_EQ(web::find_asset("/../app.js"), nullptr);
  EXPECT_EQ(web::find_asset(""), nullptr);
}

TEST(WebAssets, ThePageUsesNoInnerHtmlAndLoadsNothingFromElsewhere) {
  for (const web::Asset& asset : web::all_assets()) {
    // SVG's namespace is spelled as a URL but names, and loads, nothing.
    std::string body(asset.body);
    for (std::size_t at; (at = body.find("http://www.w3.org/2000/svg")) != std::string::npos;) body.erase(at, 26);
    EXPECT_EQ(body.find("innerHTML"), std::string::npos) << asset.path;
    EXPECT_EQ(body.find("http://"), std::string::npos) << asset.path;
    EXPECT_EQ(body.find("https://"), std::string::npos) << asset.path;
    EXPECT_FALSE(asset.body.empty()) << asset.path;
  }
}

}  // namespace
