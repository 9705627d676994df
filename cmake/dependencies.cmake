# All dependencies come from Debian 12 packages; nothing is downloaded.
# Static Boost (Debian ships the .a files): the client runs once per command and per shell
# completion, and the dynamic loader's share of a `bgo status` is about 1 ms with shared Boost
# and libstdc++ (bench/README.md, "status latency").
option(BGO_STATIC_BOOST "Link Boost statically" ON)
set(Boost_USE_STATIC_LIBS ${BGO_STATIC_BOOST})
find_package(Boost 1.81 REQUIRED COMPONENTS json program_options)
find_package(spdlog REQUIRED)
# bgo.yaml and the YAML files bgo imports (issue #15); Debian libyaml-cpp-dev.
# Linked statically with static Boost: bgo then carries its own libstdc++ (-static-libstdc++),
# and a shared libyaml-cpp would bring a second one.
find_package(yaml-cpp REQUIRED)
set(BGO_YAML_CPP yaml-cpp)
if(BGO_STATIC_BOOST)
  find_library(BGO_YAML_CPP_STATIC NAMES libyaml-cpp.a)
  if(BGO_YAML_CPP_STATIC)
    set(BGO_YAML_CPP ${BGO_YAML_CPP_STATIC})
  endif()
endif()
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)
