#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "csystem.h"

int csystem_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int csystem_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int csystem_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int csystem_pidfd_open(pid_t pid) {
    // glibc 2.36 declares pidfd_open only in <sys/pidfd.h>, which older glibc lacks,
    // so the system call is made directly. pidfd descriptors are always close-on-exec.
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

const char *csystem_signal_abbreviation(int signal) {
    return sigabbrev_np(signal);
}

int csystem_file_system_type(const char *path, unsigned long long *type) {
    struct statfs system;
    if (statfs(path, &system) != 0) {
        return -1;
    }
    *type = (unsigned long long)system.f_type;
    return 0;
}
