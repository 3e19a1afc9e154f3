# Warnings and sanitizers shared by every pinna target.
function(pinna_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(PINNA_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${PINNA_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=${PINNA_SANITIZE})
  endif()
endfunction()

# pinna_module(name [DEPS public deps...] [PRIVATE_DEPS private deps...])
# Compiles src/<name>/*.cpp into the object library pinna_<name>. Public headers live in
# include/pinna/. Objects are position-independent with hidden symbols: only what the
# public headers declare (namespace pinna PINNA_API) is exported from the shared libraries.
function(pinna_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/${name}/*.cpp")
  add_library(pinna_${name} OBJECT ${sources})
  target_include_directories(pinna_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                           PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(pinna_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  # Relative install folders, for core/install_paths.hpp.
  target_compile_definitions(pinna_${name} PRIVATE
    PINNA_INSTALL_BINDIR="${CMAKE_INSTALL_BINDIR}" PINNA_INSTALL_LIBDIR="${CMAKE_INSTALL_LIBDIR}"
    PINNA_LIBEXEC_SUBDIR="${PINNA_LIBEXEC_SUBDIR}" PINNA_MODELS_SUBDIR="${PINNA_MODELS_SUBDIR}")
  set_target_properties(pinna_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON
                                                 CXX_VISIBILITY_PRESET hidden
                                                 VISIBILITY_INLINES_HIDDEN ON)
  pinna_target_defaults(pinna_${name})
endfunction()

# pinna_library(name MODULES modules... [SHARED_MODULES modules...] [PUBLIC_DEPS deps...]
#               [STATIC_PUBLIC_DEPS deps...])
# Links the modules' objects twice: into the shared library `name` (installed; exports the
# public API only) and into the static library `name`_static (the same code with every
# internal symbol reachable, for pinna's own tests, tools and the SOFA worker).
# SHARED_MODULES go into the shared library only (internal code it needs from a library
# that hides it; the static twin gets it from its STATIC_PUBLIC_DEPS).
function(pinna_library name)
  cmake_parse_arguments(ARG "" "" "MODULES;SHARED_MODULES;PUBLIC_DEPS;STATIC_PUBLIC_DEPS" ${ARGN})
  add_library(${name} SHARED)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS}
                                PRIVATE ${ARG_MODULES} ${ARG_SHARED_MODULES})
  target_include_directories(${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                            $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_target_properties(${name} PROPERTIES VERSION ${PROJECT_VERSION}
                                           SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
                                           CXX_VISIBILITY_PRESET hidden
                                           VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  pinna_target_defaults(${name})

  add_library(${name}_static STATIC)
  target_link_libraries(${name}_static PUBLIC ${ARG_MODULES} ${ARG_STATIC_PUBLIC_DEPS})
  target_include_directories(${name}_static PUBLIC ${PROJECT_SOURCE_DIR}/include)
  pinna_target_defaults(${name}_static)
endfunction()

# pinna_pytests(PREFIX label PYTHON interpreter DIR folder ENVIRONMENT env...)
# Each DIR/test_*.py becomes the ctest PREFIX/<name>, run by PYTHON's pytest in the current
# binary folder, labelled PREFIX, with ENVIRONMENT (a list of NAME=value).
function(pinna_pytests)
  cmake_parse_arguments(ARG "" "PREFIX;PYTHON;DIR" "ENVIRONMENT" ${ARGN})
  file(GLOB tests CONFIGURE_DEPENDS ${ARG_DIR}/test_*.py)
  foreach(test IN LISTS tests)
    get_filename_component(name ${test} NAME_WE)
    add_test(NAME ${ARG_PREFIX}/${name}
             COMMAND ${ARG_PYTHON} -m pytest -q -rs -p no:cacheprovider ${test}
             WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties(${ARG_PREFIX}/${name} PROPERTIES LABELS ${ARG_PREFIX} TIMEOUT 300
                                                          ENVIRONMENT "${ARG_ENVIRONMENT}")
  endforeach()
endfunction()
