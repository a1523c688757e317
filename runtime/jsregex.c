/*
** jsregex.c - regular expressions as JavaScript has them, for JSONata.
**
** JSONata's /pattern/flags are JavaScript RegExps (with the g flag, and i
** and m if written). This is a backtracking matcher for that syntax over
** UTF-8 text, code point by code point: literals and escapes (\d \w \s
** and their negations, \b \B, \t \n \r \f \v \0, \xHH, \uHHHH, \u{...},
** \cX), classes with ranges, ., ^ and $ (with m, at line ends), groups
** (capturing, (?:...), named (?<n>...)), back references, lookahead
** (?=...) and (?!...), alternation, and the quantifiers * + ? {n} {n,}
** {n,m}, greedy or lazy. Lookbehind and Unicode property escapes are
** refused when the pattern is compiled. Case-insensitive matching folds
** with towlower.
**
** It has no dependency beyond libc, so aslc compiles it too and checks a
** definition's patterns when it compiles the definition.
*/
#include "jsregex.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/*
** Backtracking deeper than this (frames of match and run) fails the match
** as too complex, before the C stack runs out; so does a search that
** takes more steps than MAX_STEPS (about a second).
*/
#define MAX_DEPTH 20000
#define MAX_STEPS 20000000L

enum { R_CHAR, R_ANY, R_CLASS, R_BOL, R_EOL, R_WORDB, R_NWORDB, R_GROUP, R_ALT, R_CAT,
       R_REPEAT, R_BACKREF, R_LOOK, R_EMPTY };

struct range {
	unsigned lo, hi;
};

struct rnode {
	int type;
	unsigned ch;			/* R_CHAR */
	struct range *ranges;		/* R_CLASS */
	int nrange;
	bool negated;			/* R_CLASS, R_LOOK (?!) */
	int min, max;			/* R_REPEAT; max -1: no limit */
	bool lazy;
	int group;			/* R_GROUP: capturing index, 0 none; R_BACKREF */
	int first_group, last_group;	/* R_REPEAT, R_LOOK: the groups inside */
	struct rnode **kids;		/* R_ALT, R_CAT; R_GROUP, R_REPEAT, R_LOOK: kids[0] */
	int nkid;
};

struct aslp_re {
	struct rnode *root;
	int ngroup;
	bool icase, multiline;
	struct rnode **all;		/* every node, to free them */
	int nall, allcap;
};

/* ---- compiling ---- */

struct parser {
	const unsigned char *s, *end;
	struct aslp_re *re;
	const char *err;
};

static unsigned
next_cp(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	unsigned c = *s;
	int n, i;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
	c &= 0x3f >> n;
	for (i = 1; i <= n && s + i < end; i++)
		c = (c << 6) | (s[i] & 0x3f);
	*p = s + i;
	return c;
}

static struct rnode *
node(struct parser *ps, int type)
{
	struct aslp_re *re = ps->re;
	struct rnode *n = calloc(1, sizeof *n);

	if (!n || (re->nall == re->allcap &&
		   !(re->all = realloc(re->all, (size_t)(re->allcap = re->allcap ? 2 * re->allcap : 16) *
				       sizeof *re->all)))) {
		free(n);
		ps->err = "out of memory";
		return NULL;
	}
	re->all[re->nall++] = n;
	n->type = type;
	return n;
}

static bool
add_kid(struct parser *ps, struct rnode *n, struct rnode *k)
{
	struct rnode **nk = realloc(n->kids, (size_t)(n->nkid + 1) * sizeof *nk);

	if (!nk) {
		ps->err = "out of memory";
		return false;
	}
	n->kids = nk;
	n->kids[n->nkid++] = k;
	return true;
}

static bool
add_range(struct parser *ps, struct rnode *n, unsigned lo, unsigned hi)
{
	struct range *nr = realloc(n->ranges, (size_t)(n->nrange + 1) * sizeof *nr);

	if (!nr) {
		ps->err = "out of memory";
		return false;
	}
	n->ranges = nr;
	n->ranges[n->nrange].lo = lo;
	n->ranges[n->nrange++].hi = hi;
	return true;
}

