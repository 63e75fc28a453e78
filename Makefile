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

run: deps build
	./$(BUILD)/bin/chat-server --port $(PORT)

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCHAT_SANITIZE=ON

# A small quarantine keeps the memory-bound tests meaningful under ASan.
asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=4 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf build
