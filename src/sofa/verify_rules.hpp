// The rules of `pinna verify`: from the facts about a file (verify_inspect.hpp) to the list
// of its problems. docs/verify.md lists every rule with its id and severity.
#pragma once

#include <string>
#include <vector>

#include "pinna/verify.hpp"
#include "sofa/verify_inspect.hpp"

namespace pinna::detail {

/// Whose rule a problem breaks; with the profile it decides the severity.
enum class Basis {
    hard,              ///< the convention's hard rules (and every reader): error
    both,              ///< the convention (warning) and libmysofa (error in the renderer profile)
    convention,        ///< the convention only: warning
    renderer,          ///< libmysofa only: error in the renderer profile, else info
    renderer_warning,  ///< libmysofa copes, with loss: warning in the renderer profile, else info
    note,              ///< info
};

Severity severity_of(Basis basis, SofaVerifyProfile profile);

/// Every problem of the file the facts describe, in the order the checks find them.
std::vector<SofaProblem> judge_sofa(const SofaFacts& facts, SofaVerifyProfile profile);

/// The problem reported for a file whose inspection crashed or hung netCDF-C/HDF5 (or the
/// inspection process) even without libmysofa: `why` is the isolation's message.
SofaProblem inspection_failed_problem(const std::string& why);

}  // namespace pinna::detail
