# Warnings for every bgo target; -Werror unless BGO_WERROR=OFF.
option(BGO_WERROR "Treat warnings as errors" ON)
function(bgo_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(BGO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
