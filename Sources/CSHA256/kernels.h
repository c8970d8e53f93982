// Internal declarations of the compression kernels; not part of the module's public header.
#ifndef CSHA256_KERNELS_H
#define CSHA256_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The 64 round constants of FIPS 180-4, section 4.2.2.
extern const uint32_t csha256_round_constants[64];

#if defined(__x86_64__)
/// Requires SHA-NI, SSE4.1 and SSSE3; calling it on another CPU raises SIGILL.
void csha256_compress_sha_extensions(uint32_t state[8], const uint8_t *blocks, size_t block_count);

/// The two-lane form of `csha256_compress_sha_extensions`, with the same requirements.
void csha256_compress_sha_extensions_two(uint32_t state_a[8], const uint8_t *blocks_a,
                                         uint32_t state_b[8], const uint8_t *blocks_b,
                                         size_t block_count);
#endif

#if defined(__aarch64__)
/// Requires the ARMv8 SHA-2 extension; calling it on another CPU raises SIGILL.
void csha256_compress_armv8(uint32_t state[8], const uint8_t *blocks, size_t block_count);
#endif

#endif