/* The ranges of \d, \w, \s (negated: \D, \W, \S are handled by the caller). */
static bool
add_class_escape(struct parser *ps, struct rnode *n, char c)
{
	static const struct range digit[] = { { '0', '9' } };
	static const struct range word[] = { { '0', '9' }, { 'A', 'Z' }, { '_', '_' }, { 'a', 'z' } };
	static const struct range space[] = {
		{ 9, 13 }, { 32, 32 }, { 0xa0, 0xa0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200a },
		{ 0x2028, 0x2029 }, { 0x202f, 0x202f }, { 0x205f, 0x205f }, { 0x3000, 0x3000 },
		{ 0xfeff, 0xfeff },
	};
	const struct range *r;
	int i, k;

	switch (c) {
	case 'd': r = digit; k = 1; break;
	case 'w': r = word; k = 4; break;
	default: r = space; k = 10; break;
	}
	for (i = 0; i < k; i++)
		if (!add_range(ps, n, r[i].lo, r[i].hi))
			return false;
	return true;
}

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* n hex digits at *p; -1 if not there. */
static long
hex_digits(struct parser *ps, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (ps->s + i >= ps->end || hexval(ps->s[i]) < 0)
			return -1;
		v = v * 16 + hexval(ps->s[i]);
	}
	ps->s += n;
	return v;
}

/*
** A character escape after '\' (not a class escape): its code point, or
** -1 with ps->err set. in_class: \b is a backspace there.
*/
static long
char_escape(struct parser *ps, bool in_class)
{
	unsigned c;
	long v;

	if (ps->s >= ps->end) {
		ps->err = "\\ at end of pattern";
		return -1;
	}
	c = next_cp(&ps->s, ps->end);
	switch (c) {
	case 't': return '\t';
	case 'n': return '\n';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'v': return '\v';
	case '0':
		if (ps->s < ps->end && isdigit(*ps->s)) {
			ps->err = "octal escapes are not supported yet";
			return -1;
		}
		return 0;
	case 'b':
		if (in_class)
			return '\b';
		break;
	case 'c':
		if (ps->s < ps->end && isalpha(*ps->s))
			return *ps->s++ % 32;
		return '\\';	/* and the c is a literal: JavaScript's Annex B */
	case 'x':
		v = hex_digits(ps, 2);
		return v >= 0 ? v : 'x';
	case 'u':
		if (ps->s < ps->end && *ps->s == '{') {
			const unsigned char *save = ps->s++;

			v = 0;
			while (ps->s < ps->end && hexval(*ps->s) >= 0 && v <= 0x10ffff)
				v = v * 16 + hexval(*ps->s++);
			if (ps->s < ps->end && *ps->s == '}' && ps->s > save + 1 && v <= 0x10ffff) {
				ps->s++;
				return v;
			}
			ps->s = save;
			return 'u';
		}
		v = hex_digits(ps, 4);
		return v >= 0 ? v : 'u';
	case 'p':
	case 'P':
		ps->err = "Unicode property escapes (\\p, \\P) are not supported yet";
		return -1;
	default:
		break;
	}
	return c;
}

static struct rnode *parse_alt(struct parser *ps, int depth);

