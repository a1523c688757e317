/*
** jsonata.c - the JSONata standard library, as jsonata 2.0.6 (the version
** AWS runs) defines it: the functions of functions.js, the checking of
** their arguments of signature.js, and the value helpers of utils.js.
**
** Strings are UTF-8 here and UTF-16 there. The functions that count or
** cut characters count code points, as the reference's do (it splits
** strings with a for-of loop). Objects keep their members in the order
** JavaScript gives them: names that are array indexes first, ascending,
** then the rest in the order they were added ($keys, $string).
**
** The original is (c) Copyright IBM Corp. 2016, 2018, project JSONata,
** under the MIT License:
**
**   Permission is hereby granted, free of charge, to any person obtaining a
**   copy of this software and associated documentation files (the
**   "Software"), to deal in the Software without restriction, including
**   without limitation the rights to use, copy, modify, merge, publish,
**   distribute, sublicense, and/or sell copies of the Software, and to
**   permit persons to whom the Software is furnished to do so, subject to
**   the following conditions:
**
**   The above copyright notice and this permission notice shall be
**   included in all copies or substantial portions of the Software.
**
**   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
**   OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
**   MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
**   IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
**   CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
**   TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
**   SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
*/
#include "jsonata.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* ---- errors ---- */

static struct jn_v
undefined(void)
{
	struct jn_v v = { 0 };

	return v;
}

static struct jn_v
value(json_t *j)
{
	struct jn_v v = { 0 };

	v.j = j;
	return v;
}

/* v itself, as the result: a new reference. */
static struct jn_v
keep(struct jn_v v)
{
	return aslp_jn_ref(v);
}

/* Fail with code and the message, formatted. */
static struct jn_v ASLP_PRINTF(3, 4)
fail(struct jn_cx *x, const char *code, const char *fmt, ...)
{
	va_list ap;

	x->err->code = code;
	va_start(ap, fmt);
	vsnprintf(x->err->message, sizeof x->err->message, fmt, ap);
	va_end(ap);
	return undefined();
}

/* An allocation failed: the call fails, unless it has already. */
static struct jn_v
oom(struct jn_cx *x)
{
	return x->err->code ? undefined() : fail(x, "U1000", "out of memory");
}

/* j, just made: the result, or nothing if it could not be. */
static struct jn_v
made(struct jn_cx *x, json_t *j)
{
	return j ? value(j) : oom(x);
}

/* The text b holds from byte from, as the result; b's memory is freed. */
static struct jn_v
buf_text(struct jn_cx *x, struct aslp_buf *b, size_t from)
{
	json_t *r = b->oom ? NULL : json_stringn_nocheck(b->s ? b->s + from : "", b->len - from);

	free(b->s);
	return made(x, r);
}

/* a's next item, v: put takes a new reference, put_new v's own. */
static void
put(struct jn_cx *x, json_t *a, json_t *v)
{
	if (json_array_append(a, v))
		oom(x);
}

static void
put_new(struct jn_cx *x, json_t *a, json_t *v)
{
	if (json_array_append_new(a, v))
		oom(x);
}

/* r, which put and put_new filled: the result, or nothing if they failed. */
static struct jn_v
built(struct jn_cx *x, json_t *r, bool seq)
{
	struct jn_v v = value(r);

	if (!r || x->err->code) {
		json_decref(r);
		return oom(x);
	}
	v.seq = seq;
	return v;
}

/* ---- numbers and text as JavaScript writes them ---- */

/* Number(d.toPrecision(15)): what $string and & make of a number. */
static double
precision15(double d)
{
	char buf[40];

	snprintf(buf, sizeof buf, "%.14e", d);
	return strtod(buf, NULL);
}

static double
num(const json_t *j)
{
	return json_number_value(j);
}

/* A number as a JSON value: an integer when it is one and fits exactly. */
static json_t *
number(double d)
{
	if (d == 0)
		return json_integer(0);	/* -0 too: JSON has no -0 */
	if (d == floor(d) && fabs(d) < 9007199254740992.0)
		return json_integer((json_int_t)d);
	return json_real(d);
}

/* Is key an array index ("0", "17": no sign, no leading zero, < 2^32 - 1)? */
static bool
index_key(const char *k, unsigned long *v)
{
	char *end;

	if (!*k || (k[0] == '0' && k[1]) || k[0] < '0' || k[0] > '9')
		return false;
	*v = strtoul(k, &end, 10);
	return !*end && strlen(k) <= 10 && *v < 4294967295UL;
}

struct key {
	const char *k;
	unsigned long index;
	bool is_index;
	size_t order;
};

static int
by_js_order(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;

	if (a->is_index != b->is_index)
		return a->is_index ? -1 : 1;
	if (a->is_index)
		return a->index < b->index ? -1 : a->index > b->index;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The member names of o in JavaScript's order; free the array. */
static struct key *
js_keys(const json_t *o, size_t *n)
{
	struct key *k = malloc(sizeof *k * (json_object_size(o) + 1));
	const char *name;
	json_t *m;

	*n = 0;
	if (!k)
		return NULL;
	json_object_foreach((json_t *)o, name, m) {
		k[*n].k = name;
		k[*n].is_index = index_key(name, &k[*n].index);
		k[*n].order = *n;
		(*n)++;
	}
	qsort(k, *n, sizeof *k, by_js_order);
	return k;
}

static void
put_json_string(struct aslp_buf *b, const char *s, size_t len)
{
	size_t i;

	aslp_buf_put(b, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		switch (c) {
		case '"': aslp_buf_put(b, "\\\"", 2); break;
		case '\\': aslp_buf_put(b, "\\\\", 2); break;
		case '\b': aslp_buf_put(b, "\\b", 2); break;
		case '\f': aslp_buf_put(b, "\\f", 2); break;
		case '\n': aslp_buf_put(b, "\\n", 2); break;
		case '\r': aslp_buf_put(b, "\\r", 2); break;
		case '\t': aslp_buf_put(b, "\\t", 2); break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", c);
				aslp_buf_put(b, esc, 6);
			} else {
				aslp_buf_put(b, s + i, 1);
			}
		}
	}
	aslp_buf_put(b, "\"", 1);
}

/* A new line and the indent of depth, when pretty (indent 2). */
static void
newline(struct aslp_buf *b, int depth)
{
	aslp_buf_put(b, "\n", 1);
	while (depth-- > 0)
		aslp_buf_put(b, "  ", 2);
}

/* JSON.stringify(v, numbers to 15 digits, pretty ? 2 : 0), at depth. */
static void
stringify(struct aslp_buf *b, const json_t *v, bool pretty, int depth)
{
	char nb[32];
	size_t i, n;
	struct key *k;
	double d;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		aslp_buf_put(b, "{", 1);
		if (!(k = js_keys(v, &n)))
			b->oom = true;
		for (i = 0; k && i < n; i++) {
			if (i)
				aslp_buf_put(b, ",", 1);
			if (pretty)
				newline(b, depth + 1);
			put_json_string(b, k[i].k, strlen(k[i].k));
			aslp_buf_put(b, pretty ? ": " : ":", pretty ? 2 : 1);
			stringify(b, json_object_get(v, k[i].k), pretty, depth + 1);
		}
		if (pretty && n)
			newline(b, depth);
		free(k);
		aslp_buf_put(b, "}", 1);
		break;
	case JSON_ARRAY:
		aslp_buf_put(b, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				aslp_buf_put(b, ",", 1);
			if (pretty)
				newline(b, depth + 1);
			stringify(b, json_array_get(v, i), pretty, depth + 1);
		}
		if (pretty && json_array_size(v))
			newline(b, depth);
		aslp_buf_put(b, "]", 1);
		break;
	case JSON_STRING:
		put_json_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		/* 1.7976931348623157e308 rounds to Infinity: null, as JSON has it. */
		if (!isfinite(d = precision15(num(v)))) {
			aslp_buf_put(b, "null", 4);
			break;
		}
		aslp_js_number(d, nb);
		aslp_buf_put(b, nb, strlen(nb));
		break;
	case JSON_TRUE:
		aslp_buf_put(b, "true", 4);
		break;
	case JSON_FALSE:
		aslp_buf_put(b, "false", 5);
		break;
	default:
		aslp_buf_put(b, "null", 4);
	}
}

char *
aslp_jn_stringify(const json_t *v, bool pretty)
{
	struct aslp_buf b = { 0 };

	stringify(&b, v, pretty, 0);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}

/* ---- characters ---- */

/* The byte offsets of the code points of s: n + 1 of them. */
static size_t *
code_points(const char *s, size_t len, size_t *n)
{
	size_t *at = malloc(sizeof *at * (len + 1)), i;

	*n = 0;
	if (!at)
		return NULL;
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			at[(*n)++] = i;
	at[*n] = len;
	return at;
}

