// The SHA-256 compression function on the x86-64 SHA extensions (SHA-NI).
//
// The intrinsics compile only inside functions marked with the `target` attribute, so the rest
// of the target stays plain x86-64 and runs on CPUs without these instructions. `sha256rnds2`
// runs two rounds on the state split into the register pair ABEF and CDGH, and `sha256msg1` and
// `sha256msg2` compute the message schedule four words at a time.
#include "csha256.h"
#include "kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// Runs rounds 4*group .. 4*group+3 with the schedule words `words`, updating `abef` and `cdgh`.
#define FOUR_ROUNDS(words, group, abef, cdgh)                                                      \
    do {                                                                                           \
        __m128i sums = _mm_add_epi32(                                                              \
            (words), _mm_loadu_si128((const __m128i *)&csha256_round_constants[4 * (group)]));     \
        (cdgh) = _mm_sha256rnds2_epu32((cdgh), (abef), sums);                                      \
        (abef) = _mm_sha256rnds2_epu32((abef), (cdgh), _mm_shuffle_epi32(sums, 0x0e));             \
    } while (0)

// Replaces `w0` (words t..t+3) with words t+16..t+19, given the twelve words that follow it.
#define NEXT_WORDS(w0, w1, w2, w3)                                                                 \
    (w0) = _mm_sha256msg2_epu32(                                                                   \
        _mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)), _mm_alignr_epi8((w3), (w2), 4)), (w3))

// Loads the 16 message words of the block at `block`, byte-swapped: they are big-endian.
#define LOAD_WORDS(block, w0, w1, w2, w3)                                                          \
    __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((block) + 0)), byte_swap);     \
    __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((block) + 16)), byte_swap);    \
    __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((block) + 32)), byte_swap);    \
    __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((block) + 48)), byte_swap)

// Reverses the byte order of each 32-bit lane.
#define BYTE_SWAP_MASK _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL)

// state[0..3] loads as lanes (a, b, c, d) from low to high, state[4..7] as (e, f, g, h).
// The round instruction wants ABEF = (f, e, b, a) and CDGH = (h, g, d, c), low to high.
SHA_TARGET
static inline void load_state(const uint32_t state[8], __m128i *abef, __m128i *cdgh) {
    __m128i low = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i high = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(low, 0xb1);
    __m128i hgfe = _mm_shuffle_epi32(high, 0x1b);
    *abef = _mm_alignr_epi8(badc, hgfe, 8);
    *cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);
}

// Back from ABEF and CDGH to (a, b, c, d) and (e, f, g, h).
SHA_TARGET
static inline void store_state(uint32_t state[8], __m128i abef, __m128i cdgh) {
    __m128i abef_lanes = _mm_shuffle_epi32(abef, 0x1b);
    __m128i ghcd_lanes = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(abef_lanes, ghcd_lanes, 0xf0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(ghcd_lanes, abef_lanes, 8));
}

SHA_TARGET
void csha256_compress_sha_extensions(uint32_t state[8], const uint8_t *blocks, size_t block_count) {
    const __m128i byte_swap = BYTE_SWAP_MASK;
    __m128i abef, cdgh;
    load_state(state, &abef, &cdgh);

    for (size_t block = 0; block < block_count; block++, blocks += 64) {
        __m128i saved_abef = abef;
        __m128i saved_cdgh = cdgh;
        LOAD_WORDS(blocks, w0, w1, w2, w3);

        // Twelve groups compute the schedule four words ahead; the last four only consume it.
        FOUR_ROUNDS(w0, 0, abef, cdgh);  NEXT_WORDS(w0, w1, w2, w3);
        FOUR_ROUNDS(w1, 1, abef, cdgh);  NEXT_WORDS(w1, w2, w3, w0);
        FOUR_ROUNDS(w2, 2, abef, cdgh);  NEXT_WORDS(w2, w3, w0, w1);
        FOUR_ROUNDS(w3, 3, abef, cdgh);  NEXT_WORDS(w3, w0, w1, w2);
        FOUR_ROUNDS(w0, 4, abef, cdgh);  NEXT_WORDS(w0, w1, w2, w3);
        FOUR_ROUNDS(w1, 5, abef, cdgh);  NEXT_WORDS(w1, w2, w3, w0);
        FOUR_ROUNDS(w2, 6, abef, cdgh);  NEXT_WORDS(w2, w3, w0, w1);
        FOUR_ROUNDS(w3, 7, abef, cdgh);  NEXT_WORDS(w3, w0, w1, w2);
        FOUR_ROUNDS(w0, 8, abef, cdgh);  NEXT_WORDS(w0, w1, w2, w3);
        FOUR_ROUNDS(w1, 9, abef, cdgh);  NEXT_WORDS(w1, w2, w3, w0);
        FOUR_ROUNDS(w2, 10, abef, cdgh); NEXT_WORDS(w2, w3, w0, w1);
        FOUR_ROUNDS(w3, 11, abef, cdgh); NEXT_WORDS(w3, w0, w1, w2);
        FOUR_ROUNDS(w0, 12, abef, cdgh);
        FOUR_ROUNDS(w1, 13, abef, cdgh);
        FOUR_ROUNDS(w2, 14, abef, cdgh);
        FOUR_ROUNDS(w3, 15, abef, cdgh);

        abef = _mm_add_epi32(abef, saved_abef);
        cdgh = _mm_add_epi32(cdgh, saved_cdgh);
    }
    store_state(state, abef, cdgh);
}

