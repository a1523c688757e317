/*
** intrinsic.c - the States.* intrinsic functions, as the service computes
** them.
**
** The service turns JSON into Java values and calls Java: that is where
** its answers come from, and so aslc follows Java here. Values print as
** Java's toString (States.Format, and the equality of ArrayContains): an
** object {a=1, b=[x, y]}, a real 1.0 or 1.0E21. MathAdd rounds each
** operand as Math.round does; the other integer arguments are truncated
** as (int) does. ArrayUnique keeps the order a java.util.HashSet iterates
** in. A seeded MathRandom is java.util.Random(seed).nextInt(end - start)
** + start, value for value.
**
** Every failure is States.Runtime, with one of the service's causes:
**
**	There was an error while evaluating the intrinsic function: EXPR.
**	Invalid arguments in States.F
**
**	The function 'EXPR' had the following error: The JsonPath argument
**	for the field 'PATH' could not be found in the input 'INPUT'
**
** where EXPR is the whole field's expression, and F the function that
** failed (an inner one, perhaps).
*/
#include "aslrt_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fn_name[] = {
	"Format", "StringToJson", "JsonToString", "Array", "ArrayPartition",
	"ArrayContains", "ArrayRange", "ArrayGetItem", "ArrayLength", "ArrayUnique",
	"Base64Encode", "Base64Decode", "Hash", "JsonMerge", "MathRandom", "MathAdd",
	"StringSplit", "UUID"
};

/* ArrayRange makes at most this many elements. */
#define RANGE_MAX 1000
/* Base64Encode, Base64Decode and Hash take at most this many characters. */
#define TEXT_MAX 10000

/*
** Form A: function f rejects its arguments ("what" is "Invalid arguments"
** or "Invalid template"; "detail" adds the service's words).
*/
static json_t *
fail_fn(asl_ctx *ctx, const asl_intrinsic *f, const char *what, const char *detail)
{
	size_t k = (size_t)f->fn;

	aslp_fail_state(ctx, "States.Runtime",
			"There was an error while evaluating the intrinsic function: %s. %s in States.%s%s",
			f->text, what, k < sizeof fn_name / sizeof fn_name[0] ? fn_name[k] : "?",
			detail ? detail : "");
	return NULL;
}

/* Form A: the arguments of f are wrong ("detail" adds the service's words). */
static json_t *
invalid(asl_ctx *ctx, const asl_intrinsic *f, const char *detail)
{
	return fail_fn(ctx, f, "Invalid arguments", detail);
}

static json_t *
oom(asl_ctx *ctx)
{
	aslp_oom(ctx);
	return NULL;
}

/* ---- Java's view of JSON values ---- */

/* The length of UTF-8 s as Java counts it: UTF-16 code units. */
static size_t
java_length(const char *s, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;	/* astral: a surrogate pair */
	}
	return n;
}

/* String.valueOf(v) of the Java value of v, appended to b. */
static void
java_string(struct aslp_buf *b, const json_t *v)
{
	char num[64];
	const char *key;
	json_t *m;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		aslp_buf_put(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		aslp_buf_put(b, num, strlen(num));
		break;
	case JSON_REAL:
		aslp_format_double(num, sizeof num, json_real_value(v));
		aslp_buf_put(b, num, strlen(num));
		break;
	case JSON_TRUE:
		aslp_buf_put(b, "true", 4);
		break;
	case JSON_FALSE:
		aslp_buf_put(b, "false", 5);
		break;
	case JSON_NULL:
		aslp_buf_put(b, "null", 4);
		break;
	case JSON_ARRAY:
		aslp_buf_put(b, "[", 1);
		json_array_foreach(v, i, m) {
			if (i)
				aslp_buf_put(b, ", ", 2);
			java_string(b, m);
		}
		aslp_buf_put(b, "]", 1);
		break;
	case JSON_OBJECT:
		aslp_buf_put(b, "{", 1);
		i = 0;
		json_object_foreach((json_t *)v, key, m) {
			if (i++)
				aslp_buf_put(b, ", ", 2);
			aslp_buf_put(b, key, strlen(key));
			aslp_buf_put(b, "=", 1);
			java_string(b, m);
		}
		aslp_buf_put(b, "}", 1);
		break;
	}
}

/* java_string of v as a new C string (len in *len); NULL on OOM. */
static char *
java_text(const json_t *v, size_t *len)
{
	struct aslp_buf b = { NULL, 0, 0, false };

	java_string(&b, v);
	aslp_buf_put(&b, "", 0);
	if (b.oom || !b.s) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}

