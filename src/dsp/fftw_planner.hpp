// The lock that serialises every call into FFTW's planner (plan creation and destruction
// are not thread-safe in FFTW; executing a plan is). Any pinna code that calls FFTW
// directly must hold it around fftw*_plan_* and fftw*_destroy_plan.
#pragma once

#include <mutex>

namespace pinna::detail {

std::mutex& fftw_planner_mutex() noexcept;

}  // namespace pinna::detail