static struct rnode *
parse_class(struct parser *ps)
{
	struct rnode *n = node(ps, R_CLASS);
	bool first = true;

	if (!n)
		return NULL;
	if (ps->s < ps->end && *ps->s == '^') {
		n->negated = true;
		ps->s++;
	}
	for (;;) {
		long lo, hi;
		bool lo_class = false;

		if (ps->s >= ps->end) {
			ps->err = "missing ] in a character class";
			return NULL;
		}
		if (*ps->s == ']') {
			ps->s++;
			break;
		}
		(void)first;
		first = false;
		if (*ps->s == '\\') {
			ps->s++;
			if (ps->s < ps->end && strchr("dwsDWS", *ps->s)) {
				char c = (char)*ps->s++;

				if (islower((unsigned char)c)) {
					if (!add_class_escape(ps, n, c))
						return NULL;
				} else {
					/* A negated class inside a class: its complement's ranges. */
					struct rnode tmp = { 0 };
					unsigned at = 0;
					int i;

					if (!add_class_escape(ps, &tmp, (char)tolower((unsigned char)c)))
						return NULL;
					for (i = 0; i < tmp.nrange; i++) {
						if (tmp.ranges[i].lo > at && !add_range(ps, n, at, tmp.ranges[i].lo - 1)) {
							free(tmp.ranges);
							return NULL;
						}
						at = tmp.ranges[i].hi + 1;
					}
					free(tmp.ranges);
					if (!add_range(ps, n, at, 0x10ffff))
						return NULL;
				}
				lo_class = true;
				lo = -1;
			} else if ((lo = char_escape(ps, true)) < 0) {
				return NULL;
			}
		} else {
			lo = next_cp(&ps->s, ps->end);
		}
		if (!lo_class && ps->s + 1 < ps->end && *ps->s == '-' && ps->s[1] != ']') {
			ps->s++;
			if (*ps->s == '\\') {
				ps->s++;
				if (ps->s < ps->end && strchr("dwsDWS", *ps->s)) {
					ps->err = "a class escape cannot end a range";
					return NULL;
				}
				if ((hi = char_escape(ps, true)) < 0)
					return NULL;
			} else {
				hi = next_cp(&ps->s, ps->end);
			}
			if (hi < lo) {
				ps->err = "range out of order in a character class";
				return NULL;
			}
			if (!add_range(ps, n, (unsigned)lo, (unsigned)hi))
				return NULL;
		} else if (!lo_class && !add_range(ps, n, (unsigned)lo, (unsigned)lo)) {
			return NULL;
		}
	}
	return n;
}

/* {n}, {n,}, {n,m} at ps->s (past '{'); false if it is not one (a literal {). */
static bool
parse_braces(struct parser *ps, int *min, int *max)
{
	const unsigned char *p = ps->s;
	long a = 0, b;

	if (p >= ps->end || !isdigit(*p))
		return false;
	while (p < ps->end && isdigit(*p) && a < 100000)
		a = a * 10 + (*p++ - '0');
	b = a;
	if (p < ps->end && *p == ',') {
		p++;
		if (p < ps->end && isdigit(*p)) {
			b = 0;
			while (p < ps->end && isdigit(*p) && b < 100000)
				b = b * 10 + (*p++ - '0');
		} else {
			b = -1;
		}
	}
	if (p >= ps->end || *p != '}')
		return false;
	ps->s = p + 1;
	*min = (int)a;
	*max = (int)b;
	return true;
}

static struct rnode *
parse_atom(struct parser *ps, int depth)
{
	struct rnode *n, *k;
	unsigned c = next_cp(&ps->s, ps->end);

	switch (c) {
	case '.':
		return node(ps, R_ANY);
	case '^':
		return node(ps, R_BOL);
	case '$':
		return node(ps, R_EOL);
	case '[':
		return parse_class(ps);
	case '(':
		if (depth > 200) {
			ps->err = "groups nested too deep";
			return NULL;
		}
		if (!(n = node(ps, R_GROUP)))
			return NULL;
		if (ps->s + 1 < ps->end && ps->s[0] == '?') {
			if (ps->s[1] == ':') {
				ps->s += 2;
			} else if (ps->s[1] == '=' || ps->s[1] == '!') {
				n->type = R_LOOK;
				n->negated = ps->s[1] == '!';
				n->first_group = ps->re->ngroup + 1;
				ps->s += 2;
			} else if (ps->s[1] == '<' && ps->s + 2 < ps->end && ps->s[2] != '=' &&
				   ps->s[2] != '!') {
				const unsigned char *e = memchr(ps->s, '>', (size_t)(ps->end - ps->s));

				if (!e) {
					ps->err = "a group name without >";
					return NULL;
				}
				ps->s = e + 1;
				n->group = ++ps->re->ngroup;
			} else {
				ps->err = "lookbehind and other (? groups are not supported yet";
				return NULL;
			}
		} else {
			n->group = ++ps->re->ngroup;
		}
		if (!(k = parse_alt(ps, depth + 1)) || !add_kid(ps, n, k))
			return NULL;
		if (n->type == R_LOOK) {
			n->last_group = ps->re->ngroup;
			if (n->last_group < n->first_group)
				n->first_group = 0;
		}
		if (ps->s >= ps->end || *ps->s != ')') {
			ps->err = "missing )";
			return NULL;
		}
		ps->s++;
		return n;
	case ')':
		ps->err = "unmatched )";
		return NULL;
	case '*':
	case '+':
	case '?':
		ps->err = "nothing to repeat";
		return NULL;
	case '\\':
		if (ps->s < ps->end) {
			char e = (char)*ps->s;

			if (strchr("dwsDWS", e)) {
				ps->s++;
				if (!(n = node(ps, R_CLASS)) ||
				    !add_class_escape(ps, n, (char)tolower((unsigned char)e)))
					return NULL;
				n->negated = isupper((unsigned char)e);
				return n;
			}
			if (e == 'b' || e == 'B') {
				ps->s++;
				return node(ps, e == 'b' ? R_WORDB : R_NWORDB);
			}
			if (e >= '1' && e <= '9') {
				int g = 0;

				while (ps->s < ps->end && isdigit(*ps->s) && g < 1000)
					g = g * 10 + (*ps->s++ - '0');
				if (!(n = node(ps, R_BACKREF)))
					return NULL;
				n->group = g;
				return n;
			}
		}
		{
			long v = char_escape(ps, false);

			if (v < 0 || !(n = node(ps, R_CHAR)))
				return NULL;
			n->ch = (unsigned)v;
			return n;
		}
	default:
		if (!(n = node(ps, R_CHAR)))
			return NULL;
		n->ch = c;
		return n;
	}
}