/* Is an integer within Java's int? */
static bool
is_int32(int64_t i)
{
	return i >= INT32_MIN && i <= INT32_MAX;
}

/*
** An integer argument as the service reads it: a number truncated toward
** zero, as (int) does, and within int. False for anything else.
*/
static bool
int_arg(const json_t *v, int64_t *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return is_int32(*out);
	}
	if (!json_is_real(v))
		return false;
	d = trunc(json_real_value(v));
	if (!(d >= INT32_MIN && d <= INT32_MAX))
		return false;
	*out = (int64_t)d;
	return true;
}

/* Java's hashCode of the Java value of v (HashSet order). */
static int32_t
java_hash(const json_t *v)
{
	uint32_t h = 0;
	const char *key, *s;
	json_t *m;
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_INTEGER: {
		int64_t x = json_integer_value(v);

		if (is_int32(x))	/* Integer */
			return (int32_t)x;
		return (int32_t)(uint32_t)((uint64_t)x ^ ((uint64_t)x >> 32));	/* Long */
	}
	case JSON_REAL: {
		double d = json_real_value(v);
		uint64_t bits;

		if (d == 0 && !signbit(d))
			d = 0.0;
		memcpy(&bits, &d, sizeof bits);
		return (int32_t)(uint32_t)(bits ^ (bits >> 32));
	}
	case JSON_STRING:	/* over UTF-16 code units */
		s = json_string_value(v);
		n = json_string_length(v);
		for (i = 0; i < n;) {
			unsigned char c = (unsigned char)s[i];
			uint32_t cp;
			int len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

			cp = len == 1 ? c : c & (0x7f >> len);
			for (int k = 1; k < len && i + (size_t)k < n; k++)
				cp = cp << 6 | ((unsigned char)s[i + (size_t)k] & 0x3f);
			i += (size_t)len;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				h = 31 * h + (0xd800 + (cp >> 10));
				h = 31 * h + (0xdc00 + (cp & 0x3ff));
			} else {
				h = 31 * h + cp;
			}
		}
		return (int32_t)h;
	case JSON_TRUE:
		return 1231;
	case JSON_FALSE:
		return 1237;
	case JSON_NULL:
		return 0;
	case JSON_ARRAY:
		h = 1;
		json_array_foreach(v, i, m)
			h = 31 * h + (uint32_t)java_hash(m);
		return (int32_t)h;
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, m) {
			json_t *k = json_string(key);

			h += (uint32_t)(java_hash(k) ^ java_hash(m));
			json_decref(k);
		}
		return (int32_t)h;
	}
	return 0;
}

/* Java's equals of the Java values: Integer 1 is not Double 1.0. */
static bool
java_equal(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_INTEGER:
		return json_integer_value(a) == json_integer_value(b);
	case JSON_REAL:
		return json_real_value(a) == json_real_value(b);
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		json_array_foreach(a, i, m)
			if (!java_equal(m, json_array_get(b, i)))
				return false;
		return true;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach((json_t *)a, key, m) {
			json_t *o = json_object_get(b, key);

			if (!o || !java_equal(m, o))
				return false;
		}
		return true;
	default:
		return true;
	}
}

/* ---- the functions ---- */

/*
** States.Format: {} takes the next argument, \{ \} \' \\ are the
** characters themselves, and a { or } of its own is an error.
*/
static json_t *
format(asl_ctx *ctx, const asl_intrinsic *f, json_t **args, int n, const char *tmpl,
       size_t len)
{
	struct aslp_buf b = { NULL, 0, 0, false };
	int next = 1, holes = 0;
	size_t i;
	json_t *out;

	/* Count the holes first: a template and its arguments must agree. */
	for (i = 0; i < len; i++) {
		if (tmpl[i] == '\\' && i + 1 < len && strchr("{}'\\", tmpl[i + 1])) {
			i++;
		} else if (tmpl[i] == '{') {
			if (i + 1 >= len || tmpl[i + 1] != '}')
				return fail_fn(ctx, f, "Invalid template", ": matching '}' not found for '{'.");
			holes++;
			i++;
		} else if (tmpl[i] == '}') {
			return fail_fn(ctx, f, "Invalid template", ": matching '{' not found for '}'.");
		}
	}
	if (holes != n - 1)
		return invalid(ctx, f, NULL);
	for (i = 0; i < len; i++) {
		if (tmpl[i] == '\\' && i + 1 < len && strchr("{}'\\", tmpl[i + 1])) {
			aslp_buf_put(&b, &tmpl[++i], 1);
		} else if (tmpl[i] == '{') {
			java_string(&b, args[next++]);
			i++;
		} else {
			aslp_buf_put(&b, &tmpl[i], 1);
		}
	}
	if (b.oom) {
		free(b.s);
		return oom(ctx);
	}
	out = json_stringn(b.s ? b.s : "", b.len);
	free(b.s);
	return out ? out : oom(ctx);
}

