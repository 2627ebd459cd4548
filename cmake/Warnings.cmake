# Warnings and sanitizers for every target of ours (not for third-party sources such as the ImGui backends).
add_library(unitclock_warnings INTERFACE)
target_compile_options(unitclock_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(UNITCLOCK_WERROR)
  target_compile_options(unitclock_warnings INTERFACE -Werror)
endif()

if(UNITCLOCK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
