# Every dependency is a Debian package (see packaging/install-deps.sh); nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)
find_package(SQLite3 REQUIRED)                       # SQLite::SQLite3
find_package(CURL REQUIRED)                          # CURL::libcurl
find_package(nlohmann_json 3.11 REQUIRED)            # nlohmann_json::nlohmann_json
find_package(OpenSSL REQUIRED)
find_package(CLI11 REQUIRED CONFIG)                  # CLI11::CLI11 (header-only): the programs' options and --help
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)          # PostgreSQL's client library (libpq-dev)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)   # brings the OpenSSL/zlib/brotli defines the .so was built with
if(UNITCLOCK_BUILD_BENCH)
  find_package(benchmark REQUIRED)                   # benchmark::benchmark
endif()

if(UNITCLOCK_BUILD_APP)
  find_package(SDL2 REQUIRED CONFIG)                 # SDL2::SDL2
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)   # adds -lstb, which libimgui.a needs
  set(UNITCLOCK_IMGUI_BACKEND_DIR /usr/share/doc/libimgui-dev/examples/backends CACHE PATH
      "Where Debian's libimgui-dev ships the SDL backend sources")
  foreach(f imgui_impl_sdl.cpp imgui_impl_sdlrenderer.cpp)
    if(NOT EXISTS ${UNITCLOCK_IMGUI_BACKEND_DIR}/${f})
      message(FATAL_ERROR "${UNITCLOCK_IMGUI_BACKEND_DIR}/${f} is missing: run packaging/install-deps.sh "
                          "(libimgui-dev ships the backend sources under /usr/share/doc)")
    endif()
  endforeach()
endif()

include(GoogleTest)