static struct rnode *
parse_cat(struct parser *ps, int depth)
{
	struct rnode *cat = node(ps, R_CAT), *a, *r;

	if (!cat)
		return NULL;
	while (ps->s < ps->end && *ps->s != '|' && *ps->s != ')') {
		int g0 = ps->re->ngroup;
		bool quantified = false;

		if (!(a = parse_atom(ps, depth)))
			return NULL;
		while (ps->s < ps->end && strchr("*+?{", *ps->s)) {
			if (quantified && *ps->s != '{') {
				ps->err = "nothing to repeat";	/* x+?+: JavaScript's SyntaxError */
				return NULL;
			}
			int min, max;

			if (*ps->s == '{') {
				ps->s++;
				if (!parse_braces(ps, &min, &max)) {
					ps->s--;
					break;	/* a literal {, read next as an atom */
				}
				if (max >= 0 && max < min) {
					ps->err = "numbers out of order in {} quantifier";
					return NULL;
				}
			} else {
				char q = (char)*ps->s++;

				min = q == '+';
				max = q == '?' ? 1 : -1;
			}
			if (a->type == R_BOL || a->type == R_EOL || a->type == R_WORDB ||
			    a->type == R_NWORDB) {
				ps->err = "nothing to repeat";
				return NULL;
			}
			if (!(r = node(ps, R_REPEAT)) || !add_kid(ps, r, a))
				return NULL;
			r->min = min;
			r->max = max;
			if (ps->re->ngroup > g0) {
				r->first_group = g0 + 1;
				r->last_group = ps->re->ngroup;
			}
			if (ps->s < ps->end && *ps->s == '?') {
				r->lazy = true;
				ps->s++;
			}
			a = r;
			quantified = true;
		}
		if (!add_kid(ps, cat, a))
			return NULL;
	}
	return cat;
}

static struct rnode *
parse_alt(struct parser *ps, int depth)
{
	struct rnode *first = parse_cat(ps, depth), *alt;

	if (!first || ps->s >= ps->end || *ps->s != '|')
		return first;
	if (!(alt = node(ps, R_ALT)) || !add_kid(ps, alt, first))
		return NULL;
	while (ps->s < ps->end && *ps->s == '|') {
		struct rnode *k;

		ps->s++;
		if (!(k = parse_cat(ps, depth)) || !add_kid(ps, alt, k))
			return NULL;
	}
	return alt;
}

void
aslp_re_free(struct aslp_re *re)
{
	int i;

	if (!re)
		return;
	for (i = 0; i < re->nall; i++) {
		free(re->all[i]->kids);
		free(re->all[i]->ranges);
		free(re->all[i]);
	}
	free(re->all);
	free(re);
}

