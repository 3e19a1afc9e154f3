// SOFA files described as data and written straight through netCDF-C, for the tests of
// `pinna verify`: start from a conformant SimpleFreeFieldHRIR 1.0 file, break one thing
// (remove an attribute, change a type, a dimension, a storage filter...), write it, and
// check that verify reports exactly that.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace pinna::test {

struct FixtureAttribute {
    enum class Kind { text, string, number };  // NC_CHAR, NC_STRING, NC_DOUBLE
    std::string name;
    std::string text;
    Kind kind = Kind::text;
    double number = 0.0;
};

struct FixtureVariable {
    enum class Storage { contiguous, deflate_shuffle, chunked_plain, deflate_only, fletcher32 };
    std::string name;
    std::vector<std::string> dims;
    bool float32 = false;  ///< NC_FLOAT instead of NC_DOUBLE
    Storage storage = Storage::contiguous;
    bool big_endian = false;
    std::vector<FixtureAttribute> attributes;
    std::vector<double> values;  ///< as many as the dimensions hold

    void set(const std::string& attribute, const std::string& text);
    void remove(const std::string& attribute);
    FixtureAttribute* attribute(const std::string& attribute_name);
};

struct FixtureFile {
    std::vector<std::pair<std::string, std::size_t>> dims;  ///< in order
    /// Dimensions defined unlimited (their length in `dims` is what the values fill).
    std::vector<std::string> unlimited;
    std::vector<FixtureAttribute> globals;
    std::vector<FixtureVariable> variables;

    std::size_t dim(const std::string& name) const;
    void set_dim(const std::string& name, std::size_t length);
    void remove_dim(const std::string& name);
    void set_global(const std::string& name, const std::string& text);
    void remove_global(const std::string& name);
    FixtureAttribute* global(const std::string& name);
    FixtureVariable& variable(const std::string& name);  ///< throws when absent
    void remove_variable(const std::string& name);
};

/// A conformant SimpleFreeFieldHRIR 1.0 file (SOFA 2.1) with every mandatory attribute and
/// variable, `m` directions on the horizontal plane and `n` taps of non-zero IRs at 48 kHz.
FixtureFile hrir_fixture(std::size_t m = 8, std::size_t n = 16);

/// Writes it; throws std::runtime_error naming the netCDF call that failed.
void write_fixture_file(const std::string& path, const FixtureFile& file);

/// Rewrites global attribute `name` of an existing file in place (nc_redef), as editors
/// of SOFA files do; libmysofa then still sees the old value.
void rewrite_global_in_place(const std::string& path, const std::string& name,
                             const std::string& text);
/// Deletes global attribute `name` of an existing file in place (nc_del_att); libmysofa
/// still sees it.
void delete_global_in_place(const std::string& path, const std::string& name);

}  // namespace pinna::test
