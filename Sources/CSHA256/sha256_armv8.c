// The SHA-256 compression function on the ARMv8 SHA-2 crypto extension.
//
// `sha256h` and `sha256h2` run four rounds on the state halves ABCD and EFGH, and `sha256su0`
// and `sha256su1` compute the message schedule four words at a time. The `target` attribute
// keeps these instructions inside this function, so the target still runs on ARMv8 CPUs
// without the extension.
//
// NOTE: this kernel is compiled and run only on aarch64; the x86-64 machines that run the test
// suite so far never execute it.
#include "csha256.h"
#include "kernels.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define ARMV8_TARGET __attribute__((target("sha2")))

// Runs rounds 4*group .. 4*group+3 with the schedule words `words`, updating ABCD and EFGH.
#define FOUR_ROUNDS(words, group)                                                                  \
    do {                                                                                           \
        uint32x4_t sums = vaddq_u32((words), vld1q_u32(&csha256_round_constants[4 * (group)]));   \
        uint32x4_t previous_abcd = abcd;                                                           \
        abcd = vsha256hq_u32(abcd, efgh, sums);                                                    \
        efgh = vsha256h2q_u32(efgh, previous_abcd, sums);                                          \
    } while (0)

// Replaces `w0` (words t..t+3) with words t+16..t+19, given the twelve words that follow it.
#define NEXT_WORDS(w0, w1, w2, w3) (w0) = vsha256su1q_u32(vsha256su0q_u32((w0), (w1)), (w2), (w3))

ARMV8_TARGET
void csha256_compress_armv8(uint32_t state[8], const uint8_t *blocks, size_t block_count) {
    uint32x4_t abcd = vld1q_u32(&state[0]);
    uint32x4_t efgh = vld1q_u32(&state[4]);

    for (size_t block = 0; block < block_count; block++, blocks += 64) {
        uint32x4_t saved_abcd = abcd;
        uint32x4_t saved_efgh = efgh;

        // The message words are big-endian: reverse the bytes of each 32-bit lane.
        uint32x4_t w0 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(blocks + 0)));
        uint32x4_t w1 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(blocks + 16)));
        uint32x4_t w2 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(blocks + 32)));
        uint32x4_t w3 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(blocks + 48)));

        FOUR_ROUNDS(w0, 0);  NEXT_WORDS(w0, w1, w2, w3);
        FOUR_ROUNDS(w1, 1);  NEXT_WORDS(w1, w2, w3, w0);
        FOUR_ROUNDS(w2, 2);  NEXT_WORDS(w2, w3, w0, w1);
        FOUR_ROUNDS(w3, 3);  NEXT_WORDS(w3, w0, w1, w2);
        FOUR_ROUNDS(w0, 4);  NEXT_WORDS(w0, w1, w2, w3);
        FOUR_ROUNDS(w1, 5);  NEXT_WORDS(w1, w2, w3, w0);
        FOUR_ROUNDS(w2, 6);  NEXT_WORDS(w2, w3, w0, w1);
        FOUR_ROUNDS(w3, 7);  NEXT_WORDS(w3, w0, w1, w2);
        FOUR_ROUNDS(w0, 8);  NEXT_WORDS(w0, w1, w2, w3);
        FOUR_ROUNDS(w1, 9);  NEXT_WORDS(w1, w2, w3, w0);
        FOUR_ROUNDS(w2, 10); NEXT_WORDS(w2, w3, w0, w1);
        FOUR_ROUNDS(w3, 11); NEXT_WORDS(w3, w0, w1, w2);
        FOUR_ROUNDS(w0, 12);
        FOUR_ROUNDS(w1, 13);
        FOUR_ROUNDS(w2, 14);
        FOUR_ROUNDS(w3, 15);

        abcd = vaddq_u32(abcd, saved_abcd);
        efgh = vaddq_u32(efgh, saved_efgh);
    }

    vst1q_u32(&state[0], abcd);
    vst1q_u32(&state[4], efgh);
}
#endif