/* States.ArrayUnique: one of each, in the order a Java HashSet iterates. */
static json_t *
array_unique(asl_ctx *ctx, json_t *arr)
{
	size_t n = json_array_size(arr), k = 0, i, j, cap = 16, want;
	json_t **uniq = malloc((n + 1) * sizeof *uniq);
	uint32_t *bucket = malloc((n + 1) * sizeof *bucket);
	json_t *out = json_array();

	if (!uniq || !bucket || !out)
		goto fail;
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);

		for (j = 0; j < k && !java_equal(uniq[j], v); j++)
			;
		if (j == k)
			uniq[k++] = v;
	}
	/* new HashSet<>(list): room for the list's size at a load of 0.75. */
	want = (size_t)((float)n / 0.75f) + 1;
	while (cap < want)
		cap *= 2;
	for (i = 0; i < k; i++) {
		uint32_t h = (uint32_t)java_hash(uniq[i]);

		bucket[i] = (h ^ (h >> 16)) & (uint32_t)(cap - 1);
	}
	/* By bucket, then in the order they came (a stable pass). */
	for (j = 0; j < cap; j++)
		for (i = 0; i < k; i++)
			if (bucket[i] == j && json_array_append(out, uniq[i]))
				goto fail;
	free(uniq);
	free(bucket);
	return out;
fail:
	free(uniq);
	free(bucket);
	json_decref(out);
	return oom(ctx);
}

/* java.util.Random(seed).nextInt(bound), for bound > 0. */
static int32_t
java_random(int64_t seed, int32_t bound)
{
	uint64_t s = ((uint64_t)seed ^ 0x5DEECE66DULL) & ((1ULL << 48) - 1);
	int32_t r, m = bound - 1, u;

#define NEXT31() (s = (s * 0x5DEECE66DULL + 0xB) & ((1ULL << 48) - 1), (int32_t)(s >> 17))
	r = NEXT31();
	if ((bound & m) == 0)
		return (int32_t)(((int64_t)bound * r) >> 31);
	for (u = r; (int64_t)u - (r = u % bound) + m > INT32_MAX; u = NEXT31())
		;
#undef NEXT31
	return r;
}

/* A number in [0, n) from the executable's generator, without modulo bias. */
static uint64_t
uniform(asl_ctx *ctx, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, r;

	do
		r = aslp_random(ctx);
	while (r >= limit);
	return r % n;
}

/* Base64 as a lenient decoder reads it: other characters are skipped. */
static json_t *
base64_decode(asl_ctx *ctx, const char *s, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char *buf = malloc(len / 4 * 3 + 3);
	size_t n = 0, i;
	uint32_t acc = 0;
	int bits = 0;
	json_t *out;
	char *text;

	if (!buf)
		return oom(ctx);
	for (i = 0; i < len && s[i] != '='; i++) {
		const char *p = s[i] ? strchr(alphabet, s[i]) : NULL;
		int d = p ? (int)(p - alphabet) : s[i] == '-' ? 62 : s[i] == '_' ? 63 : -1;

		if (d < 0)
			continue;
		acc = acc << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(acc >> bits);
		}
	}
	/* Bytes that are not UTF-8 become U+FFFD, as Java decodes them. */
	buf[n] = '\0';
	text = aslp_utf8_clean_n((const char *)buf, n, &n);
	free(buf);
	if (!text)
		return oom(ctx);
	out = json_stringn(text, n);
	free(text);
	return out ? out : oom(ctx);
}

