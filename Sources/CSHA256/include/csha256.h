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

/// Returns 1 when this CPU and build can run `backend`, 0 otherwise. The CPU is probed once.
int csha256_backend_is_supported(csha256_backend backend);

/// Returns the backend that `csha256_compress` uses.
csha256_backend csha256_preferred_backend(void);

#endif