static size_t
count_code_points(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* JavaScript's ToIntegerOrInfinity, clamped to what slicing needs. */
static double
integer(double d)
{
	return isnan(d) ? 0 : trunc(d);
}

/* Array.prototype.slice's index: negative from the end, clamped. */
static size_t
slice_index(double d, size_t n)
{
	d = integer(d);
	if (d < 0)
		d = d + (double)n < 0 ? 0 : d + (double)n;
	return d > (double)n ? n : (size_t)d;
}

static struct jn_v
string_n(struct jn_cx *x, const char *s, size_t n)
{
	return made(x, json_stringn_nocheck(s, n));
}

/* ---- the functions ---- */

#define STR(i) json_string_value(argv[i].j)
#define LEN(i) json_string_length(argv[i].j)
#define NUM(i) num(argv[i].j)
#define DEF(i) (argc > (i) && argv[i].j)

static struct jn_v
fn_sum(struct jn_cx *x, struct jn_v *argv, int argc)
{
	double t = 0;
	size_t i;

	if (!DEF(0))
		return undefined();
	for (i = 0; i < json_array_size(argv[0].j); i++)
		t += num(json_array_get(argv[0].j, i));
	return made(x, number(t));
}

static struct jn_v
fn_count(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return made(x, json_integer(DEF(0) ? (json_int_t)json_array_size(argv[0].j) : 0));
}

static struct jn_v
extreme(struct jn_cx *x, struct jn_v *argv, int argc, int sign)
{
	double m;
	size_t i;

	if (!DEF(0) || json_array_size(argv[0].j) == 0)
		return undefined();
	m = num(json_array_get(argv[0].j, 0));
	for (i = 1; i < json_array_size(argv[0].j); i++) {
		double d = num(json_array_get(argv[0].j, i));

		if (sign * (d - m) > 0)
			m = d;
	}
	return made(x, number(m));
}

static struct jn_v
fn_max(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return extreme(x, argv, argc, 1);
}

static struct jn_v
fn_min(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return extreme(x, argv, argc, -1);
}

static struct jn_v
fn_average(struct jn_cx *x, struct jn_v *argv, int argc)
{
	double t = 0;
	size_t i, n;

	if (!DEF(0) || (n = json_array_size(argv[0].j)) == 0)
		return undefined();
	for (i = 0; i < n; i++)
		t += num(json_array_get(argv[0].j, i));
	return made(x, number(t / (double)n));
}

static struct jn_v
fn_string(struct jn_cx *x, struct jn_v *argv, int argc)
{
	char *s;
	json_t *r, *a;

	if (argc > 0 && argv[0].fn)
		return made(x, json_string("\"\""));	/* JSON.stringify's replacer makes it '' */
	if (!DEF(0))
		return undefined();
	a = argv[0].j;
	if (argv[0].outer && json_array_size(a) > 0)
		a = json_array_get(a, 0);
	if (json_is_string(a))
		return value(json_incref(a));
	if (json_is_number(a) && !isfinite(num(a)))
		return fail(x, "D3001", "Attempting to invoke string function on Infinity or NaN");
	s = aslp_jn_stringify(a, DEF(1) && json_is_true(argv[1].j));
	r = s ? json_string(s) : NULL;
	free(s);
	return made(x, r);
}

static struct jn_v
fn_substring(struct jn_cx *x, struct jn_v *argv, int argc)
{
	size_t n, *at, from, to;
	double start, length;
	struct jn_v r;

	if (!DEF(0))
		return undefined();
	at = code_points(STR(0), LEN(0), &n);
	if (!at)
		return oom(x);
	start = NUM(1);
	if ((double)n + start < 0)
		start = 0;
	from = slice_index(start, n);
	to = n;
	if (DEF(2)) {
		length = NUM(2);
		if (length <= 0) {
			free(at);
			return string_n(x, "", 0);
		}
		to = slice_index(start >= 0 ? start + length : (double)n + start + length, n);
	}
	r = string_n(x, STR(0) + at[from], from < to ? at[to] - at[from] : 0);
	free(at);
	return r;
}

static struct jn_v
before_after(struct jn_cx *x, struct jn_v *argv, int argc, bool after)
{
	const char *s, *c, *hit;

	if (!DEF(0))
		return undefined();
	s = STR(0);
	c = DEF(1) ? STR(1) : "undefined";	/* String(undefined), as indexOf does */
	hit = strstr(s, c);
	if (!hit)
		return value(json_incref(argv[0].j));
	if (after)
		return string_n(x, hit + strlen(c), LEN(0) - (size_t)(hit - s) - strlen(c));
	return string_n(x, s, (size_t)(hit - s));
}

static struct jn_v
fn_substring_before(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return before_after(x, argv, argc, false);
}

static struct jn_v
fn_substring_after(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return before_after(x, argv, argc, true);
}

/* Unicode case mapping of code points, in the C.UTF-8 locale. */
static locale_t
utf8_locale(void)
{
	static locale_t loc;	/* atomic */
	locale_t l = __atomic_load_n(&loc, __ATOMIC_ACQUIRE);

	if (!l) {
		l = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (l && !__atomic_compare_exchange_n(&loc, &(locale_t){ 0 }, l, false,
						      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			freelocale(l);
			l = __atomic_load_n(&loc, __ATOMIC_ACQUIRE);
		}
	}
	return l;
}

static struct jn_v
change_case(struct jn_cx *x, struct jn_v *argv, int argc, bool upper)
{
	const unsigned char *s, *end;
	struct aslp_buf b = { 0 };
	locale_t loc = utf8_locale();

	if (!DEF(0))
		return undefined();
	if (!loc)
		return fail(x, "S0000", "aslc: the C.UTF-8 locale is missing, needed for case mapping");
	s = (const unsigned char *)STR(0);
	end = s + LEN(0);
	while (s < end) {
		unsigned cp = aslp_utf8_next(&s);

		if (upper && cp == 0xdf)	/* ß: the one mapping to two letters */
			aslp_buf_put(&b, "SS", 2);
		else
			aslp_utf8_put(&b, (unsigned)(upper ? towupper_l((wint_t)cp, loc) :
						     towlower_l((wint_t)cp, loc)));
	}
	return buf_text(x, &b, 0);
}

static struct jn_v
fn_uppercase(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return change_case(x, argv, argc, true);
}

static struct jn_v
fn_lowercase(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return change_case(x, argv, argc, false);
}

static struct jn_v
fn_length(struct jn_cx *x, struct jn_v *argv, int argc)
{
	if (!DEF(0))
		return undefined();
	return made(x, json_integer((json_int_t)count_code_points(STR(0), LEN(0))));
}

static struct jn_v
fn_trim(struct jn_cx *x, struct jn_v *argv, int argc)
{
	const char *s;
	size_t i, len;
	struct aslp_buf b = { 0 };

	if (!DEF(0))
		return undefined();
	s = STR(0);
	len = LEN(0);
	/* Runs of blanks become one space; then one space off each end. */
	for (i = 0; i < len; i++) {
		if (strchr(" \t\n\r", s[i]) && s[i]) {
			while (i + 1 < len && s[i + 1] && strchr(" \t\n\r", s[i + 1]))
				i++;
			aslp_buf_put(&b, " ", 1);
		} else {
			aslp_buf_put(&b, s + i, 1);
		}
	}
	i = b.len && b.s[0] == ' ';
	len = b.len - i;
	if (len && b.s[i + len - 1] == ' ')
		len--;
	b.len = i + len;
	return buf_text(x, &b, i);
}

static struct jn_v
fn_pad(struct jn_cx *x, struct jn_v *argv, int argc)
{
	const char *ch = DEF(2) && LEN(2) ? STR(2) : " ";
	double width, want;
	size_t have, k, *at, nch, i;
	struct aslp_buf b = { 0 };

	if (!DEF(0))
		return undefined();
	width = NUM(1);
	have = count_code_points(STR(0), LEN(0));
	want = fabs(integer(width)) - (double)have;
	if (!(want > 0))
		return value(json_incref(argv[0].j));
	if (want > 536870888)	/* past the longest string JavaScript makes */
		return fail(x, "U1015", "Invalid string length: $pad to %g characters", want);
	at = code_points(ch, strlen(ch), &nch);
	if (!at)
		return oom(x);
	if (width > 0)
		aslp_buf_put(&b, STR(0), LEN(0));
	/* The padding: ch repeated, cut to want characters. */
	for (k = 0, i = 0; k < (size_t)want; k++, i = (i + 1) % nch)
		aslp_buf_put(&b, ch + at[i], at[i + 1] - at[i]);
	if (width <= 0)
		aslp_buf_put(&b, STR(0), LEN(0));
	free(at);
	return buf_text(x, &b, 0);
}

static struct jn_v
fn_join(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct aslp_buf b = { 0 };
	size_t i;

	if (!DEF(0))
		return undefined();
	for (i = 0; i < json_array_size(argv[0].j); i++) {
		json_t *s = json_array_get(argv[0].j, i);

		if (i && DEF(1))
			aslp_buf_put(&b, STR(1), LEN(1));
		aslp_buf_put(&b, json_string_value(s), json_string_length(s));
	}
	return buf_text(x, &b, 0);
}

/* /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/ */
static bool
decimal_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!(*s >= '0' && *s <= '9'))
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		if (!(*++s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* 0x.., 0o.., 0b..: JavaScript's Number() of them, or -1. */
static double
radix_text(const char *s)
{
	int base = 0;
	double v = 0;

	if (s[0] != '0' || !s[1])
		return -1;
	base = s[1] == 'x' || s[1] == 'X' ? 16 : s[1] == 'o' || s[1] == 'O' ? 8 :
		s[1] == 'b' || s[1] == 'B' ? 2 : 0;
	if (!base || !s[2])
		return -1;
	for (s += 2; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
			*s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : 99;

		if (d >= base)
			return -1;
		v = v * base + d;
	}
	return v;
}

static struct jn_v
fn_number(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *v = DEF(0) ? argv[0].j : NULL;
	double d;
	char *text;

	if (!v)
		return undefined();
	if (json_is_number(v))
		return value(json_incref(v));
	if (json_is_true(v) || json_is_false(v))
		return made(x, json_integer(json_is_true(v)));
	if (json_is_string(v) && strlen(STR(0)) == LEN(0)) {
		if (decimal_text(STR(0)) && isfinite(d = strtod(STR(0), NULL)))
			return made(x, number(d));
		if ((d = radix_text(STR(0))) >= 0)
			return made(x, number(d));
	}
	text = aslp_jn_stringify(v, false);
	fail(x, "D3030", "Unable to cast value to a number: %s", text ? text : "");
	free(text);
	return undefined();
}

static struct jn_v
fn_abs(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return DEF(0) ? made(x, number(fabs(NUM(0)))) : undefined();
}

static struct jn_v
fn_floor(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return DEF(0) ? made(x, number(floor(NUM(0)))) : undefined();
}

static struct jn_v
fn_ceil(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return DEF(0) ? made(x, number(ceil(NUM(0)))) : undefined();
}

/* +(mantissa + 'e' + (exponent + shift)) of d's JavaScript text. */
static double
shift_decimal(double d, double shift)
{
	char t[64], *e, out[112];

	char s[40], *end;
	double r;

	aslp_js_number(d, t);
	e = strchr(t, 'e');
	if (e) {
		*e = '\0';
		shift += atof(e + 1);
	}
	aslp_js_number(shift, s);
	snprintf(out, sizeof out, "%se%s", t, s);
	r = strtod(out, &end);
	return *end ? NAN : r;	/* "2e2.5" is no number in JavaScript */
}

static struct jn_v
fn_round(struct jn_cx *x, struct jn_v *argv, int argc)
{
	double d, r, p;

	if (!DEF(0))
		return undefined();
	d = NUM(0);
	p = DEF(1) ? NUM(1) : 0;
	if (p != 0)
		d = shift_decimal(d, p);
	r = floor(d + 0.5);	/* Math.round: halves up */
	if (fabs(r - d) == 0.5 && fmod(fabs(r), 2) == 1)
		r -= 1;		/* halves to even */
	if (p != 0)
		r = shift_decimal(r, -p);
	return made(x, isnan(r) ? json_null() : number(r));	/* NaN: null in JSON */
}

/* ---- $formatNumber: XPath's decimal format, as functions.js has it ---- */

/* A string as code points (the pictures' characters), and back. */
struct cps {
	unsigned *c;
	size_t n, cap;
};

static bool
cps_put(struct cps *p, unsigned c)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 32;
		unsigned *nc = realloc(p->c, cap * sizeof *nc);

		if (!nc)
			return false;
		p->c = nc;
		p->cap = cap;
	}
	p->c[p->n++] = c;
	return true;
}

/* Insert c at i (at the end if i is past it: String.slice's rule). */
static bool
cps_insert(struct cps *p, size_t i, unsigned c)
{
	if (!cps_put(p, c))
		return false;
	if (i >= p->n - 1)
		return true;
	memmove(p->c + i + 1, p->c + i, (p->n - 1 - i) * sizeof *p->c);
	p->c[i] = c;
	return true;
}

static bool
cps_of(struct cps *p, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + len;

	while (u < end)
		if (!cps_put(p, aslp_utf8_next(&u)))
			return false;
	return true;
}

/* The sub-picture's parts, as splitParts gives them: [from, to) of the picture. */
struct subpic {
	size_t from, to;			/* the sub-picture */
	size_t prefix_end, suffix_start;	/* prefix [from, prefix_end), suffix [suffix_start, to) */
	size_t mant_end;			/* mantissa [prefix_end, mant_end) */
	bool has_exp;
	size_t exp_start;			/* exponent [exp_start, suffix_start) */
	size_t int_end, frac_start, frac_end;	/* integer [prefix_end, int_end), fraction */
	bool frac_is_suffix;
	/* analyse */
	int grouping[64], ngrouping, regular;
	int fgrouping[64], nfgrouping;
	int min_int, scaling, min_frac, max_frac, min_exp;
	bool percent, permille, has_decimal;
};

struct fmt {
	unsigned dec, group, exp, percent, permille, zero, digit, sep;
	const char *minus, *infinity, *nan;
	const unsigned *p;	/* the picture */
};

static bool
is_digit_of(const struct fmt *f, unsigned c)
{
	return c >= f->zero && c < f->zero + 10;
}

static bool
active(const struct fmt *f, unsigned c)
{
	return is_digit_of(f, c) || c == f->dec || c == f->exp || c == f->group || c == f->digit ||
	       c == f->sep;
}

static long
find(const unsigned *p, size_t from, size_t to, unsigned c)
{
	size_t i;

	for (i = from; i < to; i++)
		if (p[i] == c)
			return (long)i;
	return -1;
}

static int
count_in(const struct fmt *f, size_t from, size_t to, bool optional_too)
{
	int n = 0;
	size_t i;

	for (i = from; i < to; i++)
		if (is_digit_of(f, f->p[i]) || (optional_too && f->p[i] == f->digit))
			n++;
	return n;
}

static const char *
split_validate(const struct fmt *f, struct subpic *sp)
{
	const unsigned *p = f->p;
	const char *error = NULL;
	size_t i, from = sp->from, to = sp->to;
	long d, d2, e, o;
	bool valid = false;

	/* prefix: up to the first active character but the exponent separator */
	for (i = from; i < to && !(active(f, p[i]) && p[i] != f->exp); i++)
		;
	sp->prefix_end = i < to ? i : to;
	if (i == to)
		sp->prefix_end = from;	/* no active character: prefix undefined in the reference */
	for (i = to; i > from && !(active(f, p[i - 1]) && p[i - 1] != f->exp); i--)
		;
	sp->suffix_start = i > from ? i : to;
	if (sp->suffix_start < sp->prefix_end)
		sp->suffix_start = sp->prefix_end;
	e = find(p, sp->prefix_end, to, f->exp);
	/* exponentPosition is indexOf in the sub-picture, compared with its length less the suffix */
	if (e < 0 || (size_t)e > sp->suffix_start) {
		sp->has_exp = false;
		sp->mant_end = sp->suffix_start;
	} else {
		/* activePart.substring(0, exponentPosition): positions relative to activePart, as the reference computes them */
		size_t rel = (size_t)e - from;	/* index within the sub-picture */
		size_t act_len = sp->suffix_start - sp->prefix_end;

		sp->has_exp = true;
		sp->mant_end = sp->prefix_end + (rel < act_len ? rel : act_len);
		sp->exp_start = sp->prefix_end + (rel + 1 < act_len ? rel + 1 : act_len);
	}
	d = find(p, sp->prefix_end, sp->mant_end, f->dec);
	if (d < 0) {
		sp->int_end = sp->mant_end;
		sp->frac_start = sp->suffix_start;	/* fractionalPart = suffix */
		sp->frac_end = to;
		sp->frac_is_suffix = true;
	} else {
		sp->int_end = (size_t)d;
		sp->frac_start = (size_t)d + 1;
		sp->frac_end = sp->mant_end;
		sp->frac_is_suffix = false;
	}
	/* validate */
	d = find(p, from, to, f->dec);
	for (d2 = -1, i = from; i < to; i++)
		if (p[i] == f->dec)
			d2 = (long)i;
	if (d != d2)
		error = "D3081";
	{
		long a = find(p, from, to, f->percent), b = -1;

		for (i = from; i < to; i++)
			if (p[i] == f->percent)
				b = (long)i;
		if (a != b)
			error = "D3082";
		a = find(p, from, to, f->permille);
		for (b = -1, i = from; i < to; i++)
			if (p[i] == f->permille)
				b = (long)i;
		if (a != b)
			error = "D3083";
		if (find(p, from, to, f->percent) >= 0 && find(p, from, to, f->permille) >= 0)
			error = "D3084";
	}
	for (i = sp->prefix_end; i < sp->mant_end; i++)
		if (is_digit_of(f, p[i]) || p[i] == f->digit)
			valid = true;
	if (!valid)
		error = "D3085";
	for (i = sp->prefix_end; i < sp->suffix_start; i++)
		if (!active(f, p[i]))
			error = "D3086";
	if (d >= 0) {
		if ((d > (long)from && p[d - 1] == f->group) || ((size_t)d + 1 < to && p[d + 1] == f->group))
			error = "D3087";
	} else if (sp->int_end > sp->prefix_end && p[sp->int_end - 1] == f->group) {
		error = "D3088";
	}
	for (i = from; i + 1 < to; i++)
		if (p[i] == f->group && p[i + 1] == f->group)
			error = "D3089";
	o = find(p, sp->prefix_end, sp->int_end, f->digit);
	if (o >= 0 && count_in(f, sp->prefix_end, (size_t)o, false) > 0)
		error = "D3090";
	for (o = -1, i = sp->frac_start; i < sp->frac_end; i++)
		if (p[i] == f->digit)
			o = (long)i;
	if (o >= 0 && count_in(f, (size_t)o, sp->frac_end, false) > 0)
		error = "D3091";
	if (sp->has_exp && sp->exp_start < sp->suffix_start &&
	    (find(p, from, to, f->percent) >= 0 || find(p, from, to, f->permille) >= 0))
		error = "D3092";
	if (sp->has_exp) {
		bool bad = sp->exp_start >= sp->suffix_start;

		for (i = sp->exp_start; i < sp->suffix_start; i++)
			if (!is_digit_of(f, p[i]))
				bad = true;
		if (bad)
			error = "D3093";
	}
	return error;
}

static int
gcd(int a, int b)
{
	return b == 0 ? a : gcd(b, a % b);
}

static void
analyse(const struct fmt *f, struct subpic *sp)
{
	const unsigned *p = f->p;
	size_t i;
	int k;

	/* getGroupingPositions of the integer part: digits to the right of each separator */
	sp->ngrouping = 0;
	for (i = sp->prefix_end; i < sp->int_end && sp->ngrouping < 64; i++)
		if (p[i] == f->group)
			sp->grouping[sp->ngrouping++] = count_in(f, i, sp->int_end, true);
	sp->regular = 0;
	if (sp->ngrouping > 0) {
		int factor = sp->grouping[0], idx;

		for (k = 1; k < sp->ngrouping; k++)
			factor = gcd(factor, sp->grouping[k]);
		sp->regular = factor;
		for (idx = 1; idx <= sp->ngrouping; idx++) {
			bool found = false;

			for (k = 0; k < sp->ngrouping; k++)
				found = found || sp->grouping[k] == idx * factor;
			if (!found)
				sp->regular = 0;
		}
	}
	/*
	** The fractional part's positions: the reference searches the
	** separators of the fractional part but advances through the integer
	** part's (a quirk kept: it only matters when both have separators).
	*/
	sp->nfgrouping = 0;
	{
		size_t flen = sp->frac_end - sp->frac_start, ilen = sp->int_end - sp->prefix_end;
		long gp = find(p, sp->frac_start, sp->frac_end, f->group);

		if (gp >= 0)
			gp -= (long)sp->frac_start;
		while (gp >= 0 && sp->nfgrouping < 64) {
			size_t upto = (size_t)gp < flen ? (size_t)gp : flen, j;

			sp->fgrouping[sp->nfgrouping++] = count_in(f, sp->frac_start, sp->frac_start + upto, true);
			/* the next: parts.integerPart.indexOf(separator, groupingPosition + 1) */
			for (j = (size_t)gp + 1, gp = -1; j < ilen; j++)
				if (p[sp->prefix_end + j] == f->group) {
					gp = (long)j;
					break;
				}
		}
	}
	sp->min_int = count_in(f, sp->prefix_end, sp->int_end, false);
	sp->scaling = sp->min_int;
	sp->min_frac = count_in(f, sp->frac_start, sp->frac_end, false);
	sp->max_frac = count_in(f, sp->frac_start, sp->frac_end, true);
	if (sp->min_int == 0 && sp->max_frac == 0) {
		if (sp->has_exp) {
			sp->min_frac = 1;
			sp->max_frac = 1;
		} else {
			sp->min_int = 1;
		}
	}
	if (sp->has_exp && sp->min_int == 0 && find(p, sp->prefix_end, sp->int_end, f->digit) >= 0)
		sp->min_int = 1;
	if (sp->min_int == 0 && sp->min_frac == 0)
		sp->min_frac = 1;
	sp->min_exp = sp->has_exp ? count_in(f, sp->exp_start, sp->suffix_start, false) : 0;
	sp->percent = find(p, sp->from, sp->to, f->percent) >= 0;
	sp->permille = find(p, sp->from, sp->to, f->permille) >= 0;
	sp->has_decimal = find(p, sp->from, sp->to, f->dec) >= 0;
}

/* The first character of an option's string, or def. */
static unsigned
option_char(const json_t *o, const char *key, unsigned def)
{
	json_t *v = json_object_get(o, key);
	const unsigned char *u;

	if (!json_is_string(v) || json_string_length(v) == 0)
		return def;
	u = (const unsigned char *)json_string_value(v);
	return aslp_utf8_next(&u);
}

static bool
put_cp(struct aslp_buf *b, unsigned c)
{
	aslp_utf8_put(b, c);
	return !b->oom;
}

static struct jn_v
fn_format_number(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct fmt f;
	struct cps pic = { 0 }, str = { 0 };
	struct subpic sp[2];
	struct aslp_buf out = { 0 };
	const struct subpic *use;
	const json_t *o = argc > 2 ? argv[2].j : NULL;
	const char *err = NULL, *minus;
	double v, adjusted, mantissa, rounded;
	int nsub = 1, exponent = 0, k;
	bool has_exponent;
	size_t i, dpos;
	char digits[400];
	json_t *r;

	if (!DEF(0))
		return undefined();
	f.dec = option_char(o, "decimal-separator", '.');
	f.group = option_char(o, "grouping-separator", ',');
	f.exp = option_char(o, "exponent-separator", 'e');
	f.percent = option_char(o, "percent", '%');
	f.permille = option_char(o, "per-mille", 0x2030);
	f.zero = option_char(o, "zero-digit", '0');
	f.digit = option_char(o, "digit", '#');
	f.sep = option_char(o, "pattern-separator", ';');
	minus = json_is_string(json_object_get(o, "minus-sign")) ?
		json_string_value(json_object_get(o, "minus-sign")) : "-";
	if (!cps_of(&pic, STR(1), LEN(1)))
		goto oom;
	f.p = pic.c;
	sp[0].from = 0;
	sp[0].to = pic.n;
	for (i = 0; i < pic.n; i++)
		if (pic.c[i] == f.sep) {
			if (nsub == 2) {
				free(pic.c);
				return fail(x, "D3080", "The picture string must only contain a maximum of two sub-pictures");
			}
			sp[0].to = i;
			sp[1].from = i + 1;
			sp[1].to = pic.n;
			nsub = 2;
		}
	/* The first sub-picture with an error throws its last one, as validate does. */
	for (k = 0; k < nsub && !err; k++)
		err = split_validate(&f, &sp[k]);
	if (err) {
		static const char *const why[] = {
			"The sub-picture must not contain more than one instance of the 'decimal-separator' character",
			"The sub-picture must not contain more than one instance of the 'percent' character",
			"The sub-picture must not contain more than one instance of the 'per-mille' character",
			"The sub-picture must not contain both a 'percent' and a 'per-mille' character",
			"The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
			"The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
			"The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character",
			"The sub-picture must not contain a 'grouping-separator' at the end of the integer part",
			"The sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
			"The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'",
			"The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'",
			"A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'",
			"The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'",
		};
		int code = atoi(err + 1);	/* D3081 .. D3093 */

		free(pic.c);
		return fail(x, err, "%s", code >= 3081 && code <= 3093 ? why[code - 3081] : err);
	}
	for (k = 0; k < nsub; k++)
		analyse(&f, &sp[k]);
	v = NUM(0);
	use = v >= 0 || nsub == 1 ? &sp[0] : &sp[1];
	adjusted = use->percent ? v * 100 : use->permille ? v * 1000 : v;
	if (!isfinite(adjusted) || use->max_frac > 100) {
		/* The reference writes Infinity or NaN into the picture, or fails (toFixed). */
		free(pic.c);
		return fail(x, "U1017", "aslc cannot format %g with this picture", v);
	}
	has_exponent = use->min_exp != 0;
	if (!has_exponent) {
		mantissa = adjusted;
	} else {
		double maxm = pow(10, use->scaling), minm = pow(10, use->scaling - 1);

		mantissa = adjusted;
		while (mantissa < minm && mantissa != 0 && exponent > -400) {
			mantissa *= 10;
			exponent -= 1;
		}
		while (mantissa > maxm && exponent < 400) {
			mantissa /= 10;
			exponent += 1;
		}
	}
	/* round(mantissa, maximumFactionalPartSize), as $round does */
	{
		struct jn_v a[2] = { made(x, number(mantissa)), made(x, json_integer(use->max_frac)) }, rr;

		rr = fn_round(x, a, 2);
		rounded = num(rr.j);
		json_decref(rr.j);
		json_decref(a[0].j);
		json_decref(a[1].j);
	}
	if (fabs(rounded) >= 1e21)
		aslp_js_number(fabs(rounded), digits);	/* toFixed's own answer there */
	else
		snprintf(digits, sizeof digits, "%.*f", use->max_frac, fabs(rounded));
	/* stringValue with the zero digit and the decimal separator */
	for (i = 0; digits[i]; i++) {
		unsigned c = (unsigned char)digits[i];

		if (c >= '0' && c <= '9')
			c = f.zero + (c - '0');
		else if (c == '.')
			c = f.dec;
		if (!cps_put(&str, c))
			goto oom;
	}
	if (!strchr(digits, '.') && !cps_put(&str, f.dec))
		goto oom;
	/* trim zeros at both ends */
	{
		size_t a = 0, b = str.n;

		while (a < b && str.c[a] == f.zero)
			a++;
		while (b > a && str.c[b - 1] == f.zero)
			b--;
		memmove(str.c, str.c + a, (b - a) * sizeof *str.c);
		str.n = b - a;
	}
	/* pad */
	{
		long pos = find(str.c, 0, str.n, f.dec);
		long left = use->min_int - pos, right = use->min_frac - ((long)str.n - pos - 1);
		struct cps t = { 0 };

		for (; left > 0; left--)
			if (!cps_put(&t, f.zero))
				goto oom2;
		for (i = 0; i < str.n; i++)
			if (!cps_put(&t, str.c[i]))
				goto oom2;
		for (; right > 0; right--)
			if (!cps_put(&t, f.zero))
				goto oom2;
		free(str.c);
		str = t;
		goto padded;
oom2:
		free(t.c);
		goto oom;
	}
padded:
	dpos = (size_t)find(str.c, 0, str.n, f.dec);
	/* grouping: separators inserted one by one, as the reference's slices do */
	{
		int g;

		if (use->regular > 0) {
			int groups = ((int)dpos - 1) / use->regular;

			for (g = 1; g <= groups; g++)
				if (!cps_insert(&str, dpos - (size_t)(g * use->regular), f.group))
					goto oom;
		} else {
			for (g = 0; g < use->ngrouping; g++) {
				long at = (long)dpos - use->grouping[g];

				if (!cps_insert(&str, at < 0 ? 0 : (size_t)at, f.group))
					goto oom;
				dpos++;
			}
		}
		dpos = (size_t)find(str.c, 0, str.n, f.dec);
		for (g = 0; g < use->nfgrouping; g++)
			if (!cps_insert(&str, dpos + 1 + (size_t)use->fgrouping[g], f.group))
				goto oom;
	}
	dpos = (size_t)find(str.c, 0, str.n, f.dec);
	if (!use->has_decimal || dpos == str.n - 1)
		str.n--;	/* the decimal separator goes: the last character */
	/* prefix, the number, the exponent, the suffix */
	if (v < 0 && nsub == 1)
		aslp_buf_put(&out, minus, strlen(minus));
	for (i = use->from; i < use->prefix_end; i++)
		put_cp(&out, f.p[i]);
	for (i = 0; i < str.n; i++)
		put_cp(&out, str.c[i]);
	if (has_exponent) {
		char e[32];
		size_t el;
		long pad;

		snprintf(e, sizeof e, "%d", exponent < 0 ? -exponent : exponent);
		el = strlen(e);
		put_cp(&out, f.exp);
		if (exponent < 0)
			aslp_buf_put(&out, minus, strlen(minus));
		for (pad = use->min_exp - (long)el; pad > 0; pad--)
			put_cp(&out, f.zero);
		for (i = 0; i < el; i++)
			put_cp(&out, f.zero + (unsigned)(e[i] - '0'));
	}
	for (i = use->suffix_start; i < use->to; i++)
		put_cp(&out, f.p[i]);
	free(str.c);
	free(pic.c);
	if (out.oom) {
		free(out.s);
		return fail(x, "U1000", "out of memory");
	}
	r = json_stringn(out.s ? out.s : "", out.len);
	free(out.s);
	return made(x, r);
oom:
	free(str.c);
	free(pic.c);
	free(out.s);
	return fail(x, "U1000", "out of memory");
}

static struct jn_v
fn_format_integer(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r;

	if (!DEF(0))
		return undefined();
	r = aslp_jn_format_integer(NUM(0), STR(1), LEN(1), x->err);
	return r ? value(r) : undefined();
}

static struct jn_v
fn_sqrt(struct jn_cx *x, struct jn_v *argv, int argc)
{
	char t[32];

	if (!DEF(0))
		return undefined();
	if (NUM(0) < 0) {
		aslp_js_number(NUM(0), t);
		return fail(x, "D3060", "The sqrt function cannot be applied to a negative number: %s", t);
	}
	return made(x, number(sqrt(NUM(0))));
}

static struct jn_v
fn_power(struct jn_cx *x, struct jn_v *argv, int argc)
{
	double r;
	char b[32], e[32];

	if (!DEF(0))
		return undefined();
	r = pow(NUM(0), DEF(1) ? NUM(1) : NAN);
	if (!isfinite(r)) {
		aslp_js_number(NUM(0), b);
		if (DEF(1))
			aslp_js_number(NUM(1), e);
		return fail(x, "D3061", "The power function has resulted in a value that cannot be represented as a JSON number: base=%s, exponent=%s",
			    b, DEF(1) ? e : "undefined");
	}
	return made(x, number(r));
}

/* JSONata's truthiness. */
static bool
truthy(const json_t *v)
{
	size_t i;

	switch (json_typeof(v)) {
	case JSON_ARRAY:
		if (json_array_size(v) == 1)
			return truthy(json_array_get(v, 0));
		for (i = 0; i < json_array_size(v); i++)
			if (truthy(json_array_get(v, i)))
				return true;
		return false;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
	case JSON_REAL:
		return num(v) != 0;
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	case JSON_TRUE:
		return true;
	default:
		return false;
	}
}

static struct jn_v
fn_boolean(struct jn_cx *x, struct jn_v *argv, int argc)
{
	(void)x;
	if (argc > 0 && argv[0].fn)
		return value(json_boolean(aslp_jn_fn_truthy(argv[0].fn)));
	return DEF(0) ? value(json_boolean(truthy(argv[0].j))) : undefined();
}

static struct jn_v
fn_not(struct jn_cx *x, struct jn_v *argv, int argc)
{
	(void)x;
	if (argc > 0 && argv[0].fn)
		return value(json_boolean(!aslp_jn_fn_truthy(argv[0].fn)));
	return DEF(0) ? value(json_boolean(!truthy(argv[0].j))) : undefined();
}

static struct jn_v
fn_exists(struct jn_cx *x, struct jn_v *argv, int argc)
{
	(void)x;
	return value(json_boolean(DEF(0) || (argc > 0 && argv[0].fn)));
}

static struct jn_v
fn_type(struct jn_cx *x, struct jn_v *argv, int argc)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "object", [JSON_ARRAY] = "array", [JSON_STRING] = "string",
		[JSON_INTEGER] = "number", [JSON_REAL] = "number", [JSON_TRUE] = "boolean",
		[JSON_FALSE] = "boolean", [JSON_NULL] = "null",
	};

	if (argc > 0 && argv[0].fn)
		return made(x, json_string("function"));
	return DEF(0) ? made(x, json_string(names[json_typeof(argv[0].j)])) : undefined();
}

