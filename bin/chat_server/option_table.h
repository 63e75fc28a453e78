// chat-server's option table (option_table.cpp): one descriptor per setting, shared by the
// flag parser, the config file reader and the environment reader in options.cpp.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "bin/chat_server/options.h"

namespace chat_server::option_table {

// Applies a value; returns "" or what was expected instead ("an integer from 1 to 9").
using Apply = std::string (*)(Options&, const std::string&);

// Where a setting may be given.
enum Where : unsigned { kFlag = 1, kFile = 2, kEnvironment = 4, kEverywhere = kFlag | kFile | kEnvironment };
enum Echo : bool { kShown = false, kSecret = true };  // a secret is never echoed in an error

struct Spec {
  std::string_view name;
  std::string_view arg;   // the value's placeholder in --help; "" for a flag without value
  std::string_view help;  // '\n' starts a continuation line
  unsigned where;
  Echo echo;
  Apply apply;  // nullptr: a switch without value (--check-config)

  bool flag() const { return where & kFlag; }
  bool file_key() const { return where & kFile; }
  bool environment() const { return where & kEnvironment; }
  bool secret() const { return echo == kSecret; }
};

// Every descriptor, in --help order.
std::span<const Spec> all_specs();

// The descriptor named `name` ("max-line"), or nullptr.
const Spec* find_spec(std::string_view name);

// --help's text, in table order.
std::string usage();

}  // namespace chat_server::option_table
