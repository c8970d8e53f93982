#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// The compression kernels. The numbers are stable: Swift's `SHA256.Backend` uses them.
typedef enum {
    CSHA256_BACKEND_PORTABLE = 0,
    /// The x86-64 SHA extensions (SHA-NI), with SSE4.1 and SSSE3.
    CSHA256_BACKEND_SHA_EXTENSIONS = 1,
    /// The ARMv8 SHA-2 crypto extension.
    CSHA256_BACKEND_ARMV8 = 2,
} csha256_backend;

/// Applies the SHA-256 compression function to `block_count` consecutive 64-byte blocks with the
/// fastest kernel this CPU supports, detected once on first use.
/// `state` contains the eight 32-bit working words in host order.
void csha256_compress(uint32_t state[8], const uint8_t *blocks, size_t block_count);

/// Applies the compression function with `backend`, falling back to the portable kernel when
/// this CPU lacks it (so a caller can never reach an illegal instruction).
void csha256_compress_with(csha256_backend backend, uint32_t state[8], const uint8_t *blocks,
                           size_t block_count);

/// Applies the portable C compression function, whatever the CPU supports.
void csha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t block_count);

/// Applies the compression function with `backend` to two independent messages at once:
/// `block_count` blocks of `blocks_a` to `state_a`, and as many blocks of `blocks_b` to
/// `state_b`. Both lanes always advance by the same number of blocks, so a caller with more
/// blocks on one lane passes the smaller count and hashes the rest later.
///
/// It exists for speed: each SHA-NI round instruction waits for the result of the one before
/// it, so a single message leaves the unit idle between rounds. Interleaving the rounds of a
/// second message fills that wait: on an AMD EPYC core, two lanes hashed 3,260 MB/s in all
/// against 2,100 MB/s for one (a third lane added only 6%). A backend without a two-lane
/// kernel (portable, ARMv8) runs the lanes one after the other with its single-lane kernel,
/// and a backend this CPU lacks falls back to portable. The two states must not overlap.
void csha256_compress_two_with(csha256_backend backend, uint32_t state_a[8],
                               const uint8_t *blocks_a, uint32_t state_b[8],
                               const uint8_t *blocks_b, size_t block_count);

/// Returns 1 when this CPU and build can run `backend`, 0 otherwise. The CPU is probed once.
int csha256_backend_is_supported(csha256_backend backend);

/// Returns the backend that `csha256_compress` uses.
csha256_backend csha256_preferred_backend(void);

#endif
