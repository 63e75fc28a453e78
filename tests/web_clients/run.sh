#!/bin/sh
# Runs one flow of chat_flows.mjs; exit 77 (a skip for ctest) only when node is not installed.
command -v node >/dev/null 2>&1 || { echo "node not installed: skipped"; exit 77; }
cd "$(dirname "$0")" && exec node chat_flows.mjs "$@"