/* The names of v's members, or of its items' (each once), in order. */
static void
keys_of(struct jn_cx *x, const json_t *v, json_t *out)
{
	struct key *k;
	size_t i, j, n;

	if (json_is_array(v)) {
		json_t *all = json_object();

		for (i = 0; i < json_array_size(v); i++) {
			json_t *ks = json_array();

			keys_of(x, json_array_get(v, i), ks);
			for (j = 0; j < json_array_size(ks); j++)
				if (json_object_set(all, json_string_value(json_array_get(ks, j)),
						    json_true()))
					oom(x);
			json_decref(ks);
		}
		keys_of(x, all, out);
		json_decref(all);
		return;
	}
	if (!json_is_object(v))
		return;
	if (!(k = js_keys(v, &n)))
		oom(x);
	for (i = 0; k && i < n; i++)
		put_new(x, out, json_string(k[i].k));
	free(k);
}

static struct jn_v
fn_keys(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r = json_array();

	if (DEF(0))
		keys_of(x, argv[0].j, r);
	return built(x, r, true);
}

static struct jn_v
lookup(struct jn_cx *x, json_t *in, const char *key)
{
	size_t i, j;

	if (json_is_array(in)) {
		json_t *r = json_array();

		for (i = 0; i < json_array_size(in); i++) {
			struct jn_v v = lookup(x, json_array_get(in, i), key);

			if (json_is_array(v.j)) {
				for (j = 0; j < json_array_size(v.j); j++)
					put(x, r, json_array_get(v.j, j));
				json_decref(v.j);
			} else if (v.j) {
				put_new(x, r, v.j);
			}
		}
		return built(x, r, true);
	}
	if (json_is_object(in))
		return value(json_incref(json_object_get(in, key)));
	return undefined();
}

