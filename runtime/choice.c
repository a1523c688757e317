/*
** choice.c - the comparisons of Choice rules, and timestamps.
**
** Every comparison is typed: a value of the wrong type makes the rule
** false, never an error. Only a Variable (or operand path) that selects
** nothing is an error, States.Runtime, and it is sticky: once recorded,
** every later comparison returns 0 at once, so generated code can write a
** whole rule, And/Or/Not included, as one C expression and test
** asl_failed() after it.
** Timestamps (timeparse.c) compare as instants.
*/
#include "aslrt_int.h"

#include <stdlib.h>
#include <string.h>

bool
aslp_is_timestamp(const json_t *v, asl_time *t)
{
	asl_time tmp;

	if (!json_is_string(v))
		return false;
	return asl_parse_time(json_string_value(v), json_string_length(v),
			      t ? t : &tmp) == 0;
}

int
asl_failed(asl_ctx *ctx)
{
	return ctx->failed;
}

/*
** The value a rule tests, as a new reference; NULL when the path selects
** nothing. Unless optional, that is the error of a missing Variable.
*/
static json_t *
variable(asl_ctx *ctx, json_t *v, const asl_path *var, bool optional)
{
	json_t *x;

	if (ctx->failed)
		return NULL;
	x = aslp_path_get(ctx, var, v, NULL);
	if (!x && !optional)
		aslp_fail_state(ctx, "States.Runtime",
				"Invalid path '%s': The choice state's condition path references an invalid value.",
				var->text);
	return x;
}

static int
test(int cmp, int c)
{
	switch (cmp) {
	case ASL_EQ: return c == 0;
	case ASL_LT: return c < 0;
	case ASL_GT: return c > 0;
	case ASL_LE: return c <= 0;
	default: return c >= 0;
	}
}

/* Where a code point sorts among UTF-16 code units (Java's compareTo). */
static unsigned
utf16_key(unsigned c)
{
	if (c >= 0x10000)
		return 0xd800 + ((c - 0x10000) >> 10);	/* its high surrogate */
	return c;
}

int
aslp_string_compare(const char *a, size_t alen, const char *b, size_t blen)
{
	const unsigned char *p = (const unsigned char *)a, *pe = p + alen;
	const unsigned char *q = (const unsigned char *)b, *qe = q + blen;

	while (p < pe && q < qe) {
		unsigned x, y;

		if (*p == *q && *p < 0x80) {
			p++, q++;
			continue;
		}
		x = aslp_utf8_next(&p);
		y = aslp_utf8_next(&q);
		if (x == y)
			continue;
		if (utf16_key(x) != utf16_key(y))
			return utf16_key(x) < utf16_key(y) ? -1 : 1;
		/* Both supplementary with one high surrogate: low ones decide. */
		return x < y ? -1 : 1;
	}
	return (p < pe) - (q < qe);
}

int
asl_is_null(asl_ctx *ctx, json_t *v, const asl_path *var)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && json_is_null(x);

	json_decref(x);
	return r;
}

int
asl_is_present(asl_ctx *ctx, json_t *v, const asl_path *var)
{
	json_t *x = variable(ctx, v, var, true);
	int r = x != NULL;

	json_decref(x);
	return r;
}

int
asl_is_numeric(asl_ctx *ctx, json_t *v, const asl_path *var)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && json_is_number(x);

	json_decref(x);
	return r;
}

int
asl_is_string(asl_ctx *ctx, json_t *v, const asl_path *var)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && json_is_string(x);

	json_decref(x);
	return r;
}

int
asl_is_boolean(asl_ctx *ctx, json_t *v, const asl_path *var)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && json_is_boolean(x);

	json_decref(x);
	return r;
}

int
asl_is_timestamp(asl_ctx *ctx, json_t *v, const asl_path *var)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && aslp_is_timestamp(x, NULL);

	json_decref(x);
	return r;
}

int
asl_string_cmp(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
	       const char *s, size_t len)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && json_is_string(x) &&
		test(cmp, aslp_string_compare(json_string_value(x),
					 json_string_length(x), s, len));

	json_decref(x);
	return r;
}

static int
number_compare(const json_t *x, const json_t *y)
{
	double a, b;

	if (json_is_integer(x) && json_is_integer(y)) {
		json_int_t i = json_integer_value(x), j = json_integer_value(y);

		return i < j ? -1 : i > j;
	}
	a = aslp_number(x);
	b = aslp_number(y);
	return a < b ? -1 : a > b;
}

