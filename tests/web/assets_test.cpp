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
    EXPECT_EQ(asset.body.find("innerHTML"), std::string_view::npos) << asset.path;
    EXPECT_EQ(asset.body.find("http://"), std::string_view::npos) << asset.path;
    EXPECT_EQ(asset.body.find("https://"), std::string_view::npos) << asset.path;
    EXPECT_FALSE(asset.body.empty()) << asset.path;
  }
}

}  // namespace
