#!/bin/sh
# Runs one of the web door's client scripts (chat_flows.mjs FLOW, browser_chat.mjs) with
# node; exit 77 (a skip for ctest) when node is not installed (browser_chat.mjs also skips
# without chromium).
command -v node >/dev/null 2>&1 || { echo "node not installed: skipped"; exit 77; }
cd "$(dirname "$0")" && exec node "$@"
