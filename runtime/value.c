/*
** value.c - JSON values: references, copy on write, equality, and the
** serializer that prints documents the way the service does.
**
** Documents are shared, never copied whole: a state's output usually holds
** most of its input by reference. A value is modified only by the one who
** holds its only reference (aslp_own); everyone else sees it immutable, so
** sharing is safe across states and, later, threads.
**
** jansson prints reals with 17 significant digits (2.22 becomes
** 2.2200000000000002); the service prints the shortest text that reads
** back as the same number, so documents are printed here.
*/
#include "aslrt_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
asl_decref(json_t *v)
{
	json_decref(v);
}

json_t *
asl_incref(json_t *v)
{
	return json_incref(v);
}

/* Used by jansson.h's inline reference counting when tcc compiles it. */
size_t
aslp_atomic_add_fetch(volatile size_t *p, size_t v)
{
	return __atomic_add_fetch(p, v, __ATOMIC_ACQUIRE);
}

size_t
aslp_atomic_sub_fetch(volatile size_t *p, size_t v)
{
	return __atomic_sub_fetch(p, v, __ATOMIC_RELEASE);
}

/*
** jansson 2.14's parser can lose a character of a string when an
** allocation fails, and parse on (its lexer ignores the failure), or
** report "invalid token". The executable gives jansson a malloc that
** counts failures, so that what it parses is refused as out of memory
** instead; a host keeps its own allocator, and this counts nothing. The
** count is the process's (tcc links no thread-local storage): a parse
** during which any thread ran out of memory is refused.
*/
static unsigned long alloc_failures;	/* atomic */

static void *
counting_malloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		__atomic_add_fetch(&alloc_failures, 1, __ATOMIC_RELAXED);
	return p;
}

void
aslp_note_alloc_failures(void)
{
	json_set_alloc_funcs(counting_malloc, free);
}

/* v, parsed since the count was before: NULL and *oom if memory ran out. */
static json_t *
guarded(json_t *v, unsigned long before, const json_error_t *err, bool *oom)
{
	*oom = __atomic_load_n(&alloc_failures, __ATOMIC_RELAXED) != before ||
	       (!v && json_error_code(err) == json_error_out_of_memory);
	if (*oom) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

json_t *
aslp_loadb(const char *s, size_t n, size_t flags, json_error_t *err, bool *oom)
{
	unsigned long before = __atomic_load_n(&alloc_failures, __ATOMIC_RELAXED);

	return guarded(json_loadb(s, n, flags, err), before, err, oom);
}

json_t *
aslp_load_file(const char *path, size_t flags, json_error_t *err, bool *oom)
{
	unsigned long before = __atomic_load_n(&alloc_failures, __ATOMIC_RELAXED);

	return guarded(json_load_file(path, flags, err), before, err, oom);
}

void
aslp_buf_put(struct aslp_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *nb;

		while (b->len + n + 1 > cap)
			cap *= 2;
		nb = realloc(b->s, cap);
		if (!nb) {
			b->oom = true;
			return;
		}
		b->s = nb;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The length of the valid UTF-8 sequence that starts s, or 0. */
static size_t
utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[0] == 0xe0 && s[1] < 0xa0) ||	/* overlong */
		    (s[0] == 0xed && s[1] >= 0xa0))	/* surrogates */
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

