# unitclock::version: <unitclock/version.h> with the project's version, for every program's --version.
configure_file(${CMAKE_CURRENT_LIST_DIR}/templates/version.h.in
               ${PROJECT_BINARY_DIR}/generated/unitclock/version.h @ONLY)
add_library(unitclock_version INTERFACE)
add_library(unitclock::version ALIAS unitclock_version)
target_include_directories(unitclock_version INTERFACE ${PROJECT_BINARY_DIR}/generated)
