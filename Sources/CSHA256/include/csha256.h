#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Applies the SHA-256 compression function to `block_count` consecutive 64-byte blocks.
/// `state` holds the eight 32-bit working words in host order.
void csha256_compress(uint32_t state[8], const uint8_t *blocks, size_t block_count);

/// Applies the portable C compression function, whatever the CPU supports.
void csha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t block_count);

#endif