unsigned
aslp_utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = *s;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if (c < 0xe0) {
		*p = s + 2;
		return ((c & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if (c < 0xf0) {
		*p = s + 3;
		return ((c & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	*p = s + 4;
	return ((c & 0x07) << 18) | ((s[1] & 0x3f) << 12) |
	       ((s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

void
aslp_utf8_put(struct aslp_buf *b, unsigned c)
{
	char out[4];
	size_t k;

	if (c < 0x80) {
		out[0] = (char)c, k = 1;
	} else if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6), out[1] = (char)(0x80 | (c & 0x3f)), k = 2;
	} else if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12), out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f)), k = 3;
	} else {
		out[0] = (char)(0xf0 | c >> 18), out[1] = (char)(0x80 | (c >> 12 & 0x3f));
		out[2] = (char)(0x80 | (c >> 6 & 0x3f)), out[3] = (char)(0x80 | (c & 0x3f));
		k = 4;
	}
	aslp_buf_put(b, out, k);
}

bool
aslp_utf8_valid(const char *s)
{
	size_t n;

	for (; *s; s += n)
		if (!(n = utf8_seq((const unsigned char *)s)))
			return false;
	return true;
}

/*
** The n bytes at s (NULs allowed, s[n] == '\0') as UTF-8, each byte that
** starts no valid sequence replaced by U+FFFD: a new string, its length
** in *len.
*/
char *
aslp_utf8_clean_n(const char *s, size_t n, size_t *len)
{
	struct aslp_buf b = { NULL, 0, 0, false };
	size_t i, k;

	aslp_buf_put(&b, "", 0);
	for (i = 0; i < n; i += k) {
		k = s[i] ? utf8_seq((const unsigned char *)s + i) : 1;
		if (k) {
			aslp_buf_put(&b, s + i, k);
		} else {
			aslp_buf_put(&b, "\xef\xbf\xbd", 3);	/* U+FFFD */
			k = 1;
		}
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}

char *
aslp_utf8_clean(char *s)
{
	struct aslp_buf b = { NULL, 0, 0, false };
	size_t i, n;

	if (!s || aslp_utf8_valid(s))
		return s;
	for (i = 0; s[i]; i += n) {
		n = utf8_seq((const unsigned char *)s + i);
		if (n) {
			aslp_buf_put(&b, s + i, n);
		} else {
			aslp_buf_put(&b, "\xef\xbf\xbd", 3);	/* U+FFFD */
			n = 1;
		}
	}
	free(s);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *
aslp_vprintf(const char *fmt, va_list ap)
{
	va_list aq;
	char buf[256];
	int n;
	char *s;

	/* Formatted once when it is short, as most are. */
	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof buf, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s && (size_t)n < sizeof buf)
		memcpy(s, buf, (size_t)n + 1);
	else if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
aslp_concat(const char *const *parts, int n)
{
	size_t len[16], total = 1;
	char *s, *p;
	int i;

	for (i = 0; i < n; i++)
		total += len[i] = strlen(parts[i]);
	if (!(s = malloc(total)))
		return NULL;
	for (p = s, i = 0; i < n; i++)
		p = (char *)memcpy(p, parts[i], len[i]) + len[i];
	*p = '\0';
	return s;
}

char *
aslp_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = aslp_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

/*
** Reals as Java's Double.toString prints them, which is what the service
** shows: the shortest digits that read back as d; plain notation from
** 10^-3 to 10^7 (100.0, 0.001), else one digit, a point and an exponent
** (1.0E7, 1.23456E-5). Always a point: 3.0 stays a real.
*/
/*
** The shortest digits of d and its decimal exponent, the quick way, for
** the reals most documents hold: 10^-3 <= |d| < 10^7 with at most nine
** decimals (45.25, 0.1, 1200.0). The first k for which round(|d| 10^k)
** / 10^k is d gives them: the division is correctly rounded, so the
** decimal reads back as d, and no fewer decimals do. Returns the number
** of digits, or 0 when d is not such a real.
*/
static int
quick_digits(double d, char *digits, int *exp)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	double a = fabs(d), s;
	uint64_t m;
	char tmp[24];
	int k, n = 0, i;

	if (!(a >= 1e-3 && a < 1e7))
		return 0;
	for (k = 0; k < 10; k++) {
		s = floor(a * p10[k] + 0.5);
		/*
		** Below 2^50 the integers are far apart next to d's precision:
		** at most one of them reads back as d, the nearest, as Java's.
		*/
		if (s >= 1125899906842624.0)
			return 0;
		if (s / p10[k] == a)
			break;
	}
	if (k == 10)
		return 0;
	for (m = (uint64_t)s; m; m /= 10)
		tmp[n++] = (char)('0' + m % 10);
	*exp = n - 1 - k;
	for (i = 0; i < n; i++)
		digits[i] = tmp[n - 1 - i];
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	return n;
}

void
aslp_format_double(char *buf, size_t size, double d)
{
	char e[40], digits[24];
	int prec, exp, n = 0, i;
	const char *p;
	bool neg = d < 0;

	if (!isfinite(d)) {
		snprintf(buf, size, "null");
		return;
	}
	if ((n = quick_digits(d, digits, &exp)) == 0) {
		for (prec = 0; prec < 17; prec++) {
			snprintf(e, sizeof e, "%.*e", prec, d);
			if (strtod(e, NULL) == d)
				break;
		}
		/* e is [-]d[.ddd]e[+-]xx: collect the digits and the exponent. */
		neg = e[0] == '-';
		for (p = e + neg; *p && *p != 'e'; p++)
			if (*p != '.')
				digits[n++] = *p;
		while (n > 1 && digits[n - 1] == '0')
			n--;
		digits[n] = '\0';
		exp = atoi(p + 1);
		if (d == 0)
			exp = 0;
	}
	if (exp >= -3 && exp < 7) {
		char plain[48];
		size_t k = 0;

		if (neg)
			plain[k++] = '-';
		if (exp < 0) {
			plain[k++] = '0';
			plain[k++] = '.';
			for (i = -1; i > exp; i--)
				plain[k++] = '0';
			for (i = 0; i < n; i++)
				plain[k++] = digits[i];
		} else {
			for (i = 0; i <= exp; i++)
				plain[k++] = i < n ? digits[i] : '0';
			plain[k++] = '.';
			if (n <= exp + 1)
				plain[k++] = '0';
			for (i = exp + 1; i < n; i++)
				plain[k++] = digits[i];
		}
		plain[k] = '\0';
		if (size > 0) {
			k = k < size ? k : size - 1;
			memcpy(buf, plain, k);
			buf[k] = '\0';
		}
	} else {
		snprintf(buf, size, "%s%c.%sE%d", neg ? "-" : "", digits[0],
			 n > 1 ? digits + 1 : "0", exp);
	}
}

size_t
aslp_string_size(const char *s, size_t len)
{
	size_t n = len + 2, i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' ||
		    c == '\b' || c == '\f')
			n += 1;
		else if (c < 0x20)
			n += 5;
	}
	return n;
}

/*
** The depth of v (a scalar is 0), reading no string or number: what
** aslp_measure finds when only the depth matters. Stops past max_depth.
*/
int
aslp_depth(const json_t *v, int max_depth)
{
	void *it;
	json_t *m;
	size_t i;
	int d, deepest = 0;

	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (max_depth <= 0)
		return 1;
	if (json_is_object(v)) {
		/* The iterator alone: json_object_foreach makes two more calls a member. */
		for (it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
			m = json_object_iter_value(it);
			if (json_is_object(m) || json_is_array(m)) {
				d = aslp_depth(m, max_depth - 1);
				deepest = d > deepest ? d : deepest;
				if (deepest >= max_depth)
					break;
			}
		}
	} else {
		for (i = 0; i < json_array_size(v); i++) {
			m = json_array_get(v, i);
			if (json_is_object(m) || json_is_array(m)) {
				d = aslp_depth(m, max_depth - 1);
				deepest = d > deepest ? d : deepest;
				if (deepest >= max_depth)
					break;
			}
		}
	}
	return deepest + 1;
}

/*
** The size of v as compact JSON, and its depth, with early exits: stops
** counting once past limit or max_depth (the result is then > limit or
** *depth > max_depth). Recursion is bounded by max_depth + 1.
*/
size_t
aslp_measure(const json_t *v, size_t limit, int max_depth, int *depth)
{
	size_t n;
	const char *key;
	json_t *m;
	size_t i;
	int d, deepest = 0;

	*depth = 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (max_depth <= 0) {
			*depth = 1;
			return 2;
		}
		n = 2;	/* {} or [] */
		if (json_is_object(v)) {
			json_object_foreach((json_t *)v, key, m) {
				n += (n > 2) + aslp_string_size(key, strlen(key)) + 1 +
				     aslp_measure(m, limit - (n < limit ? n : limit),
						  max_depth - 1, &d);
				deepest = d > deepest ? d : deepest;
				if (n > limit || deepest >= max_depth)
					break;
			}
		} else {
			for (i = 0; i < json_array_size(v); i++) {
				n += (i > 0) + aslp_measure(json_array_get(v, i),
							    limit - (n < limit ? n : limit),
							    max_depth - 1, &d);
				deepest = d > deepest ? d : deepest;
				if (n > limit || deepest >= max_depth)
					break;
			}
		}
		*depth = deepest + 1;
		return n;
	case JSON_STRING:
		return aslp_string_size(json_string_value(v), json_string_length(v));
	default:
		return asl_dump_size(v);
	}
}

