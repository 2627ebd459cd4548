#pragma once
// The commands of unitclock-server's command line (admin.cpp), as command_line.cpp calls them once CLI11
// has read the options from the command line, the environment and the configuration file.

#include <map>
#include <string>
#include <vector>

namespace unitclock::server {

// What was given: the command words ({"clinic", "add"}) and each option given, by name without "--"
// ("data-dir" or "database", whichever names the store; a flag as "yes").
struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> options;
};

// Returns the process's exit status: 0 success, 1 a failure at run time, 2 a usage error.
using Command = int (*)(const Args&);

int serveCommand(const Args& a);
int initCommand(const Args& a);
int migrateCommand(const Args& a);
int backupCommand(const Args& a);
int restoreCommand(const Args& a);
int clinicAddCommand(const Args& a);
int clinicListCommand(const Args& a);
int clinicianAddCommand(const Args& a);
int clinicianRemoveCommand(const Args& a);
int clinicianListCommand(const Args& a);
int enrollCodeCommand(const Args& a);
int deviceListCommand(const Args& a);
int deviceRevokeCommand(const Args& a);
int tokenAddCommand(const Args& a);
int tokenListCommand(const Args& a);
int tokenRevokeCommand(const Args& a);
int rejectionListCommand(const Args& a);
int sessionTransferCommand(const Args& a);
int configSetCommand(const Args& a);
int scheduleAddCommand(const Args& a);
int userAddCommand(const Args& a);
int userListCommand(const Args& a);

}  // namespace unitclock::server
