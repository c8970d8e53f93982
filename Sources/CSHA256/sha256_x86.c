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

// Runs rounds 4*group .. 4*group+3 with the schedule words `words`, updating ABEF and CDGH.
#define FOUR_ROUNDS(words, group)                                                                  \
    do {                                                                                           \
        __m128i sums = _mm_add_epi32(                                                              \
            (words), _mm_loadu_si128((const __m128i *)&csha256_round_constants[4 * (group)]));     \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sums);                                            \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(sums, 0x0e));                   \
    } while (0)

// Replaces `w0` (words t..t+3) with words t+16..t+19, given the twelve words that follow it.
#define NEXT_WORDS(w0, w1, w2, w3)                                                                 \
    (w0) = _mm_sha256msg2_epu32(                                                                   \
        _mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)), _mm_alignr_epi8((w3), (w2), 4)), (w3))

SHA_TARGET
void csha256_compress_sha_extensions(uint32_t state[8], const uint8_t *blocks, size_t block_count) {
    // Byte order of each 32-bit lane reversed: the message words are big-endian.
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    // state[0..3] loads as lanes (a, b, c, d) from low to high, state[4..7] as (e, f, g, h).
    // The round instruction wants ABEF = (f, e, b, a) and CDGH = (h, g, d, c), low to high.
    __m128i low = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i high = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(low, 0xb1);
    __m128i hgfe = _mm_shuffle_epi32(high, 0x1b);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);

    for (size_t block = 0; block < block_count; block++, blocks += 64) {
        __m128i saved_abef = abef;
        __m128i saved_cdgh = cdgh;

        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 0)), byte_swap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)), byte_swap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)), byte_swap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)), byte_swap);

        // Twelve groups compute the schedule four words ahead; the last four only consume it.
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

        abef = _mm_add_epi32(abef, saved_abef);
        cdgh = _mm_add_epi32(cdgh, saved_cdgh);
    }

    // Back from ABEF and CDGH to (a, b, c, d) and (e, f, g, h).
    __m128i abef_lanes = _mm_shuffle_epi32(abef, 0x1b);
    __m128i ghcd_lanes = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(abef_lanes, ghcd_lanes, 0xf0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(ghcd_lanes, abef_lanes, 8));
}
#endif