double
aslp_number(const json_t *v)
{
	if (json_is_integer(v))
		return (double)json_integer_value(v);
	return json_real_value(v);
}

/*
** d as JavaScript's Number.prototype.toString writes it (JSONata's
** numbers): the shortest digits that read back as d, in fixed notation
** from 1e-7 to 1e21. The compiler writes JSONata's messages with it too.
*/
void
aslp_js_number(double d, char *buf)
{
	char e[40], digits[20], *p;
	int prec, exp, n, i, k = 0;

	if (isnan(d)) {
		strcpy(buf, "NaN");
		return;
	}
	if (isinf(d)) {
		strcpy(buf, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (d == 0) {
		strcpy(buf, "0");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec - 1, d);
		if (strtod(e, NULL) == d)
			break;
	}
	p = strchr(e, 'e');
	exp = atoi(p + 1);
	for (n = 0, i = e[0] == '-'; e + i < p; i++)
		if (e[i] != '.')
			digits[n++] = e[i];
	while (n > 1 && digits[n - 1] == '0')
		n--;
	if (d < 0)
		buf[k++] = '-';
	if (exp >= 21 || exp < -6) {
		buf[k++] = digits[0];
		if (n > 1) {
			buf[k++] = '.';
			memcpy(buf + k, digits + 1, (size_t)n - 1);
			k += n - 1;
		}
		k += sprintf(buf + k, "e%c%d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (exp < 0) {
		buf[k++] = '0';
		buf[k++] = '.';
		for (i = -1; i > exp; i--)
			buf[k++] = '0';
		memcpy(buf + k, digits, (size_t)n);
		k += n;
	} else {
		for (i = 0; i <= exp || i < n; i++) {
			if (i == exp + 1)
				buf[k++] = '.';
			buf[k++] = i < n ? digits[i] : '0';
		}
	}
	buf[k] = '\0';
}

bool
aslp_json_equal(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *av;
	size_t i;

	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return aslp_number(a) == aslp_number(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach((json_t *)a, key, av) {
			json_t *bv = json_object_get(b, key);

			if (!bv || !aslp_json_equal(av, bv))
				return false;
		}
		return true;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (i = 0; i < json_array_size(a); i++)
			if (!aslp_json_equal(json_array_get(a, i),
					     json_array_get(b, i)))
				return false;
		return true;
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b),
			      json_string_length(a)) == 0;
	default:
		return true;	/* true, false, null */
	}
}

