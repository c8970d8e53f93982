#ifndef CSYSTEM_H
#define CSYSTEM_H

// Wrappers for the GNU and Linux calls that Swift's Glibc module hides.
// Each returns what the wrapped call returns and leaves errno as the call set it.

/// pipe2(fds, O_CLOEXEC).
int csystem_pipe_cloexec(int fds[2]);

#endif