struct aslp_re *
aslp_re_compile(const char *src, size_t len, const char *flags, const char **err)
{
	struct aslp_re *re = calloc(1, sizeof *re);
	struct parser ps;

	if (!re) {
		*err = "out of memory";
		return NULL;
	}
	re->icase = flags && strchr(flags, 'i');
	re->multiline = flags && strchr(flags, 'm');
	ps.s = (const unsigned char *)src;
	ps.end = ps.s + len;
	ps.re = re;
	ps.err = NULL;
	re->root = parse_alt(&ps, 0);
	if (re->root && ps.s < ps.end)
		ps.err = "unmatched )";
	if (!re->root || ps.err) {
		*err = ps.err ? ps.err : "out of memory";
		aslp_re_free(re);
		return NULL;
	}
	return re;
}

int
aslp_re_groups(const struct aslp_re *re)
{
	return re->ngroup;
}

/* ---- matching ---- */

enum { K_CAT, K_REP, K_GROUP, K_LOOK };

struct cont {		/* built as (struct cont){ kind, n, idx, start, next } */
	int kind;
	const struct rnode *n;
	int idx;		/* K_CAT: the next kid; K_REP: iterations done */
	size_t start;		/* K_REP: where this iteration began; K_GROUP: the group's start */
	const struct cont *next;
};

struct matcher {
	const struct aslp_re *re;
	const unsigned char *s;
	size_t len;
	long *caps;
	size_t end;
	int depth;
	long steps;
	bool too_deep;
};

/* Is n one character wide, with no groups (a literal, ., a class)? */
static bool
single(const struct rnode *n)
{
	return n->type == R_CHAR || n->type == R_ANY || n->type == R_CLASS;
}

static bool one_char(struct matcher *m, const struct rnode *n, size_t i, size_t *next);

static bool match(struct matcher *m, const struct rnode *n, size_t i, const struct cont *k);
static bool run_on(struct matcher *m, const struct cont *k, size_t i, struct cont *cp);

/*
** One more iteration of repeat n from i: JavaScript clears the captures
** of the groups inside first (RepeatMatcher), and they come back if it
** fails.
*/
/* The captures of the groups inside n: a copy of them, and back. */
static long *
caps_keep(const struct matcher *m, const struct rnode *n, long *buf, size_t bufn)
{
	size_t len = 2 * (size_t)(n->last_group - n->first_group + 1);
	long *saved = len <= bufn ? buf : malloc(len * sizeof *saved);

	if (saved)
		memcpy(saved, m->caps + 2 * n->first_group, len * sizeof *saved);
	return saved;
}

static void
caps_back(struct matcher *m, const struct rnode *n, long *saved, long *buf)
{
	size_t len = 2 * (size_t)(n->last_group - n->first_group + 1);

	memcpy(m->caps + 2 * n->first_group, saved, len * sizeof *saved);
	if (saved != buf)
		free(saved);
}

/*
** One more iteration of repeat n from i: JavaScript clears the captures
** of the groups inside first (RepeatMatcher), and they come back if it
** fails.
*/
static bool
iterate(struct matcher *m, const struct rnode *n, size_t i, const struct cont *c)
{
	long buf[32], *saved;
	int g;
	bool r;

	if (n->first_group == 0)
		return match(m, n->kids[0], i, c);
	if (!(saved = caps_keep(m, n, buf, 32))) {
		m->too_deep = true;	/* out of memory: no match, as too complex */
		return false;
	}
	for (g = n->first_group; g <= n->last_group; g++)
		m->caps[2 * g] = m->caps[2 * g + 1] = -1;
	r = match(m, n->kids[0], i, c);
	if (!r)
		caps_back(m, n, saved, buf);
	else if (saved != buf)
		free(saved);
	return r;
}

static bool
run(struct matcher *m, const struct cont *k, size_t i)
{
	struct cont c;
	bool r;

	if (++m->depth > MAX_DEPTH || ++m->steps > MAX_STEPS) {
		m->too_deep = true;
		m->depth--;
		return false;
	}
	r = run_on(m, k, i, &c);
	m->depth--;
	return r;
}