/* States.StringSplit: every character of delims separates; no empties. */
static json_t *
string_split(asl_ctx *ctx, const char *s, size_t len, const char *delims, size_t dlen)
{
	json_t *out = json_array();
	size_t i = 0, start = 0;

	if (!out)
		return oom(ctx);
	while (i <= len) {
		size_t cl = 1;
		bool sep = false;

		if (i < len) {
			unsigned char c = (unsigned char)s[i];

			cl = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
			if (i + cl > len)
				cl = len - i;
			for (size_t d = 0; d + cl <= dlen && !sep;) {
				unsigned char e = (unsigned char)delims[d];
				size_t el = e < 0x80 ? 1 : e < 0xe0 ? 2 : e < 0xf0 ? 3 : 4;

				sep = el == cl && memcmp(delims + d, s + i, cl) == 0;
				d += el;
			}
		}
		if (i == len || sep) {
			if (i > start && json_array_append_new(out, json_stringn(s + start, i - start)))
				return json_decref(out), oom(ctx);
			start = i + cl;
		}
		i += cl;
	}
	return out;
}

/* ---- evaluation ---- */

static json_t *eval(asl_ctx *ctx, const asl_intrinsic *f, json_t *input);

/* Argument i of f: a new reference, or NULL with the error recorded. */
static json_t *
arg(asl_ctx *ctx, const asl_intrinsic *f, int i, json_t *input)
{
	const asl_iarg *a = &f->args[i];
	json_t *v;
	char *why, *text;

	switch (a->kind) {
	case ASL_IA_CONST:
		return json_incref(ctx->run->prog->kvals[a->konst]);
	case ASL_IA_CALL:
		return eval(ctx, a->call, input);
	default:
		v = aslp_path_get(ctx, a->path, input, &why);
		if (v)
			return v;
		if (!why)
			return ctx->failed ? NULL : oom(ctx);
		free(why);
		text = aslp_render(ctx, input);
		if (!text)
			return oom(ctx);
		aslp_fail_state(ctx, "States.Runtime",
				"The function '%s' had the following error: The JsonPath argument for the field '%s' could not be found in the input '%s'",
				f->text, a->path->text, text);
		free(text);
		return NULL;
	}
}

