# Warnings and sanitizers shared by every pinna target.
function(pinna_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(PINNA_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${PINNA_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=${PINNA_SANITIZE})
  endif()
endfunction()

# pinna_module(name [TARGET target] [DEPS public deps...] [PRIVATE_DEPS private deps...])
# Builds the static library pinna_<name> (or TARGET) from src/<name>/*.cpp; public headers
# live in include/pinna/.
function(pinna_module name)
  cmake_parse_arguments(ARG "" "TARGET" "DEPS;PRIVATE_DEPS" ${ARGN})
  set(target pinna_${name})
  if(ARG_TARGET)
    set(target ${ARG_TARGET})
  endif()
  file(GLOB sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/${name}/*.cpp")
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                       PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  pinna_target_defaults(${target})
endfunction()
