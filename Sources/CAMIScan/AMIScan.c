#include "CAMIScan.h"
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// The offset of the first LF at or after `from`, or -1.
static inline long next_newline(const unsigned char *bytes, long count, long from) {
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    long position = from;
    while (position + 16 <= count) {
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + position));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, lf));
        if (mask != 0) return position + __builtin_ctz(mask);
        position += 16;
    }
    for (; position < count; position++) {
        if (bytes[position] == '\n') return position;
    }
    return -1;
#else
    const unsigned char *hit = memchr(bytes + from, '\n', (size_t)(count - from));
    return hit ? (long)(hit - bytes) : -1;
#endif
}

ami_line_scan ami_scan_packet_lines(const unsigned char *bytes, long count, long start, long max_line) {
    ami_line_scan result = {-1, start, 0, 0};
    long position = start;
    long lines = 0;
#if defined(__SSE2__)
    // Whole 16-byte blocks (with the two bytes after each, for the CR LF after an LF): the
    // packet ends at the first LF followed by LF or by CR LF. Within max_line bytes of
    // `start` no line can be too long, so there only the end is looked for: one branch a
    // block, taken once a packet. Past that (or at the end of the bytes) the lines are
    // taken one by one below, from the last line start the blocks passed.
    if (position < count && bytes[position] != '\n' && bytes[position] != '\r') {
        const __m128i lf = _mm_set1_epi8('\n');
        const __m128i cr = _mm_set1_epi8('\r');
        long block = position;
        while (block + 18 <= count && block + 16 - start <= max_line) {
            __m128i here = _mm_loadu_si128((const __m128i *)(bytes + block));
            __m128i next = _mm_loadu_si128((const __m128i *)(bytes + block + 1));
            __m128i after = _mm_loadu_si128((const __m128i *)(bytes + block + 2));
            __m128i emptyNext = _mm_or_si128(_mm_cmpeq_epi8(next, lf),
                                             _mm_and_si128(_mm_cmpeq_epi8(next, cr), _mm_cmpeq_epi8(after, lf)));
            unsigned ends = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, lf), emptyNext));
            if (ends != 0) {
                long newline = block + __builtin_ctz(ends);
                result.lines = 1;
                result.end = result.reached = bytes[newline + 1] == '\n' ? newline + 2 : newline + 3;
                return result;
            }
            block += 16;
        }
        for (long last = block - 1; last >= position; last--) {
            if (bytes[last] == '\n') {
                position = last + 1;
                lines = 1;
                break;
            }
        }
    }
#endif
    // The bytes left (and all of them without SSE2): line by line.
    while (position < count) {
        unsigned char first = bytes[position];
        if (first == '\n') {
            result.end = result.reached = position + 1;
            result.lines = lines;
            return result;
        }
        if (first == '\r') {
            if (position + 1 >= count) break;
            if (bytes[position + 1] == '\n') {
                result.end = result.reached = position + 2;
                result.lines = lines;
                return result;
            }
        }
        long newline = next_newline(bytes, count, position);
        if (newline < 0) {
            result.reached = position;
            result.lines = lines;
            result.too_long = count - position > max_line;
            return result;
        }
        if (newline - position > max_line) {
            result.reached = position;
            result.lines = lines;
            result.too_long = 1;
            return result;
        }
        position = newline + 1;
        lines += 1;
    }
    result.reached = position;
    result.lines = lines;
    return result;
}