/*
** A shallow copy of v, or NULL when out of memory. jansson's json_copy
** leaves out the members it fails to add and says nothing of it.
*/
json_t *
aslp_json_copy(json_t *v)
{
	const char *k;
	json_t *c, *m;

	if (json_is_array(v)) {
		if ((c = json_array()) && json_array_extend(c, v)) {
			json_decref(c);
			return NULL;
		}
		return c;
	}
	if (!json_is_object(v))
		return json_copy(v);	/* a scalar: made whole or not at all */
	if (!(c = json_object()))
		return NULL;
	json_object_foreach(v, k, m)
		if (json_object_set_nocheck(c, k, m)) {
			json_decref(c);
			return NULL;
		}
	return c;
}

bool
aslp_own(json_t **slot)
{
	json_t *c;

	if (aslp_sole(*slot))
		return true;
	c = aslp_json_copy(*slot);
	if (!c)
		return false;
	json_decref(*slot);
	*slot = c;
	return true;
}

/* ---- the serializer ---- */

struct out {
	char *buf;	/* NULL: only count */
	size_t len;
	size_t cap;
	bool oom;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->buf || o->cap) {
		if (o->len + n + 1 > o->cap) {
			size_t cap = o->cap ? o->cap : 64;
			char *b;

			while (o->len + n + 1 > cap)
				cap *= 2;
			b = realloc(o->buf, cap);
			if (!b) {
				o->oom = true;
				return;
			}
			o->buf = b;
			o->cap = cap;
		}
		memcpy(o->buf + o->len, s, n);
	}
	o->len += n;
}

