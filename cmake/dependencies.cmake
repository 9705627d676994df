# All dependencies come from Debian 12 packages; nothing is downloaded.
find_package(Boost 1.81 REQUIRED COMPONENTS json program_options)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)