static bool
run_on(struct matcher *m, const struct cont *k, size_t i, struct cont *cp)
{
#define c (*cp)
	if (!k) {
		m->end = i;
		return true;
	}
	switch (k->kind) {
	case K_CAT:
		if (k->idx == k->n->nkid)
			return run(m, k->next, i);
		c = *k;
		c.idx++;
		return match(m, k->n->kids[k->idx], i, &c);
	case K_GROUP: {
		long s0 = m->caps[2 * k->n->group], e0 = m->caps[2 * k->n->group + 1];

		m->caps[2 * k->n->group] = (long)k->start;
		m->caps[2 * k->n->group + 1] = (long)i;
		if (run(m, k->next, i))
			return true;
		m->caps[2 * k->n->group] = s0;
		m->caps[2 * k->n->group + 1] = e0;
		return false;
	}
	case K_LOOK:
		m->end = i;
		return true;
	default: {	/* K_REP: k->idx iterations done, the last from k->start */
		const struct rnode *n = k->n;
		int done = k->idx;
		bool more = n->max < 0 || done < n->max;

		/* An iteration past the minimum that matched nothing ends the loop. */
		if (done > n->min && i == k->start)
			return false;
		c = (struct cont){ K_REP, n, done + 1, i, k->next };
		if (done < n->min)
			return iterate(m, n, i, &c);
		if (n->lazy)
			return run(m, k->next, i) || (more && iterate(m, n, i, &c));
		return (more && iterate(m, n, i, &c)) || run(m, k->next, i);
	}
	}
}
#undef c

static unsigned
fold(unsigned c)
{
	if (c < 0x80)
		return (unsigned)tolower((int)c);
	return (unsigned)towlower((wint_t)c);
}

static bool
in_class(const struct matcher *m, const struct rnode *n, unsigned c)
{
	int i;

	for (i = 0; i < n->nrange; i++) {
		if (c >= n->ranges[i].lo && c <= n->ranges[i].hi)
			return true;
		if (m->re->icase) {
			unsigned f = fold(c), u = (unsigned)towupper((wint_t)c);

			if ((f >= n->ranges[i].lo && f <= n->ranges[i].hi) ||
			    (u >= n->ranges[i].lo && u <= n->ranges[i].hi))
				return true;
		}
	}
	return false;
}

