# SPDX-License-Identifier: MIT
# BGO_FUZZ=ON: coverage instrumentation for libFuzzer on every target, and the fuzz targets in
# tests/fuzz/. Needs clang (Debian's clang ships libFuzzer); use with BGO_SANITIZE.
option(BGO_FUZZ "Build the libFuzzer targets in tests/fuzz/ (clang only)" OFF)
if(BGO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BGO_FUZZ=ON needs clang: CXX=clang++ cmake -DBGO_FUZZ=ON ... "
                        "(tools/fuzz.sh does this)")
  endif()
  if(NOT BGO_SANITIZE)
    message(WARNING "BGO_FUZZ without BGO_SANITIZE finds crashes only; "
                    "use -DBGO_SANITIZE=address,undefined")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
