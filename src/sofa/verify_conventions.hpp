// The SOFA convention tables `pinna verify` checks against: which global attributes and
// variables each convention (and version) makes mandatory, the dimensions it allows, and
// its fixed DataType. Transcribed from the AES69-2022 / SOFA 2.1 tables (SOFA Toolbox and
// pyfar sofa_conventions, 2024); SimpleFreeFieldHRIR in full, the others at the level of
// their mandatory elements.
#pragma once

#include <string>
#include <vector>

namespace pinna::detail {

struct VariableSpec {
    std::string name;
    /// Allowed dimension lists, each as upper-case letters, e.g. {"IC", "MC"}.
    std::vector<std::string> dims;
    bool mandatory = false;
    bool text = false;  ///< a string variable (no numeric checks)
};

struct ConventionSpec {
    std::string name;
    std::string version;
    std::string data_type;    ///< the value GLOBAL:DataType must have
    std::string replacement;  ///< non-empty: the convention (name) is deprecated for this one
    /// Mandatory global attributes, in table order (the common ones included).
    std::vector<std::string> globals;
    std::vector<VariableSpec> variables;
    /// Mandatory variable attributes besides Type/Units of positions and
    /// Data.SamplingRate:Units, as "Variable:Attribute".
    std::vector<std::string> attributes;
    bool free_field = false;   ///< RoomType must be "free field"
    bool one_emitter = false;  ///< E must be 1

    const VariableSpec* variable(const std::string& variable_name) const;
};

/// Every (convention, version) pinna knows.
const std::vector<ConventionSpec>& convention_specs();

/// The table of `name` at `version`; when that version is unknown, the newest table of
/// `name`, with *exact = false. Null when the name is unknown (compared exactly).
const ConventionSpec* find_convention(const std::string& name, const std::string& version,
                                      bool* exact);

/// The versions pinna knows of `name`, oldest first, joined with ", ".
std::string known_versions(const std::string& name);

/// A known convention whose name matches `name` ignoring case, or empty.
std::string convention_ignoring_case(const std::string& name);

/// For a deprecated convention name that has no table of its own here (e.g.
/// "SimpleFreeFieldDirectivityTF"), its replacement; else empty.
std::string replacement_of_retired(const std::string& name);

/// The DataType values AES69 defines.
bool known_data_type(const std::string& data_type);

}  // namespace pinna::detail
