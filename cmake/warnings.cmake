# Warnings for every bgo target; -Werror unless BGO_WERROR=OFF.
option(BGO_WERROR "Treat warnings as errors" ON)
function(bgo_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  # GCC 12 with optimisation reports false -Wrestrict on `"literal" + std::string` (GCC PR
  # 105651), which breaks Release builds under -Werror. Debug builds (and so the compile
  # database clang-tidy reads) keep the flag out.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<NOT:$<CONFIG:Debug>>:-Wno-restrict>)
  endif()
  if(BGO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
