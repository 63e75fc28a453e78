// Payload: immutable bytes formatted once and shared by every output queue that sends them.
// Single-threaded by design, so the reference count is a plain integer, not an atomic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace reactor {

class PayloadRef;

// Header and bytes live in one allocation: [Header][bytes...].
class PayloadBuilder;

class PayloadRef {
 public:
  PayloadRef() = default;
  PayloadRef(const PayloadRef& other) noexcept : block_(other.block_) { retain(); }
  PayloadRef(PayloadRef&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  PayloadRef& operator=(PayloadRef other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~PayloadRef() { release(); }

  // Copies `bytes` into a new payload.
  static PayloadRef copy_of(std::string_view bytes) {
    PayloadRef p = allocate(bytes.size());
    if (!bytes.empty()) std::memcpy(p.mutable_data(), bytes.data(), bytes.size());
    return p;
  }

  const char* data() const { return reinterpret_cast<const char*>(block_ + 1); }
  std::size_t size() const { return block_ ? block_->size : 0; }
  std::string_view view() const { return block_ ? std::string_view(data(), size()) : std::string_view(); }
  explicit operator bool() const { return block_ != nullptr; }
  std::uint32_t use_count() const { return block_ ? block_->refs : 0; }

 private:
  friend class PayloadBuilder;
  struct Header {
    std::uint32_t refs;
    std::uint32_t size;
  };

  static PayloadRef allocate(std::size_t size) {
    void* raw = ::operator new(sizeof(Header) + size);
    PayloadRef p;
    p.block_ = new (raw) Header{1, static_cast<std::uint32_t>(size)};
    return p;
  }
  char* mutable_data() { return reinterpret_cast<char*>(block_ + 1); }
  void retain() {
    if (block_) ++block_->refs;
  }
  // The analyzer loses the count stored by placement new in allocate() and assumes a fresh
  // block's last release keeps it: a false leak. The payload tests under ASan say otherwise.
  // NOLINTBEGIN(clang-analyzer-cplusplus.NewDeleteLeaks)
  void release() {
    if (block_ && --block_->refs == 0) ::operator delete(block_);
    block_ = nullptr;
  }
  // NOLINTEND(clang-analyzer-cplusplus.NewDeleteLeaks)

  Header* block_ = nullptr;
};

// Fills a payload of a size known in advance, piece by piece, without intermediate strings.
class PayloadBuilder {
 public:
  explicit PayloadBuilder(std::size_t size) : payload_(PayloadRef::allocate(size)), cursor_(payload_.mutable_data()) {}
  PayloadBuilder& append(std::string_view piece) {
    std::memcpy(cursor_, piece.data(), piece.size());
    cursor_ += piece.size();
    return *this;
  }
  PayloadBuilder& append(char c) {
    *cursor_++ = c;
    return *this;
  }
  // The payload must have been filled exactly to the size announced.
  PayloadRef finish() { return std::move(payload_); }

 private:
  PayloadRef payload_;
  char* cursor_;
};

}  // namespace reactor
