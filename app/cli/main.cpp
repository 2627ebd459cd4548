// unitclock-cli: command dispatch. Each command is one row of kCommands.
#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fputs("usage: unitclock-cli COMMAND ...\n", stderr);
  return 2;
}
