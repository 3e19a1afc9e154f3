// SOFA (AES69) files in and out. Reading goes through libmysofa; writing through netCDF-C.
// No libmysofa or netCDF type appears here.
#pragma once

#include <cstddef>
#include <string>

#include "pinna/hrir_set.hpp"

namespace pinna {

struct SofaReadOptions {
    /// When the file carries Data.Delay, shift every IR by its delay so that the IRs are
    /// the ear signals (the set then has no delays). Integer delays shift exactly;
    /// fractional ones with a windowed-sinc fractional delay. The IRs grow to hold the
    /// largest delay. When false, the delays are kept in HrirSet::delays_samples().
    bool apply_delays = true;
    /// Refuse files whose declared sizes exceed these caps before anything large is
    /// allocated (hostile files declare huge dimensions).
    std::size_t max_measurements = 200000;
    std::size_t max_taps = 1u << 20;
    std::size_t max_file_bytes = std::size_t{1} << 30;
};

/// Reads a SOFA file of convention SimpleFreeFieldHRIR, GeneralFIR, GeneralFIR-E (first
/// emitter) or any other FIR convention libmysofa reads with two receivers. Positions are
/// normalised to spherical (degrees, metres). Throws IoError (missing/unreadable),
/// MalformedFileError (not HDF5/SOFA, corrupt), UnsupportedConventionError (e.g.
/// SimpleFreeFieldTF, one receiver), InvalidDataError (NaN, zero rate); each message names
/// the file.
HrirSet read_sofa(const std::string& path, const SofaReadOptions& options = {});

/// Same as read_sofa, from a file image in memory. `name` is used in messages.
HrirSet read_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                         const SofaReadOptions& options = {});

struct SofaWriteOptions {
    /// Application name written to ApplicationName.
    std::string application = "pinna";
};

/// Writes a conformant SimpleFreeFieldHRIR 1.0 file (netCDF-4/HDF5) that libmysofa's
/// mysofa_open accepts. Written atomically. Throws IoError / InvalidDataError.
void write_sofa(const HrirSet& set, const std::string& path, const SofaWriteOptions& options = {});

}  // namespace pinna
