// Zero-initialised float arrays aligned to 64 bytes (a cache line, and FFTW's SIMD
// alignment), for the renderer's spectra and buffers.
#pragma once

#include <cstddef>
#include <new>

namespace pinna::detail {

/// Floats per 64-byte line: sub-arrays are padded to multiples of it so that each starts
/// aligned.
constexpr std::size_t kFloatsPerLine = 16;

constexpr std::size_t round_up_to_line(std::size_t floats) noexcept {
    return (floats + kFloatsPerLine - 1) / kFloatsPerLine * kFloatsPerLine;
}

class AlignedFloats {
  public:
    AlignedFloats() = default;
    explicit AlignedFloats(std::size_t size) : size_(size) {
        if (size == 0)
            return;
        data_ = static_cast<float*>(::operator new[](size * sizeof(float), kAlignment));
        for (std::size_t i = 0; i < size; ++i)
            data_[i] = 0.0f;
    }
    ~AlignedFloats() { release(); }
    AlignedFloats(AlignedFloats&& other) noexcept : data_(other.data_), size_(other.size_) {
        other.data_ = nullptr;
        other.size_ = 0;
    }
    AlignedFloats& operator=(AlignedFloats&& other) noexcept {
        if (this != &other) {
            release();
            data_ = other.data_;
            size_ = other.size_;
            other.data_ = nullptr;
            other.size_ = 0;
        }
        return *this;
    }
    AlignedFloats(const AlignedFloats&) = delete;
    AlignedFloats& operator=(const AlignedFloats&) = delete;

    float* data() noexcept { return data_; }
    const float* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    float& operator[](std::size_t i) noexcept { return data_[i]; }
    float operator[](std::size_t i) const noexcept { return data_[i]; }

  private:
    static constexpr std::align_val_t kAlignment{64};
    void release() noexcept {
        if (data_ != nullptr)
            ::operator delete[](data_, kAlignment);
        data_ = nullptr;
    }
    float* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace pinna::detail
