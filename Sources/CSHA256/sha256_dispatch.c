// Chooses the SHA-256 compression kernel once, from the CPU's feature flags.
#include "csha256.h"
#include "kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
#endif

typedef void (*compress_function)(uint32_t state[8], const uint8_t *blocks, size_t block_count);

static int cpu_has_sha_extensions(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    int has_ssse3 = (ecx & bit_SSSE3) != 0;
    int has_sse41 = (ecx & bit_SSE4_1) != 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    int has_sha = (ebx & (1u << 29)) != 0;
    return has_ssse3 && has_sse41 && has_sha;
#else
    return 0;
#endif
}

static int cpu_has_armv8_sha2(void) {
#if defined(__aarch64__) && defined(__linux__)
    return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#else
    return 0;
#endif
}

static int probe_backend(csha256_backend backend) {
    switch (backend) {
    case CSHA256_BACKEND_PORTABLE:
        return 1;
    case CSHA256_BACKEND_SHA_EXTENSIONS:
        return cpu_has_sha_extensions();
    case CSHA256_BACKEND_ARMV8:
        return cpu_has_armv8_sha2();
    }
    return 0;
}

static compress_function function_for(csha256_backend backend) {
    switch (backend) {
#if defined(__x86_64__)
    case CSHA256_BACKEND_SHA_EXTENSIONS:
        return csha256_compress_sha_extensions;
#endif
#if defined(__aarch64__)
    case CSHA256_BACKEND_ARMV8:
        return csha256_compress_armv8;
#endif
    default:
        return csha256_compress_portable;
    }
}

// The probe runs once per backend, because `cpuid` is slow (a virtual machine traps it): the
// results are cached in these words, written with relaxed atomics because racing first calls
// compute the same value.
static int support_cache[3] = {-1, -1, -1};
static compress_function preferred_function = 0;

static int backend_is_usable(csha256_backend backend) {
    if ((unsigned)backend > CSHA256_BACKEND_ARMV8) {
        return 0;
    }
    int cached = __atomic_load_n(&support_cache[backend], __ATOMIC_RELAXED);
    if (cached < 0) {
        cached = probe_backend(backend);
        __atomic_store_n(&support_cache[backend], cached, __ATOMIC_RELAXED);
    }
    return cached;
}

int csha256_backend_is_supported(csha256_backend backend) {
    return backend_is_usable(backend);
}

csha256_backend csha256_preferred_backend(void) {
    if (backend_is_usable(CSHA256_BACKEND_SHA_EXTENSIONS)) {
        return CSHA256_BACKEND_SHA_EXTENSIONS;
    }
    if (backend_is_usable(CSHA256_BACKEND_ARMV8)) {
        return CSHA256_BACKEND_ARMV8;
    }
    return CSHA256_BACKEND_PORTABLE;
}

void csha256_compress(uint32_t state[8], const uint8_t *blocks, size_t block_count) {
    compress_function function = __atomic_load_n(&preferred_function, __ATOMIC_ACQUIRE);
    if (function == 0) {
        function = function_for(csha256_preferred_backend());
        __atomic_store_n(&preferred_function, function, __ATOMIC_RELEASE);
    }
    function(state, blocks, block_count);
}

void csha256_compress_with(csha256_backend backend, uint32_t state[8], const uint8_t *blocks,
                           size_t block_count) {
    if (!backend_is_usable(backend)) {
        backend = CSHA256_BACKEND_PORTABLE;
    }
    function_for(backend)(state, blocks, block_count);
}

void csha256_compress_two_with(csha256_backend backend, uint32_t state_a[8],
                               const uint8_t *blocks_a, uint32_t state_b[8],
                               const uint8_t *blocks_b, size_t block_count) {
    if (!backend_is_usable(backend)) {
        backend = CSHA256_BACKEND_PORTABLE;
    }
#if defined(__x86_64__)
    if (backend == CSHA256_BACKEND_SHA_EXTENSIONS) {
        csha256_compress_sha_extensions_two(state_a, blocks_a, state_b, blocks_b, block_count);
        return;
    }
#endif
    compress_function function = function_for(backend);
    function(state_a, blocks_a, block_count);
    function(state_b, blocks_b, block_count);
}