static struct jn_v
fn_lookup(struct jn_cx *x, struct jn_v *argv, int argc)
{
	if (!DEF(0))
		return undefined();
	return lookup(x, argv[0].j, DEF(1) ? STR(1) : "undefined");
}

static struct jn_v
fn_merge(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r;
	size_t i;

	if (!DEF(0))
		return undefined();
	r = json_object();
	for (i = 0; i < json_array_size(argv[0].j); i++) {
		json_t *o = json_array_get(argv[0].j, i);
		struct key *k;
		size_t j, n;

		if (!(k = js_keys(o, &n)))
			oom(x);
		for (j = 0; k && j < n; j++)
			if (json_object_set(r, k[j].k, json_object_get(o, k[j].k)))
				oom(x);
		free(k);
	}
	return built(x, r, false);
}

static struct jn_v
fn_append(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r;

	int i;

	if (!DEF(0))
		return DEF(1) ? keep(argv[1]) : undefined();
	if (!DEF(1))
		return keep(argv[0]);
	r = json_array();
	for (i = 0; i < 2; i++)
		if (json_is_array(argv[i].j) ? json_array_extend(r, argv[i].j) :
		    json_array_append(r, argv[i].j))
			oom(x);
	return built(x, r, false);	/* concat: an array, not a sequence */
}

