#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "csystem.h"

int csystem_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
