# All dependencies come from Debian 12 packages; nothing is downloaded.
# Static Boost (Debian ships the .a files): the client runs once per command and per shell
# completion, and the dynamic loader's share of a `bgo status` is about 1 ms with shared Boost
# and libstdc++ (bench/README.md, "status latency").
option(BGO_STATIC_BOOST "Link Boost statically" ON)
set(Boost_USE_STATIC_LIBS ${BGO_STATIC_BOOST})
find_package(Boost 1.81 REQUIRED COMPONENTS json program_options)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)

# yaml-cpp 0.7 (libyaml-cpp-dev) reads bgo.yaml (client/app/): the client only. Debian ships the
# static archive too; with BGO_STATIC_BOOST the client links it, so that `bgo status` loads no
# extra shared library (bench/README.md, "Status latency": a shared libyaml-cpp costs every
# command its relocation and lookup, whether it reads a bgo.yaml or not).
find_package(yaml-cpp 0.7 REQUIRED)
option(BGO_STATIC_YAML_CPP "Link yaml-cpp's static archive (when there is one)" ${BGO_STATIC_BOOST})
if(BGO_STATIC_YAML_CPP)
  find_library(BGO_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a)
endif()
add_library(bgo_yaml_cpp INTERFACE)
if(BGO_STATIC_YAML_CPP AND BGO_YAML_CPP_ARCHIVE)
  target_link_libraries(bgo_yaml_cpp INTERFACE ${BGO_YAML_CPP_ARCHIVE})
else()
  target_link_libraries(bgo_yaml_cpp INTERFACE yaml-cpp)
endif()

# ncurses (libncurses-dev) draws `bgo monit` (client/monit/curses_screen.cpp, the one file that
# includes it): the wide-character ncursesw, for UTF-8. Linked like yaml-cpp: from the static
# archives with BGO_STATIC_BOOST, so that every other command loads no more shared libraries
# than before (bench/README.md, "Status latency"); the terminfo database is still read at run
# time.
set(CURSES_NEED_NCURSES TRUE)
set(CURSES_NEED_WIDE TRUE)
find_package(Curses REQUIRED)
option(BGO_STATIC_CURSES "Link ncursesw's static archives (when there are)" ${BGO_STATIC_BOOST})
if(BGO_STATIC_CURSES)
  find_library(BGO_NCURSESW_ARCHIVE NAMES libncursesw.a)
  find_library(BGO_TINFO_ARCHIVE NAMES libtinfo.a)
endif()
add_library(bgo_curses INTERFACE)
target_include_directories(bgo_curses INTERFACE ${CURSES_INCLUDE_DIRS})
target_compile_options(bgo_curses INTERFACE ${CURSES_CFLAGS})
if(BGO_STATIC_CURSES AND BGO_NCURSESW_ARCHIVE AND BGO_TINFO_ARCHIVE)
  target_link_libraries(bgo_curses INTERFACE ${BGO_NCURSESW_ARCHIVE} ${BGO_TINFO_ARCHIVE})
else()
  target_link_libraries(bgo_curses INTERFACE ${CURSES_LIBRARIES})
endif()