static struct jn_v
fn_reverse(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r;
	size_t i, n;

	if (!DEF(0))
		return undefined();
	if ((n = json_array_size(argv[0].j)) <= 1)
		return keep(argv[0]);
	r = json_array();
	for (i = n; i > 0; i--)
		put(x, r, json_array_get(argv[0].j, i - 1));
	return built(x, r, false);
}

static struct jn_v
fn_distinct(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r;
	size_t i, j;

	if (!DEF(0))
		return undefined();
	if (!json_is_array(argv[0].j) || json_array_size(argv[0].j) <= 1)
		return keep(argv[0]);
	r = json_array();
	for (i = 0; i < json_array_size(argv[0].j); i++) {
		json_t *v = json_array_get(argv[0].j, i);

		for (j = 0; j < json_array_size(r); j++)
			if (aslp_json_equal(v, json_array_get(r, j)))
				break;
		if (j == json_array_size(r))
			put(x, r, v);
	}
	return built(x, r, argv[0].seq);
}

static struct jn_v
fn_contains(struct jn_cx *x, struct jn_v *argv, int argc)
{
	if (!DEF(0))
		return undefined();
	if (!DEF(1) || !json_is_string(argv[1].j))
		return fail(x, "S0000", "aslc: $contains with a regular expression is not supported yet");
	return value(json_boolean(strstr(STR(0), STR(1)) != NULL));
}