int
asl_numeric_cmp_int(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		    int64_t k)
{
	json_t *x = variable(ctx, v, var, false);
	int r = 0;

	if (x && json_is_integer(x)) {
		json_int_t i = json_integer_value(x);

		r = test(cmp, i < k ? -1 : i > k);
	} else if (x && json_is_real(x)) {
		double d = json_real_value(x), e = (double)k;

		r = test(cmp, d < e ? -1 : d > e);
	}
	json_decref(x);
	return r;
}

int
asl_numeric_cmp_real(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		     double k)
{
	json_t *x = variable(ctx, v, var, false);
	int r = 0;

	if (x && json_is_number(x)) {
		double d = aslp_number(x);

		r = test(cmp, d < k ? -1 : d > k);
	}
	json_decref(x);
	return r;
}

int
asl_boolean_eq(asl_ctx *ctx, json_t *v, const asl_path *var, int b)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && json_is_boolean(x) && json_is_true(x) == (b != 0);

	json_decref(x);
	return r;
}

static int
time_compare(const asl_time *a, const asl_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	return a->nsec < b->nsec ? -1 : a->nsec > b->nsec;
}

int
asl_timestamp_cmp(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		  const asl_time *t)
{
	json_t *x = variable(ctx, v, var, false);
	asl_time xt;
	int r = x && aslp_is_timestamp(x, &xt) && test(cmp, time_compare(&xt, t));

	json_decref(x);
	return r;
}

/*
** The operand of a ...Path comparison, as a new reference. It is read
** like the Variable: a path that selects nothing is an error.
*/
static json_t *
operand(asl_ctx *ctx, json_t *v, const asl_path *p)
{
	return variable(ctx, v, p, false);
}

int
asl_string_cmp_path(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		    const asl_path *p)
{
	json_t *x = variable(ctx, v, var, false);
	json_t *y = x ? operand(ctx, v, p) : NULL;
	int r = x && y && json_is_string(x) && json_is_string(y) &&
		test(cmp, aslp_string_compare(json_string_value(x),
					 json_string_length(x),
					 json_string_value(y),
					 json_string_length(y)));

	json_decref(x);
	json_decref(y);
	return r;
}

int
asl_numeric_cmp_path(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		     const asl_path *p)
{
	json_t *x = variable(ctx, v, var, false);
	json_t *y = x ? operand(ctx, v, p) : NULL;
	int r = x && y && json_is_number(x) && json_is_number(y) &&
		test(cmp, number_compare(x, y));

	json_decref(x);
	json_decref(y);
	return r;
}

int
asl_boolean_eq_path(asl_ctx *ctx, json_t *v, const asl_path *var,
		    const asl_path *p)
{
	json_t *x = variable(ctx, v, var, false);
	json_t *y = x ? operand(ctx, v, p) : NULL;
	int r = x && y && json_is_boolean(x) && json_is_boolean(y) &&
		json_is_true(x) == json_is_true(y);

	json_decref(x);
	json_decref(y);
	return r;
}

int
asl_timestamp_cmp_path(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		       const asl_path *p)
{
	json_t *x = variable(ctx, v, var, false);
	json_t *y = x ? operand(ctx, v, p) : NULL;
	asl_time xt, yt;
	int r = x && y && aslp_is_timestamp(x, &xt) &&
		aslp_is_timestamp(y, &yt) && test(cmp, time_compare(&xt, &yt));

	json_decref(x);
	json_decref(y);
	return r;
}

/*
** Match s against pattern p: '*' matches any run of characters, '\*' a
** star, '\\' a backslash. Iterative, with one backtracking point (the last
** star), so it is linear in practice and never recursive.
*/
static bool
glob(const char *p, const char *pe, const char *s, const char *se)
{
	const char *star = NULL, *resume = NULL;

	while (s < se) {
		if (p < pe && *p == '*') {
			star = ++p;
			resume = s;
			continue;
		}
		if (p < pe) {
			char c = *p;
			const char *q = p + 1;

			if (c == '\\' && q < pe)
				c = *q++;
			if (c == *s) {
				p = q;
				s++;
				continue;
			}
		}
		if (!star)
			return false;
		p = star;
		s = ++resume;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

int
asl_string_matches(asl_ctx *ctx, json_t *v, const asl_path *var,
		   const char *pattern, size_t len)
{
	json_t *x = variable(ctx, v, var, false);
	int r = x && json_is_string(x) &&
		glob(pattern, pattern + len, json_string_value(x),
		     json_string_value(x) + json_string_length(x));

	json_decref(x);
	return r;
}
