# Installation: libraries, headers, the CMake package and pkg-config files, the SOFA worker,
# the neural program, the models with their cards and the man page. Every installed file
# refers to the prefix relatively (the CMake package through PACKAGE_PREFIX_DIR, the .pc
# files through ${pcfiledir}, binaries through $ORIGIN), so the installed tree can be moved,
# and none names the build or source tree.
include(CMakePackageConfigHelpers)

set(PINNA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/pinna)
set(pinna_targets pinna)
if(PINNA_WITH_TORCH)
  list(APPEND pinna_targets pinna_torch)
endif()
install(TARGETS ${pinna_targets} EXPORT pinnaTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS pinna_sofa_worker RUNTIME DESTINATION ${PINNA_LIBEXEC_SUBDIR})
install(DIRECTORY include/pinna DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
install(EXPORT pinnaTargets NAMESPACE pinna:: DESTINATION ${PINNA_CMAKE_DIR})

configure_package_config_file(cmake/pinnaConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/pinnaConfig.cmake
                              INSTALL_DESTINATION ${PINNA_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/pinnaConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/pinnaConfig.cmake ${PROJECT_BINARY_DIR}/pinnaConfigVersion.cmake
        DESTINATION ${PINNA_CMAKE_DIR})

# pkg-config: the prefix is found from the .pc file's own folder.
file(RELATIVE_PATH PINNA_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" PINNA_PC_TO_PREFIX "${PINNA_PC_TO_PREFIX}")
configure_file(cmake/pinna.pc.in ${PROJECT_BINARY_DIR}/pinna.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pinna.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(PINNA_WITH_TORCH)
  configure_file(cmake/pinna-torch.pc.in ${PROJECT_BINARY_DIR}/pinna-torch.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pinna-torch.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  install(FILES models/upsampler.pt models/anthropometric.pt models/autoencoder.pt
                models/upsampler.md models/anthropometric.md models/autoencoder.md
                models/README.md
          DESTINATION ${PINNA_MODELS_SUBDIR})
endif()

# The man page, generated from `pinna --help` and `--version` (Debian's help2man).
if(TARGET pinna_cli)
  find_program(HELP2MAN help2man)
  if(HELP2MAN)
    add_custom_command(
      OUTPUT ${PROJECT_BINARY_DIR}/pinna.1
      COMMAND ${HELP2MAN} --no-info --section=1 --name="personalized HRTFs: SOFA files, interpolation, models, metrics, rendering"
              --output=${PROJECT_BINARY_DIR}/pinna.1 $<TARGET_FILE:pinna_cli>
      DEPENDS pinna_cli
      COMMENT "man page pinna.1 from pinna --help")
    add_custom_target(pinna_man ALL DEPENDS ${PROJECT_BINARY_DIR}/pinna.1)
    install(FILES ${PROJECT_BINARY_DIR}/pinna.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  else()
    message(STATUS "help2man not found (apt-get install help2man): no man page")
  endif()
endif()
