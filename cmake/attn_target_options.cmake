# Compiler options every attnviz target gets. Applied per target (never through global
# CMAKE_CXX_FLAGS) so that a sanitizer or -march choice is visible where it is used.
function(attn_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion
                                           # GCC 12 false positive inside its own AVX-512
                                           # intrinsics when Eigen instantiates them.
                                           $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  if(ATTN_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
  if(ATTN_SANITIZE)
    set(flags -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PRIVATE ${flags})
  endif()
  if(ATTN_FUZZ)
    # Coverage for libFuzzer and both sanitizers in every library; the harnesses add
    # -fsanitize=fuzzer (libFuzzer's main) themselves.
    set(flags -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
              -fno-omit-frame-pointer -gline-tables-only)
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