/* Is argument i a negative limit? Then fail with code. */
static bool
negative_limit(struct jn_cx *x, struct jn_v *argv, int argc, int i, const char *code,
	       const char *what)
{
	if (!DEF(i) || !(NUM(i) < 0))
		return false;
	fail(x, code, "%s", what);
	return true;
}

static struct jn_v
fn_split(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r;
	const char *s, *sep, *hit;
	size_t slen, seplen, *at, n, i;
	double limit;

	if (!DEF(0))
		return undefined();
	if (negative_limit(x, argv, argc, 2, "D3020",
			   "Third argument of split function must evaluate to a positive number"))
		return undefined();
	if (!DEF(1) || !json_is_string(argv[1].j))
		return fail(x, "S0000", "aslc: $split with a regular expression is not supported yet");
	r = json_array();
	limit = DEF(2) ? integer(NUM(2)) : INFINITY;
	if (!(limit > 0))
		return built(x, r, false);
	s = STR(0), slen = LEN(0), sep = STR(1), seplen = LEN(1);
	if (seplen == 0) {	/* String.prototype.split(""): each character */
		if (!(at = code_points(s, slen, &n)))
			oom(x);
		for (i = 0; at && i < n && (double)i < limit; i++)
			put_new(x, r, json_stringn_nocheck(s + at[i], at[i + 1] - at[i]));
		free(at);
		return built(x, r, false);
	}
	while (r && (double)json_array_size(r) < limit) {
		hit = strstr(s, sep);
		if (!hit) {
			put_new(x, r, json_stringn_nocheck(s, slen));
			break;
		}
		put_new(x, r, json_stringn_nocheck(s, (size_t)(hit - s)));
		slen -= (size_t)(hit - s) + seplen;
		s = hit + seplen;
	}
	return built(x, r, false);
}

static struct jn_v
fn_replace(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct aslp_buf b = { 0 };
	const char *s, *pat, *hit;
	double limit, count = 0;

	if (!DEF(0))
		return undefined();
	if (DEF(1) && json_is_string(argv[1].j) && LEN(1) == 0)
		return fail(x, "D3010", "Second argument of replace function cannot be an empty string");
	if (negative_limit(x, argv, argc, 3, "D3011",
			   "Fourth argument of replace function must evaluate to a positive number"))
		return undefined();
	if (!DEF(1) || !json_is_string(argv[1].j) || !DEF(2) || !json_is_string(argv[2].j))
		return fail(x, "S0000", "aslc: $replace with a regular expression or a function is not supported yet");
	limit = DEF(3) ? NUM(3) : INFINITY;
	if (!(limit > 0))
		return keep(argv[0]);
	s = STR(0), pat = STR(1);
	while (count < limit && (hit = strstr(s, pat)) != NULL) {
		aslp_buf_put(&b, s, (size_t)(hit - s));
		aslp_buf_put(&b, STR(2), LEN(2));
		s = hit + LEN(1);
		count++;
	}
	aslp_buf_put(&b, s, strlen(s));
	return buf_text(x, &b, 0);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* btoa: each character's low byte (a "binary" string), in base 64. */
static struct jn_v
fn_base64encode(struct jn_cx *x, struct jn_v *argv, int argc)
{
	const unsigned char *s, *end;
	size_t i, n = 0, len;
	unsigned char *bytes;
	struct aslp_buf b = { 0 };

	if (!DEF(0))
		return undefined();
	s = (const unsigned char *)STR(0);
	len = LEN(0);
	if (!(bytes = malloc(len + 1)))
		return oom(x);
	for (end = s + len; s < end;) {	/* each UTF-16 unit's low byte */
		unsigned cp = aslp_utf8_next(&s);

		if (cp >= 0x10000) {	/* two units */
			bytes[n++] = (unsigned char)((0xd800 + ((cp - 0x10000) >> 10)) & 0xff);
			cp = 0xdc00 + ((cp - 0x10000) & 0x3ff);
		}
		bytes[n++] = (unsigned char)(cp & 0xff);
	}
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)bytes[i] << 16 | (i + 1 < n ? (unsigned)bytes[i + 1] << 8 : 0) |
			     (i + 2 < n ? bytes[i + 2] : 0);
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63],
			      i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };

		aslp_buf_put(&b, q, 4);
	}
	free(bytes);
	return buf_text(x, &b, 0);
}

/* Buffer.from(s, 'base64').toString('binary'): bytes as U+0000..U+00FF. */
static struct jn_v
fn_base64decode(struct jn_cx *x, struct jn_v *argv, int argc)
{
	const char *s;
	unsigned v = 0;
	int bits = 0;
	struct aslp_buf b = { 0 };

	if (!DEF(0))
		return undefined();
	for (s = STR(0); *s; s++) {
		const char *d;
		int k;

		if (*s == '=')
			break;
		if (*s == '-' || *s == '_')	/* Node reads base64url too */
			k = *s == '-' ? 62 : 63;
		else if ((d = strchr(b64, *s)) != NULL && *s)
			k = (int)(d - b64);
		else
			continue;	/* Node skips what is not base 64 */
		v = v << 6 | (unsigned)k;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			aslp_utf8_put(&b, v >> bits & 0xff);	/* a byte is U+0000..U+00FF */
		}
	}
	return buf_text(x, &b, 0);
}

/* encodeURI(Component): UTF-8 bytes as %XX but for those characters. */
static struct jn_v
encode_url(struct jn_cx *x, struct jn_v *argv, int argc, const char *keep_these)
{
	const unsigned char *s;
	struct aslp_buf b = { 0 };
	size_t i;

	if (!DEF(0))
		return undefined();
	s = (const unsigned char *)STR(0);
	for (i = 0; i < LEN(0); i++) {
		char e[4];

		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || (s[i] && strchr(keep_these, s[i]))) {
			aslp_buf_put(&b, (const char *)s + i, 1);
		} else {
			snprintf(e, sizeof e, "%%%02X", s[i]);
			aslp_buf_put(&b, e, 3);
		}
	}
	return buf_text(x, &b, 0);
}

static struct jn_v
fn_encode_url_component(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return encode_url(x, argv, argc, "-_.!~*'()");
}

static struct jn_v
fn_encode_url(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return encode_url(x, argv, argc, "-_.!~*'();/?:@&=+$,#");
}

static int
hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
** decodeURI(Component): %XX sequences that spell UTF-8 characters, but
** (decodeURI) those that spell one of reserved; a malformed one is D3140.
*/
static struct jn_v
decode_url(struct jn_cx *x, struct jn_v *argv, int argc, const char *reserved, const char *name)
{
	const char *s;
	struct aslp_buf b = { 0 };
	size_t i, len;

	if (!DEF(0))
		return undefined();
	s = STR(0), len = LEN(0);
	for (i = 0; i < len; i++) {
		unsigned char u[4];
		int k, need, c;

		if (s[i] != '%') {
			aslp_buf_put(&b, s + i, 1);
			continue;
		}
		if (i + 2 >= len || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0)
			goto bad;
		c = hex(s[i + 1]) * 16 + hex(s[i + 2]);
		need = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			(c & 0xf8) == 0xf0 ? 4 : 0;
		if (!need)
			goto bad;
		u[0] = (unsigned char)c;
		for (k = 1; k < need; k++) {
			size_t j = i + 3 * (size_t)k;

			if (j + 2 >= len || s[j] != '%' || hex(s[j + 1]) < 0 || hex(s[j + 2]) < 0)
				goto bad;
			u[k] = (unsigned char)(hex(s[j + 1]) * 16 + hex(s[j + 2]));
			if ((u[k] & 0xc0) != 0x80)
				goto bad;
		}
		if (need > 1) {	/* no overlong form, no surrogate */
			char t[5] = { (char)u[0], (char)u[1], (char)u[2], (char)u[3], 0 };

			t[need] = '\0';
			if (!aslp_utf8_valid(t))
				goto bad;
		}
		if (need == 1 && strchr(reserved, c) && c)
			aslp_buf_put(&b, s + i, 3);	/* decodeURI keeps these escaped */
		else
			aslp_buf_put(&b, (const char *)u, (size_t)need);
		i += 3 * (size_t)need - 1;
	}
	return buf_text(x, &b, 0);
bad:
	free(b.s);
	{
		char *t = aslp_jn_stringify(argv[0].j, false);

		fail(x, "D3140", "Malformed URL passed to $%s(): %s", name, t ? t : "");
		free(t);
	}
	return undefined();
}

