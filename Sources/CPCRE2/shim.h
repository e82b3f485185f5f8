// PCRE2's 8-bit library (Debian: libpcre2-dev): Perl-compatible regexes, with JIT.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
