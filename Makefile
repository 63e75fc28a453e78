# Front end over CMake. Build trees live under build/.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PORT ?= 5000
BUILD := build/release
ASAN_BUILD := build/asan

.PHONY: all build run test asan clean deps

all: build

deps:
	@./.ci/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	@mkdir -p build/bin && ln -sf ../release/bin/chat-server build/bin/chat-server

IRC_PORT ?= 6667
WEB_PORT ?= 8080
run: deps build
	./$(BUILD)/bin/chat-server --port $(PORT) --web-port $(WEB_PORT) --irc-port $(IRC_PORT)

# A cluster on this machine (docs/SCALING.md): a Redis with contrib/redis/chat-redis.conf
# on REDIS_PORT and NODES nodes sharing PORT. Ctrl-C stops all of them.
NODES ?= 2
REDIS_PORT ?= 6390
.PHONY: cluster
cluster: deps build
	./contrib/cluster/run-cluster.sh $(BUILD)/bin $(NODES) $(PORT) $(REDIS_PORT)

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Installs the Release build (docs/OPERATIONS.md): chat-server in PREFIX/sbin, the client and
# the swarm in PREFIX/bin, man pages, the example config and the systemd unit. Packagers:
# make install PREFIX=/usr DESTDIR=/tmp/pkg (a /usr prefix puts the config in /etc).
PREFIX ?= /usr/local
.PHONY: install
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCHAT_SANITIZE=ON -DCHAT_BENCH=OFF

# A small quarantine keeps the memory-bound tests meaningful under ASan. ASAN_CTEST_ARGS: more
# ctest flags (CI passes -LE poll: the poll-backend repeats of the integration tests run in
# `make test`, and the no-epoll build runs the unit tests on poll; not again under ASan, to
# keep CI under 30 minutes).
ASAN_CTEST_ARGS ?=
asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=4 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) $(ASAN_CTEST_ARGS)

# Benchmarks (bench/, docs/PERFORMANCE.md): a Release build, then every benchmark (the
# floor interleaved with the server's fan-out, so ratios come from one run), JSON in
# build/bench/, and the summary (medians of three). Not part of `make test`. About 4 minutes.
# Example: make bench BENCH_ARGS="--clients=1000 --benchmark_filter=Broadcast"
BENCH_OUT := build/bench
BENCH_ARGS ?= --benchmark_min_time=0.3 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
.PHONY: bench
bench: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCHAT_BENCH=ON
	cmake --build $(BUILD) -j $(JOBS) --target chat_bench chat_floor
	@mkdir -p $(BENCH_OUT)
	$(BUILD)/bench/chat_bench $(BENCH_ARGS) --benchmark_out=$(BENCH_OUT)/chat_bench.json --benchmark_out_format=json
	python3 bench/compare.py $(BENCH_OUT)/chat_bench.json | tee $(BENCH_OUT)/summary.txt

# Fuzzing (tests/fuzz/): clang builds the libFuzzer targets under ASan+UBSan in build/fuzz and
# runs each for FUZZ_SECONDS from a copy of its seed corpus (build/fuzz/corpus/; the
# repository's corpus is never written). Crashing inputs: build/fuzz/artifacts/.
# Example: make fuzz FUZZ_SECONDS=600
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_line_framer fuzz_command fuzz_sanitize fuzz_chat_service fuzz_resp fuzz_server_line fuzz_irc fuzz_irc_door fuzz_http fuzz_websocket fuzz_cluster_log
.PHONY: fuzz
fuzz:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAT_FUZZ=ON \
	  -DCHAT_TESTS=OFF -DCHAT_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS)
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(JOBS)

# Static analysis: clang-tidy (.clang-tidy) and cppcheck over the project's sources, and a
# clang-format check; fails on any finding. See .ci/lint.
.PHONY: lint
lint:
	./.ci/lint

clean:
	rm -rf build