static struct jn_v
fn_decode_url_component(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return decode_url(x, argv, argc, "", "decodeUrlComponent");
}

static struct jn_v
fn_decode_url(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return decode_url(x, argv, argc, ";/?:@&=+$,#", "decodeUrl");
}

/* JSONata's $round, for $formatBase. */
static double
round_even(double d)
{
	double r = floor(d + 0.5);

	if (fabs(r - d) == 0.5 && fmod(fabs(r), 2) == 1)
		r -= 1;
	return r;
}

static struct jn_v
fn_format_base(struct jn_cx *x, struct jn_v *argv, int argc)
{
	double v, radix = 10;
	char buf[1100], t[32];
	int k = 0, i;

	if (!DEF(0))
		return undefined();
	v = round_even(NUM(0));
	if (DEF(1))
		radix = round_even(NUM(1));
	if (radix < 2 || radix > 36) {
		aslp_js_number(radix, t);
		return fail(x, "D3100", "The radix of the formatBase function must be between 2 and 36.  It was given %s", t);
	}
	if (radix == 10 || fabs(v) >= 9007199254740992.0) {
		if (radix != 10)
			return fail(x, "S0000", "aslc: $formatBase of a number beyond 2^53 is not supported yet");
		aslp_js_number(v, buf);
		return made(x, json_string(buf));
	}
	{
		unsigned long long u = (unsigned long long)fabs(v);
		char digits[70];
		int n = 0;

		do
			digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[u % (unsigned)radix];
		while ((u /= (unsigned)radix) != 0);
		if (v < 0)
			buf[k++] = '-';
		for (i = n - 1; i >= 0; i--)
			buf[k++] = digits[i];
		buf[k] = '\0';
	}
	return made(x, json_string(buf));
}

static struct jn_v
fn_zip(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r = json_array();
	size_t n = SIZE_MAX, i;
	int k;

	for (k = 0; k < argc; k++)
		if (json_array_size(argv[k].j) < n)
			n = json_array_size(argv[k].j);
	if (argc == 0)
		n = 0;
	for (i = 0; i < n; i++) {
		json_t *t = json_array();

		for (k = 0; k < argc; k++)
			put(x, t, json_array_get(argv[k].j, i));
		put_new(x, r, t);
	}
	return built(x, r, false);
}

/* a > b, as JavaScript compares two numbers or two strings. */
static bool
greater(const json_t *a, const json_t *b)
{
	if (json_is_number(a))
		return num(a) > num(b);
	return aslp_string_compare(json_string_value(a), json_string_length(a),
				   json_string_value(b), json_string_length(b)) > 0;
}

/* The reference's merge sort: stable, the right item first only if smaller. */
static void
merge_sort(json_t **v, json_t **tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n <= 1)
		return;
	merge_sort(v, tmp, mid);
	merge_sort(v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = greater(v[i], v[j]) ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

static struct jn_v
fn_sort(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t **v, **tmp, *r;
	size_t i, n;
	bool nums = true, strs = true;

	if (!DEF(0))
		return undefined();
	if (DEF(1))
		return fail(x, "S0000", "aslc: $sort with a function is not supported yet");
	if ((n = json_array_size(argv[0].j)) <= 1)
		return keep(argv[0]);
	for (i = 0; i < n; i++) {
		nums &= json_is_number(json_array_get(argv[0].j, i));
		strs &= json_is_string(json_array_get(argv[0].j, i));
	}
	if (!nums && !strs)
		return fail(x, "D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function");
	v = malloc(sizeof *v * n);
	tmp = malloc(sizeof *tmp * n);
	r = json_array();
	if (v && tmp) {
		for (i = 0; i < n; i++)
			v[i] = json_array_get(argv[0].j, i);
		merge_sort(v, tmp, n);
		for (i = 0; i < n; i++)
			put(x, r, v[i]);
	} else {
		oom(x);
	}
	free(v);
	free(tmp);
	return built(x, r, false);
}

static void
spread_into(struct jn_cx *x, json_t *r, const json_t *v)
{
	size_t i, n;
	struct key *k;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			spread_into(x, r, json_array_get(v, i));
		return;
	}
	if (!json_is_object(v)) {
		put(x, r, (json_t *)v);
		return;
	}
	if (!(k = js_keys(v, &n)))
		oom(x);
	for (i = 0; k && i < n; i++)
		put_new(x, r, json_pack("{s:O}", k[i].k, json_object_get(v, k[i].k)));
	free(k);
}

static struct jn_v
fn_spread(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *r;

	if (!DEF(0))
		return undefined();
	if (!json_is_array(argv[0].j) && !json_is_object(argv[0].j))
		return keep(argv[0]);
	r = json_array();
	spread_into(x, r, argv[0].j);
	/* An array's items are appended (concat: an array) if it has any. */
	return built(x, r, !(json_is_array(argv[0].j) && json_array_size(argv[0].j) > 0));
}

/* ---- the library ---- */

static const struct jn_builtin library[] = {
	{ "sum", "<a<n>:n>", fn_sum },
	{ "count", "<a:n>", fn_count },
	{ "max", "<a<n>:n>", fn_max },
	{ "min", "<a<n>:n>", fn_min },
	{ "average", "<a<n>:n>", fn_average },
	{ "string", "<x-b?:s>", fn_string },
	{ "substring", "<s-nn?:s>", fn_substring },
	{ "substringBefore", "<s-s:s>", fn_substring_before },
	{ "substringAfter", "<s-s:s>", fn_substring_after },
	{ "lowercase", "<s-:s>", fn_lowercase },
	{ "uppercase", "<s-:s>", fn_uppercase },
	{ "length", "<s-:n>", fn_length },
	{ "trim", "<s-:s>", fn_trim },
	{ "pad", "<s-ns?:s>", fn_pad },
	{ "join", "<a<s>s?:s>", fn_join },
	{ "number", "<(nsb)-:n>", fn_number },
	{ "floor", "<n-:n>", fn_floor },
	{ "ceil", "<n-:n>", fn_ceil },
	{ "round", "<n-n?:n>", fn_round },
	{ "abs", "<n-:n>", fn_abs },
	{ "sqrt", "<n-:n>", fn_sqrt },
	{ "power", "<n-n:n>", fn_power },
	{ "boolean", "<x-:b>", fn_boolean },
	{ "not", "<x-:b>", fn_not },
	{ "keys", "<x-:a<s>>", fn_keys },
	{ "lookup", "<x-s:x>", fn_lookup },
	{ "append", "<xx:a>", fn_append },
	{ "exists", "<x:b>", fn_exists },
	{ "merge", "<a<o>:o>", fn_merge },
	{ "reverse", "<a:a>", fn_reverse },
	{ "type", "<x:s>", fn_type },
	{ "distinct", "<x:x>", fn_distinct },
	{ "contains", "<s-(sf):b>", fn_contains },
	{ "split", "<s-(sf)n?:a<s>>", fn_split },
	{ "replace", "<s-(sf)(sf)n?:s>", fn_replace },
	{ "base64encode", "<s-:s>", fn_base64encode },
	{ "base64decode", "<s-:s>", fn_base64decode },
	{ "encodeUrlComponent", "<s-:s>", fn_encode_url_component },
	{ "encodeUrl", "<s-:s>", fn_encode_url },
	{ "decodeUrlComponent", "<s-:s>", fn_decode_url_component },
	{ "decodeUrl", "<s-:s>", fn_decode_url },
	{ "formatBase", "<n-n?:s>", fn_format_base },
	{ "formatNumber", "<n-so?:s>", fn_format_number },
	{ "formatInteger", "<n-s:s>", fn_format_integer },
	{ "zip", "<a+>", fn_zip },
	{ "sort", "<af?:a>", fn_sort },
	{ "spread", "<x-:a<o>>", fn_spread },
};

const struct jn_builtin *
aslp_jn_builtin(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof library / sizeof library[0]; i++)
		if (library[i].name[0] == name[0] && strcmp(library[i].name, name) == 0)
			return &library[i];
	return NULL;
}

/* ---- signatures ---- */

/* One parameter of a signature: the types it takes, and how many. */
struct param {
	char types[12];		/* symbols it matches: "sm" */
	char type;		/* s n b l o a f j x, or '(' for a choice */
	char quant;		/* 0, '?' or '+' */
	bool context;		/* '-': the context stands in when left out */
	char subtype;		/* a<n>: 'n' */
};