static void
put_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	put(o, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		const char *e = NULL;
		size_t elen = 2;

		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		default:
			if (c < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				e = esc;
				elen = 6;
			}
		}
		if (!e)
			continue;
		put(o, s + run, i - run);
		put(o, e, elen);
		run = i + 1;
	}
	put(o, s + run, n - run);
	put(o, "\"", 1);
}

/* n in decimal: snprintf's cost shows in a history of many events. */
static void
put_int(struct out *o, json_int_t n)
{
	char num[24], *p = num + sizeof num;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		*--p = '-';
	put(o, p, (size_t)(num + sizeof num - p));
}

/*
** v as compact JSON. With scratch, v is the details of a history event,
** where an object whose one member is ASLP_TEXT_KEY stands for its value
** written as JSON text (a state's input or output): serialised into
** scratch, then put as a string, with no string made on the way.
*/
static void
put_value(struct out *o, struct out *scratch, const json_t *v)
{
	char num[64];
	const char *key;
	json_t *m;
	size_t i;
	bool first = true;

	if (scratch && json_is_object(v) && json_object_size(v) == 1 &&
	    (m = json_object_get(v, ASLP_TEXT_KEY))) {
		scratch->len = 0;
		put_value(scratch, NULL, m);
		if (scratch->oom)
			o->oom = true;
		else
			put_string(o, scratch->buf, scratch->len);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put(o, "{", 1);
		json_object_foreach((json_t *)v, key, m) {
			if (!first)
				put(o, ",", 1);
			first = false;
			put_string(o, key, strlen(key));
			put(o, ":", 1);
			put_value(o, scratch, m);
		}
		put(o, "}", 1);
		break;
	case JSON_ARRAY:
		put(o, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				put(o, ",", 1);
			put_value(o, scratch, json_array_get(v, i));
		}
		put(o, "]", 1);
		break;
	case JSON_STRING:
		put_string(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		put_int(o, json_integer_value(v));
		break;
	case JSON_REAL:
		aslp_format_double(num, sizeof num, json_real_value(v));
		put(o, num, strlen(num));
		break;
	case JSON_TRUE:
		put(o, "true", 4);
		break;
	case JSON_FALSE:
		put(o, "false", 5);
		break;
	case JSON_NULL:
		put(o, "null", 4);
		break;
	}
}

char *
asl_dumps(const json_t *v)
{
	struct out o = { NULL, 0, 0, false };

	o.cap = 0;
	o.buf = malloc(64);
	if (!o.buf)
		return NULL;
	o.cap = 64;
	put_value(&o, NULL, v);
	if (o.oom) {
		free(o.buf);
		return NULL;
	}
	o.buf[o.len] = '\0';
	return o.buf;
}

size_t
asl_dump_size(const json_t *v)
{
	struct out o = { NULL, 0, 0, false };

	put_value(&o, NULL, v);
	return o.len;
}

/* ---- history lines ---- */

const char *
aslp_event_line(struct aslp_buf *line, struct aslp_buf *scratch, const char *timestamp,
		const char *type, long id, long prev, const char *key, const json_t *details,
		size_t *len)
{
	struct out o = { line->s, 0, line->cap, false };
	struct out s = { scratch->s, 0, scratch->cap, false };

	/* A buffer of no capacity only counts: start them. */
	if (!o.buf && (o.buf = malloc(o.cap = 4096)) == NULL)
		return NULL;
	if (!s.buf && (s.buf = malloc(s.cap = 4096)) == NULL) {
		line->s = o.buf;
		line->cap = o.cap;
		return NULL;
	}

	put(&o, "{\"timestamp\":", 13);
	put_string(&o, timestamp, strlen(timestamp));
	put(&o, ",\"type\":", 8);
	put_string(&o, type, strlen(type));
	put(&o, ",\"id\":", 6);
	put_int(&o, id);
	put(&o, ",\"previousEventId\":", 19);
	put_int(&o, prev);
	if (details) {
		put(&o, ",", 1);
		put_string(&o, key, strlen(key));
		put(&o, ":", 1);
		put_value(&o, &s, details);
	}
	put(&o, "}\n", 2);
	line->s = o.buf;
	line->cap = o.cap;
	scratch->s = s.buf;
	scratch->cap = s.cap;
	*len = o.len;
	return o.oom ? NULL : o.buf;
}
