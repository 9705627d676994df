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