static bool
line_end(unsigned c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

static bool
word_at(const struct matcher *m, size_t i)
{
	unsigned c;

	if (i >= m->len)
		return false;
	c = m->s[i];
	return isalnum((int)c) || c == '_';
}

/* The code point before byte i (i > 0). */
static unsigned
prev_cp(const struct matcher *m, size_t i)
{
	const unsigned char *p;
	size_t j = i - 1;

	while (j > 0 && (m->s[j] & 0xc0) == 0x80)
		j--;
	p = m->s + j;
	return next_cp(&p, m->s + m->len);
}

/* Does single-character node n match at i? *next: past the character. */
static bool
one_char(struct matcher *m, const struct rnode *n, size_t i, size_t *next)
{
	const unsigned char *p = m->s + i;
	unsigned ch;
	bool ok;

	if (i >= m->len)
		return false;
	ch = next_cp(&p, m->s + m->len);
	switch (n->type) {
	case R_CHAR:
		ok = ch == n->ch || (m->re->icase && fold(ch) == fold(n->ch));
		break;
	case R_ANY:
		ok = !line_end(ch);
		break;
	default:
		ok = in_class(m, n, ch) != n->negated;
		break;
	}
	if (ok)
		*next = (size_t)(p - m->s);
	return ok;
}

static bool
match(struct matcher *m, const struct rnode *n, size_t i, const struct cont *k)
{
	const unsigned char *p = m->s + i;
	struct cont c;
	unsigned ch;
	bool r = false;
	int g;

	if (++m->depth > MAX_DEPTH || ++m->steps > MAX_STEPS) {
		m->too_deep = true;
		m->depth--;
		return false;
	}
	switch (n->type) {
	case R_CHAR:
		if (i < m->len) {
			ch = next_cp(&p, m->s + m->len);
			if (ch == n->ch || (m->re->icase && fold(ch) == fold(n->ch)))
				r = run(m, k, (size_t)(p - m->s));
		}
		break;
	case R_ANY:
		if (i < m->len) {
			ch = next_cp(&p, m->s + m->len);
			if (!line_end(ch))
				r = run(m, k, (size_t)(p - m->s));
		}
		break;
	case R_CLASS:
		if (i < m->len) {
			ch = next_cp(&p, m->s + m->len);
			if (in_class(m, n, ch) != n->negated)
				r = run(m, k, (size_t)(p - m->s));
		}
		break;
	case R_BOL:
		if (i == 0 || (m->re->multiline && line_end(prev_cp(m, i))))
			r = run(m, k, i);
		break;
	case R_EOL:
		if (i == m->len || (m->re->multiline && (p = m->s + i,
							 line_end(next_cp(&p, m->s + m->len)))))
			r = run(m, k, i);
		break;
	case R_WORDB:
	case R_NWORDB:
		if (((i > 0 && word_at(m, i - 1)) != word_at(m, i)) == (n->type == R_WORDB))
			r = run(m, k, i);
		break;
	case R_CAT:
		c = (struct cont){ K_CAT, n, 0, i, k };
		r = run(m, &c, i);
		break;
	case R_ALT:
		for (g = 0; g < n->nkid && !r && !m->too_deep; g++)
			r = match(m, n->kids[g], i, k);
		break;
	case R_GROUP:
		if (!n->group) {
			r = match(m, n->kids[0], i, k);
			break;
		}
		c = (struct cont){ K_GROUP, n, 0, i, k };
		r = match(m, n->kids[0], i, &c);
		break;
	case R_REPEAT:
		if (single(n->kids[0])) {
			/* a run of single characters: counted in a loop, then backtracked */
			size_t pos[64], *at = pos, cap = 64, cnt = 0, next = i;
			long most = n->max < 0 ? -1 : n->max, j;

			at[0] = i;
			while ((most < 0 || (long)cnt < most) && one_char(m, n->kids[0], at[cnt], &next)) {
				if (cnt + 1 == cap) {
					size_t *grown = malloc(2 * cap * sizeof *grown);

					if (!grown) {
						m->too_deep = true;
						break;
					}
					memcpy(grown, at, cap * sizeof *at);
					if (at != pos)
						free(at);
					at = grown;
					cap *= 2;
				}
				at[++cnt] = next;
			}
			if (n->lazy) {
				for (j = n->min; j <= (long)cnt && !r && !m->too_deep; j++)
					r = run(m, k, at[j]);
			} else {
				for (j = (long)cnt; j >= n->min && !r && !m->too_deep; j--)
					r = run(m, k, at[j]);
			}
			if (at != pos)
				free(at);
			break;
		}
		c = (struct cont){ K_REP, n, 0, (size_t)-1, k };
		r = run(m, &c, i);
		break;
	case R_BACKREF:
		if (n->group > m->re->ngroup || m->caps[2 * n->group] < 0) {
			r = run(m, k, i);	/* a group that did not take part matches "" */
		} else {
			size_t from = (size_t)m->caps[2 * n->group];
			size_t l = (size_t)m->caps[2 * n->group + 1] - from;

			if (i + l <= m->len && memcmp(m->s + from, m->s + i, l) == 0)
				r = run(m, k, i + l);
		}
		break;
	case R_LOOK: {
		size_t end = m->end;
		long buf[32], *saved = NULL;
		bool found;

		if (n->first_group && !(saved = caps_keep(m, n, buf, 32))) {
			m->too_deep = true;
			break;
		}
		c = (struct cont){ K_LOOK, n, 0, i, NULL };
		found = match(m, n->kids[0], i, &c);
		m->end = end;
		if (found != n->negated)
			r = run(m, k, i);
		/* backtracking past the lookahead: its captures go */
		if (saved && !r)
			caps_back(m, n, saved, buf);
		else if (saved && saved != buf)
			free(saved);
		break;
	}
	default:
		r = run(m, k, i);
		break;
	}
	m->depth--;
	return r;
}

int
aslp_re_exec(const struct aslp_re *re, const char *s, size_t len, size_t from, long *caps)
{
	struct matcher m;
	size_t i;
	int g;

	m.re = re;
	m.s = (const unsigned char *)s;
	m.len = len;
	m.caps = caps;
	m.depth = 0;
	m.steps = 0;
	m.too_deep = false;
	for (i = from; i <= len; i++) {
		if (i < len && i > from && (m.s[i] & 0xc0) == 0x80)
			continue;	/* not at a character's start */
		for (g = 0; g <= re->ngroup; g++)
			caps[2 * g] = caps[2 * g + 1] = -1;
		m.depth = 0;
		if (match(&m, re->root, i, NULL)) {
			caps[0] = (long)i;
			caps[1] = (long)m.end;
			return 1;
		}
		if (m.too_deep)
			return -1;
	}
	return 0;
}
