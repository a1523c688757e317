/*
** jsregex.h - JavaScript regular expressions over UTF-8 (jsregex.c), for
** JSONata's /pattern/flags. Used by the runtime and, to check patterns
** when a definition is compiled, by aslc.
*/
#ifndef ASLP_JSREGEX_H
#define ASLP_JSREGEX_H

#include <stddef.h>

/* Local to libaslrt, as its other internals (aslrt_int.h). */
#if defined(__GNUC__)
#define ASLP_RE_HIDDEN __attribute__((visibility("hidden")))
#else
#define ASLP_RE_HIDDEN
#endif

struct aslp_re;

/*
** Compile the pattern src (len bytes) with flags ("i", "m"); NULL with
** *err set (a static message) if JavaScript would not take it, or it uses
** what this matcher does not have (lookbehind, \p{...}).
*/
ASLP_RE_HIDDEN struct aslp_re *aslp_re_compile(const char *src, size_t len, const char *flags,
				const char **err);
/* The number of capturing groups. */
ASLP_RE_HIDDEN int aslp_re_groups(const struct aslp_re *re);
/*
** The first match in s (len bytes) at or after byte from: 1 with caps
** holding 2 * (groups + 1) byte offsets (start, end; -1 for a group that
** did not take part), 0 if there is none, -1 if it was too complex to find.
*/
ASLP_RE_HIDDEN int aslp_re_exec(const struct aslp_re *re, const char *s, size_t len, size_t from, long *caps);
ASLP_RE_HIDDEN void aslp_re_free(struct aslp_re *re);

#endif
