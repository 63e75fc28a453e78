#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR for SECONDS each (up to JOBS at a time), each
# from a working copy of its seed corpus in BUILD_DIR/corpus/<target> (new inputs stay there,
# never in the repository), and prints the executions per target. Exits 1 if any target
# finds a crash, a leak or a failed property; the input is saved in BUILD_DIR/artifacts/.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [JOBS]
set -euo pipefail
build=$1
seconds=$2
jobs=${3:-1}
src=$(cd "$(dirname "$0")" && pwd)
# Every target that has a seed corpus is run; one without a built binary is a failure, so a
# new target cannot be left out of the run by forgetting a list here.
targets=()
for d in "$src"/corpus/fuzz_*; do targets+=("$(basename "$d")"); done

max_len() {
  case $1 in
    fuzz_line_framer) echo 2048 ;;
    fuzz_chat_service | fuzz_websocket) echo 4096 ;;
    fuzz_irc) echo 9000 ;;
    fuzz_http) echo 2048 ;;
    *) echo 1024 ;;
  esac
}

run_one() {
  local t=$1
  local corpus=$build/corpus/$t
  local extra=()
  mkdir -p "$corpus" "$build/artifacts" "$build/logs"
  cp "$src/corpus/$t"/* "$corpus/"
  local dict=()
  [ -d "$src/regressions/$t" ] && extra+=("$src/regressions/$t")
  case $t in
    fuzz_command | fuzz_chat_service) dict=(-dict="$src/chat.dict") ;;
    fuzz_resp) dict=(-dict="$src/resp.dict") ;;
    fuzz_irc) dict=(-dict="$src/irc.dict") ;;
    fuzz_http) dict=(-dict="$src/http.dict") ;;
  esac
  # libFuzzer writes new inputs into the first directory given; the others are only read.
  local rc=0
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" "${dict[@]}" \
    "$corpus" "${extra[@]}" >"$build/logs/$t.log" 2>&1 || rc=$?
  echo $rc >"$build/logs/$t.rc"
}

status=0
for t in "${targets[@]}"; do
  rm -f "$build/logs/$t.rc"
  run_one "$t" &
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
done
wait
printf '%-20s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  result=ok
  [ "$(cat "$build/logs/$t.rc" 2>/dev/null)" = 0 ] || { result=FAILED; status=1; }
  log=$build/logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  printf '%-20s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$(ls "$build/corpus/$t" | wc -l)" "$result"
done
if [ $status -ne 0 ]; then
  for t in "${targets[@]}"; do
    if grep -qE '^(==[0-9]+==ERROR|SUMMARY|.*property failed|ERROR: libFuzzer)' "$build/logs/$t.log"; then
      echo "== $t: $build/logs/$t.log"
      grep -E 'property failed|ERROR|SUMMARY|Test unit written' "$build/logs/$t.log" | head -n 20
    fi
  done
  echo "Reproduce: $build/tests/fuzz/<target> <artifact>; then save it under tests/fuzz/regressions/<target>/."
fi
exit $status
