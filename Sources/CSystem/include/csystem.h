#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <spawn.h>
#include <sys/types.h>

// Wrappers for the GNU and Linux calls that Swift's Glibc module hides.
// Each returns what the wrapped call returns and leaves errno as the call set it.

/// pipe2(fds, O_CLOEXEC).
int csystem_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np (glibc 2.29 and later): the child changes to `path`
/// before it runs the program. Returns 0 or an error number, as posix_spawn's actions do.
int csystem_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34 and later): the child closes every
/// descriptor from `lowest` up. Returns 0 or an error number.
int csystem_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// pidfd_open(pid, 0) (Linux 5.3 and later): a descriptor that polls readable once `pid` exits.
/// The descriptor is close-on-exec. Returns -1 with errno set on failure.
int csystem_pidfd_open(pid_t pid);

/// sigabbrev_np: the signal's name without the "SIG" prefix, such as "KILL", or NULL when
/// `signal` is not a known signal number.
const char *csystem_signal_abbreviation(int signal);

/// The `f_type` of statfs(path), the magic number of the file system that contains `path`, in
/// `*type`. Returns 0, or -1 with errno set.
int csystem_file_system_type(const char *path, unsigned long long *type);

/// Names the calling thread for ps and debuggers (prctl PR_SET_NAME): the first 15 bytes of
/// `name` are kept.
void csystem_set_thread_name(const char *name);

/// The number of CPUs the process may run on (sched_getaffinity), or the number online when
/// that fails. CPU quotas of control groups are not taken into account.
long csystem_usable_cpu_count(void);

#endif
