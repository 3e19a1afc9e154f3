// Everything of pinna::pinna (the core library, no LibTorch) in one include. The neural
// runners are opt-in: include pinna/neural/models.hpp and link pinna::torch. The C API is
// pinna/pinna.h.
#pragma once

#include "pinna/anthropometry.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/geometry.hpp"
#include "pinna/grid.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/interpolate.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/metrics.hpp"
#include "pinna/perception.hpp"
#include "pinna/query.hpp"
#include "pinna/render.hpp"
#include "pinna/resample.hpp"
#include "pinna/sh.hpp"
#include "pinna/sofa.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/time_domain.hpp"
#include "pinna/verify.hpp"
#include "pinna/visibility.hpp"