// One group of four rounds on each message, then the schedule step of each: lane B's rounds
// run while lane A's wait for their results, and the other way round.
#define TWO_LANE_GROUP(group, a0, a1, a2, a3, b0, b1, b2, b3)                                      \
    FOUR_ROUNDS(a0, group, abef_a, cdgh_a);                                                        \
    FOUR_ROUNDS(b0, group, abef_b, cdgh_b);                                                        \
    NEXT_WORDS(a0, a1, a2, a3);                                                                    \
    NEXT_WORDS(b0, b1, b2, b3)

SHA_TARGET
void csha256_compress_sha_extensions_two(uint32_t state_a[8], const uint8_t *blocks_a,
                                         uint32_t state_b[8], const uint8_t *blocks_b,
                                         size_t block_count) {
    const __m128i byte_swap = BYTE_SWAP_MASK;
    __m128i abef_a, cdgh_a, abef_b, cdgh_b;
    load_state(state_a, &abef_a, &cdgh_a);
    load_state(state_b, &abef_b, &cdgh_b);

    for (size_t block = 0; block < block_count; block++, blocks_a += 64, blocks_b += 64) {
        __m128i saved_abef_a = abef_a, saved_cdgh_a = cdgh_a;
        __m128i saved_abef_b = abef_b, saved_cdgh_b = cdgh_b;
        LOAD_WORDS(blocks_a, a0, a1, a2, a3);
        LOAD_WORDS(blocks_b, b0, b1, b2, b3);

        TWO_LANE_GROUP(0, a0, a1, a2, a3, b0, b1, b2, b3);
        TWO_LANE_GROUP(1, a1, a2, a3, a0, b1, b2, b3, b0);
        TWO_LANE_GROUP(2, a2, a3, a0, a1, b2, b3, b0, b1);
        TWO_LANE_GROUP(3, a3, a0, a1, a2, b3, b0, b1, b2);
        TWO_LANE_GROUP(4, a0, a1, a2, a3, b0, b1, b2, b3);
        TWO_LANE_GROUP(5, a1, a2, a3, a0, b1, b2, b3, b0);
        TWO_LANE_GROUP(6, a2, a3, a0, a1, b2, b3, b0, b1);
        TWO_LANE_GROUP(7, a3, a0, a1, a2, b3, b0, b1, b2);
        TWO_LANE_GROUP(8, a0, a1, a2, a3, b0, b1, b2, b3);
        TWO_LANE_GROUP(9, a1, a2, a3, a0, b1, b2, b3, b0);
        TWO_LANE_GROUP(10, a2, a3, a0, a1, b2, b3, b0, b1);
        TWO_LANE_GROUP(11, a3, a0, a1, a2, b3, b0, b1, b2);
        FOUR_ROUNDS(a0, 12, abef_a, cdgh_a); FOUR_ROUNDS(b0, 12, abef_b, cdgh_b);
        FOUR_ROUNDS(a1, 13, abef_a, cdgh_a); FOUR_ROUNDS(b1, 13, abef_b, cdgh_b);
        FOUR_ROUNDS(a2, 14, abef_a, cdgh_a); FOUR_ROUNDS(b2, 14, abef_b, cdgh_b);
        FOUR_ROUNDS(a3, 15, abef_a, cdgh_a); FOUR_ROUNDS(b3, 15, abef_b, cdgh_b);

        abef_a = _mm_add_epi32(abef_a, saved_abef_a);
        cdgh_a = _mm_add_epi32(cdgh_a, saved_cdgh_a);
        abef_b = _mm_add_epi32(abef_b, saved_abef_b);
        cdgh_b = _mm_add_epi32(cdgh_b, saved_cdgh_b);
    }
    store_state(state_a, abef_a, cdgh_a);
    store_state(state_b, abef_b, cdgh_b);
}
#endif
