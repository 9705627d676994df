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