static json_t *
call(asl_ctx *ctx, const asl_intrinsic *f, json_t **a, int n)
{
	int64_t x, y, z;
	char hex[129], *text;
	json_t *out;
	size_t i, len;

	switch (f->fn) {
	case ASL_FN_FORMAT:
		if (n < 1 || !json_is_string(a[0]))
			return invalid(ctx, f, NULL);
		if (f->args[0].kind == ASL_IA_CONST && f->args[0].raw)
			return format(ctx, f, a, n, f->args[0].raw, strlen(f->args[0].raw));
		return format(ctx, f, a, n, json_string_value(a[0]), json_string_length(a[0]));
	case ASL_FN_STRING_TO_JSON: {
		json_error_t err = { 0 };	/* jansson may fail before it writes here */
		bool no_memory;
		const char *s;
		char *why;
		size_t end;

		if (n != 1 || !json_is_string(a[0]))
			return invalid(ctx, f, NULL);
		s = json_string_value(a[0]);
		len = json_string_length(a[0]);
		/* Jackson decides what is JSON, and its message is the cause. */
		why = aslp_jackson_error(s, len, &end);
		if (why) {
			aslp_fail_state(ctx, "States.Runtime",
					"There was an error while evaluating the intrinsic function: %s. Cannot convert String to Json in States.StringToJson, caused by: %s",
					f->text, why);
			free(why);
			return NULL;
		}
		if (end == SIZE_MAX)
			return oom(ctx);
		if (end == 0)
			return json_null();	/* blank: readTree's MissingNode */
		/* The first value; readTree leaves what follows unread. */
		out = aslp_loadb(s, end, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &no_memory);
		if (out)
			return out;
		if (no_memory)
			return oom(ctx);
		/* JSON that Jackson reads and jansson cannot: huge numbers. */
		aslp_fail_state(ctx, "States.Runtime",
				"There was an error while evaluating the intrinsic function: %s. Cannot convert String to Json in States.StringToJson, caused by: %s (aslc reads integers of up to 64 bits and reals that fit a double)",
				f->text, err.text);
		return NULL;
	}
	case ASL_FN_JSON_TO_STRING:
		if (n != 1)
			return invalid(ctx, f, ": only a single argument is allowed.");
		text = asl_dumps(a[0]);
		if (!text)
			return oom(ctx);
		out = json_string(text);
		free(text);
		return out ? out : oom(ctx);
	case ASL_FN_ARRAY:
		out = json_array();
		for (i = 0; out && i < (size_t)n; i++)
			if (json_array_append(out, a[i]))
				return json_decref(out), oom(ctx);
		return out ? out : oom(ctx);
	case ASL_FN_ARRAY_PARTITION:
		if (n != 2 || !json_is_array(a[0]) || !int_arg(a[1], &x) || x <= 0)
			return invalid(ctx, f, NULL);
		out = json_array();
		for (i = 0; out && i < json_array_size(a[0]); i += (size_t)x) {
			json_t *chunk = json_array();
			size_t k;

			for (k = i; chunk && k < i + (size_t)x && k < json_array_size(a[0]); k++)
				if (json_array_append(chunk, json_array_get(a[0], k)))
					json_decref(chunk), chunk = NULL;
			if (!chunk || json_array_append_new(out, chunk))
				return json_decref(out), oom(ctx);
		}
		return out ? out : oom(ctx);
	case ASL_FN_ARRAY_CONTAINS: {
		char *want;
		size_t wlen;
		bool found = false;

		if (n != 2 || !json_is_array(a[0]))
			return invalid(ctx, f, NULL);
		/* The service compares the values' String.valueOf forms. */
		want = java_text(a[1], &wlen);
		if (!want)
			return oom(ctx);
		for (i = 0; !found && i < json_array_size(a[0]); i++) {
			size_t elen;
			char *e = java_text(json_array_get(a[0], i), &elen);

			if (!e) {
				free(want);
				return oom(ctx);
			}
			found = elen == wlen && memcmp(e, want, elen) == 0;
			free(e);
		}
		free(want);
		return json_boolean(found);
	}
	case ASL_FN_ARRAY_RANGE:
		if (n != 3 || !int_arg(a[0], &x) || !int_arg(a[1], &y) || !int_arg(a[2], &z) ||
		    z == 0)
			return invalid(ctx, f, NULL);
		if ((z > 0 && x > y) || (z < 0 && x < y))
			return json_array();
		if ((y - x) / z + 1 > RANGE_MAX)
			return invalid(ctx, f, NULL);
		out = json_array();
		for (; out && (z > 0 ? x <= y : x >= y); x += z)
			if (json_array_append_new(out, json_integer(x)))
				return json_decref(out), oom(ctx);
		return out ? out : oom(ctx);
	case ASL_FN_ARRAY_GET_ITEM:
		if (n != 2 || !json_is_array(a[0]) || !int_arg(a[1], &x))
			return invalid(ctx, f, NULL);
		if (json_array_size(a[0]) == 0)
			return json_null();	/* as the service answers */
		if (x < 0 || (size_t)x >= json_array_size(a[0]))
			return invalid(ctx, f, NULL);
		return json_incref(json_array_get(a[0], (size_t)x));
	case ASL_FN_ARRAY_LENGTH:
		if (n != 1 || !json_is_array(a[0]))
			return invalid(ctx, f, NULL);
		return json_integer((json_int_t)json_array_size(a[0]));
	case ASL_FN_ARRAY_UNIQUE:
		if (n != 1 || !json_is_array(a[0]))
			return invalid(ctx, f, NULL);
		return array_unique(ctx, a[0]);
	case ASL_FN_BASE64_ENCODE:
		if (n != 1 || !json_is_string(a[0]) ||
		    java_length(json_string_value(a[0]), json_string_length(a[0])) > TEXT_MAX)
			return invalid(ctx, f, NULL);
		text = aslp_base64_encode((const unsigned char *)json_string_value(a[0]),
					  json_string_length(a[0]));
		if (!text)
			return oom(ctx);
		out = json_string(text);
		free(text);
		return out ? out : oom(ctx);
	case ASL_FN_BASE64_DECODE:
		if (n != 1 || !json_is_string(a[0]) ||
		    java_length(json_string_value(a[0]), json_string_length(a[0])) > TEXT_MAX)
			return invalid(ctx, f, NULL);
		return base64_decode(ctx, json_string_value(a[0]), json_string_length(a[0]));
	case ASL_FN_HASH:
		if (n != 2 || !json_is_string(a[1]))
			return invalid(ctx, f, NULL);
		/* Data that is not a string is hashed as its String.valueOf. */
		text = json_is_string(a[0]) ? NULL : java_text(a[0], &len);
		if (!json_is_string(a[0]) && !text)
			return oom(ctx);
		if (!text)
			len = json_string_length(a[0]);
		if (java_length(text ? text : json_string_value(a[0]), len) > TEXT_MAX ||
		    !aslp_hash(json_string_value(a[1]), text ? text : json_string_value(a[0]),
			       len, hex)) {
			free(text);
			return invalid(ctx, f, NULL);
		}
		free(text);
		return json_string(hex);
	case ASL_FN_JSON_MERGE:
		/* Only the shallow merge: with true (deep) the service fails. */
		if (n != 3 || !json_is_object(a[0]) || !json_is_object(a[1]) || json_is_true(a[2]))
			return invalid(ctx, f, NULL);
		out = aslp_json_copy(a[0]);
		if (!out || json_object_update(out, a[1]))
			return json_decref(out), oom(ctx);
		return out;
	case ASL_FN_MATH_RANDOM:
		if (n < 2 || n > 3 || !int_arg(a[0], &x) || !int_arg(a[1], &y) || x >= y)
			return invalid(ctx, f, NULL);
		if (y - x > INT32_MAX)	/* nextInt of a bound Java's int cannot hold */
			return invalid(ctx, f, NULL);
		if (n == 3) {
			if (json_is_integer(a[2]))
				z = json_integer_value(a[2]);
			else if (json_is_real(a[2]) && fabs(json_real_value(a[2])) < 9.2e18)
				z = (int64_t)json_real_value(a[2]);
			else
				return invalid(ctx, f, NULL);
			return json_integer(x + java_random(z, (int32_t)(y - x)));
		}
		return json_integer(x + (int64_t)uniform(ctx, (uint64_t)(y - x)));
	case ASL_FN_MATH_ADD: {
		int64_t v[2];
		int k;

		if (n != 2)
			return invalid(ctx, f, NULL);
		/* Each operand as Math.round has it, then the sum, all in int. */
		for (k = 0; k < 2; k++) {
			if (json_is_integer(a[k])) {
				v[k] = json_integer_value(a[k]);
			} else if (json_is_real(a[k])) {
				double r = json_real_value(a[k]), d = floor(r);

				/* Math.round: nearest, ties up; not floor(r + 0.5),
				 * which rounds 0.49999999999999994 to 1. */
				if (r - d >= 0.5)
					d += 1;

				if (!(d >= INT32_MIN && d <= INT32_MAX))
					return invalid(ctx, f, NULL);
				v[k] = (int64_t)d;
			} else {
				return invalid(ctx, f, NULL);
			}
			if (!is_int32(v[k]))
				return invalid(ctx, f, NULL);
		}
		if (!is_int32(v[0] + v[1]))
			return invalid(ctx, f, NULL);
		return json_integer(v[0] + v[1]);
	}
	case ASL_FN_STRING_SPLIT:
		if (n != 2 || !json_is_string(a[0]) || !json_is_string(a[1]))
			return invalid(ctx, f, NULL);
		return string_split(ctx, json_string_value(a[0]), json_string_length(a[0]),
				    json_string_value(a[1]), json_string_length(a[1]));
	case ASL_FN_UUID:
		if (n != 0)
			return invalid(ctx, f, NULL);
		text = aslp_uuid(ctx);
		if (!text)
			return oom(ctx);
		out = json_string(text);
		free(text);
		return out ? out : oom(ctx);
	}
	return invalid(ctx, f, NULL);
}

/* Evaluate f: its arguments (missing paths first), then the function. */
static json_t *
eval(asl_ctx *ctx, const asl_intrinsic *f, json_t *input)
{
	json_t *small[8], **a = f->nargs <= 8 ? small : malloc((size_t)f->nargs * sizeof *a);
	json_t *out = NULL;
	int i, n = 0;

	if (!a)
		return oom(ctx);
	for (n = 0; n < f->nargs; n++) {
		a[n] = arg(ctx, f, n, input);
		if (!a[n])
			goto done;
	}
	out = call(ctx, f, a, n);
	if (!out && !ctx->failed)
		aslp_oom(ctx);
done:
	for (i = 0; i < n; i++)
		json_decref(a[i]);
	if (a != small)
		free(a);
	return out;
}

json_t *
aslp_call(asl_ctx *ctx, const asl_intrinsic *f, json_t *input)
{
	return eval(ctx, f, input);
}

json_t *
asl_intrinsic_eval(asl_ctx *ctx, const asl_intrinsic *f, json_t *input)
{
	return eval(ctx, f, input);
}
