#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/prctl.h>
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

void csystem_set_thread_name(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = '\0';
    prctl(PR_SET_NAME, truncated, 0, 0, 0);
}

long csystem_usable_cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) {
            return count;
        }
    }
    return sysconf(_SC_NPROCESSORS_ONLN);
}