/* The symbol of a value's type, as the reference's getSymbol. */
static char
symbol(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: return 's';
	case JSON_INTEGER:
	case JSON_REAL: return 'n';
	case JSON_TRUE:
	case JSON_FALSE: return 'b';
	case JSON_NULL: return v ? 'l' : 'm';
	case JSON_ARRAY: return 'a';
	default: return 'o';
	}
}

static int
parse_params(const char *sig, struct param *p, int max)
{
	int n = 0, depth;
	const char *s, *end;
	static const struct {
		char type;
		const char *types;
	} classes[] = {
		{ 's', "sm" }, { 'n', "nm" }, { 'b', "bm" }, { 'l', "lm" }, { 'o', "om" },
		{ 'a', "asnblfom" }, { 'f', "f" }, { 'j', "asnblom" }, { 'x', "asnblfom" },
	};
	size_t i;

	for (s = sig + 1; *s && *s != ':' && *s != '>' && n < max; s++) {
		switch (*s) {
		case '-':
			if (n)
				p[n - 1].context = true;
			break;
		case '?':
		case '+':
			if (n)
				p[n - 1].quant = *s;
			break;
		case '(':
			if (!(end = strchr(s, ')')))
				return n;	/* unclosed: the parameters read so far */
			memset(&p[n], 0, sizeof p[n]);
			p[n].type = '(';
			snprintf(p[n].types, sizeof p[n].types, "%.*sm", (int)(end - s - 1), s + 1);
			n++;
			s = end;
			break;
		case '<':
			for (depth = 1, end = s + 1; *end && depth; end++)
				depth += *end == '<' ? 1 : *end == '>' ? -1 : 0;
			if (n)
				p[n - 1].subtype = s[1];
			s = end - 1;
			break;
		default:
			for (i = 0; i < sizeof classes / sizeof classes[0]; i++)
				if (classes[i].type == *s) {
					memset(&p[n], 0, sizeof p[n]);
					p[n].type = *s;
					strcpy(p[n].types, classes[i].types);
					n++;
				}
		}
	}
	return n;
}

/*
** Match the type symbols sig[at..] against params k.. as the reference's
** regular expression does (greedy, backtracking): len[k] gets how many
** symbols each takes. whole: to the end of sig, else any prefix. Returns
** the end of the first match, or -1.
*/
static int
match_params(const struct param *p, int np, int k, const char *sig, int at, bool whole,
	     int *len)
{
	int most, n, r;
	bool optional;

	if (k == np)
		return !whole || sig[at] == '\0' ? at : -1;
	optional = p[k].quant == '?' || p[k].context;
	for (most = 0; sig[at + most] && strchr(p[k].types, sig[at + most]) &&
	     (p[k].quant == '+' || most < 1); most++)
		;
	for (n = most; n >= (optional ? 0 : 1); n--) {
		len[k] = n;
		if ((r = match_params(p, np, k + 1, sig, at + n, whole, len)) >= 0)
			return r;
	}
	return -1;
}

static void
release(struct jn_v *v, int n)
{
	while (n-- > 0)
		aslp_jn_unref(v[n]);
}

/* Is v (of type symbol t) fit for an array of sub? As the reference checks. */
static bool
array_of(const json_t *v, char t, char sub)
{
	size_t j;

	if (t != 'a')
		return t == sub;
	for (j = 0; j < json_array_size(v); j++)
		if (symbol(json_array_get(v, j)) != sub)
			return false;
	return true;
}

static const char *
plural(char c)
{
	switch (c) {
	case 'a': return "arrays";
	case 'b': return "booleans";
	case 'f': return "functions";
	case 'n': return "numbers";
	case 'o': return "objects";
	case 's': return "strings";
	default: return "undefined";
	}
}

/* Add v (consumed) to the 16 places of args; false past them. */
static bool
push_arg(struct jn_v *args, int *n, struct jn_v v)
{
	if (*n >= 16) {
		aslp_jn_unref(v);
		return false;
	}
	args[(*n)++] = v;
	return true;
}

int
aslp_jn_validate(const char *sig_text, const char *name, const struct jn_v *argv, int argc,
		 struct jn_v context, struct jn_v *args, struct jn_err *err)
{
	struct param p[16];
	int np = parse_params(sig_text, p, 16), len[16], i, k, at = 0, n = 0;

	char sig[17];
	struct jn_cx x = { err, name, NULL, { 0 } };

	if (argc > 16)
		return fail(&x, "U1012", "aslc calls a function with at most 16 arguments"), -1;

	for (i = 0; i < argc; i++)
		sig[i] = argv[i].fn ? 'f' : symbol(argv[i].j);
	sig[argc] = '\0';
	if (match_params(p, np, 0, sig, 0, true, len) < 0) {
		/* Where it went wrong: the longest run of parameters that matches. */
		int good = 0, prefix[16];

		for (k = 1; k <= np; k++) {
			int e = match_params(p, k, 0, sig, 0, false, prefix);

			if (e < 0)
				break;
			good = e;
		}
		fail(&x, "T0410", "Argument %d of function \"%s\" does not match function signature",
		     good + 1, name);
		return -1;
	}
	for (k = 0; k < np; k++) {
		if (len[k] == 0) {
			if (p[k].context) {
				char c = context.fn ? 'f' : symbol(context.j);

				if (!strchr(p[k].types, c)) {
					release(args, n);
					fail(&x, "T0411", "Context value is not a compatible type with argument %d of function \"%s\"",
					     at + 1, name);
					return -1;
				}
				if (!push_arg(args, &n, keep(context)))
					goto too_many;
			} else {
				if (!push_arg(args, &n, at < argc ? keep(argv[at]) : undefined()))
					goto too_many;
				at++;
			}
			continue;
		}
		for (i = 0; i < len[k]; i++, at++) {
			struct jn_v a = argv[at];

			if (p[k].type != 'a') {
				if (!push_arg(args, &n, keep(a)))
					goto too_many;
				continue;
			}
			if (sig[at] == 'm') {
				if (!push_arg(args, &n, undefined()))
					goto too_many;
				continue;
			}
			if (p[k].subtype && !array_of(a.j, sig[at], p[k].subtype)) {
				release(args, n);
				fail(&x, "T0412", "Argument %d of function \"%s\" must be an array of \"%s\"",
				     at + 1, name, plural(p[k].subtype));
				return -1;
			}
			if (sig[at] == 'f') {
				release(args, n);
				fail(&x, "U1001", "aslc cannot make an array of a function given where an array goes");
				return -1;
			}
			if (sig[at] != 'a') {	/* a value where an array goes: [value] */
				a = value(json_array());
				if (!a.j || json_array_append(a.j, argv[at].j)) {
					json_decref(a.j);
					release(args, n);
					fail(&x, "U1000", "out of memory");
					return -1;
				}
				if (!push_arg(args, &n, a))
					goto too_many;
			} else {
				if (!push_arg(args, &n, keep(a)))
					goto too_many;
			}
		}
	}
	return n;
too_many:
	release(args, n);
	fail(&x, "U1012", "aslc calls a function with at most 16 arguments");
	return -1;
}

int
aslp_jn_arity(const struct jn_builtin *b)
{
	struct param p[16];

	/* string(arg, prettify = false): a default leaves it out of length. */
	if (strcmp(b->name, "string") == 0)
		return 1;
	return parse_params(b->signature, p, 16);
}

struct jn_v
aslp_jn_call(const struct jn_builtin *b, const struct jn_v *argv, int argc, struct jn_v context,
	     struct jn_err *err)
{
	struct jn_v args[16], r;
	struct jn_cx x = { err, b->name, NULL, { 0 } };
	int n;

	memset(err, 0, sizeof *err);
	if ((n = aslp_jn_validate(b->signature, b->name, argv, argc, context, args, err)) < 0)
		return undefined();
	r = b->fn(&x, args, n);
	release(args, n);
	return r;
}

/* ---- for the evaluator ---- */

bool
aslp_jn_truthy(struct jn_v v)
{
	if (v.fn)
		return aslp_jn_fn_truthy(v.fn);
	return v.j && truthy(v.j);
}

json_t *
aslp_jn_number(double d)
{
	return number(d);
}

json_t *
aslp_jn_string(const json_t *v, struct jn_err *err)
{
	struct jn_cx x = { err, "string", NULL, { 0 } };
	struct jn_v a = value((json_t *)v), r;

	r = fn_string(&x, &a, 1);
	return r.j;
}

const char **
aslp_jn_keys(const json_t *o, size_t *n)
{
	struct key *k = js_keys(o, n);
	const char **names;
	size_t i;

	if (!k)
		return NULL;
	names = malloc(sizeof *names * (*n + 1));
	for (i = 0; names && i < *n; i++)
		names[i] = k[i].k;
	free(k);
	return names;
}

bool
aslp_jn_equal(const json_t *a, const json_t *b)
{
	const char *name;
	json_t *m;
	size_t i;

	if (a == b)
		return true;
	if (!a || !b)
		return false;
	if (json_is_number(a) && json_is_number(b))
		return num(a) == num(b);
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (i = 0; i < json_array_size(a); i++)
			if (!aslp_jn_equal(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach((json_t *)a, name, m)
			if (!aslp_jn_equal(m, json_object_get(b, name)))
				return false;
		return true;
	default:
		return true;	/* true, false, null */
	}
}
