/*
** jndatetime.c - JSONata's pictures for integers and dates: $formatInteger,
** and $fromMillis and $now with a picture, as datetime.js of jsonata 2.0.6
** has them (XPath's format-integer and format-dateTime): decimal digits of
** any Unicode family with grouping, letters, Roman numerals, words,
** ordinals; the date and time components, names, widths, time zones.
**
** Pictures are read code point by code point; the reference reads UTF-16
** units, which is the same for every character these pictures use.
**
** The original is (c) Copyright IBM Corp. 2018, project JSONata, under
** the MIT License (see jsonata.c).
*/
#include "jsonata.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

struct text {
	unsigned *c;
	size_t n, cap;
	bool oom;
};

static void
put(struct text *t, unsigned c)
{
	if (t->oom)
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		unsigned *nc = realloc(t->c, cap * sizeof *nc);

		if (!nc) {
			t->oom = true;
			return;
		}
		t->c = nc;
		t->cap = cap;
	}
	t->c[t->n++] = c;
}

static void
puts_ascii(struct text *t, const char *s)
{
	while (*s)
		put(t, (unsigned char)*s++);
}

static void
put_text(struct text *t, const struct text *s, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to && i < s->n; i++)
		put(t, s->c[i]);
}

static bool
decode(struct text *t, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + len;

	while (u < end)
		put(t, aslp_utf8_next(&u));
	return !t->oom;
}

static json_t *
encode(const struct text *t)
{
	struct aslp_buf b = { 0 };
	json_t *r;
	size_t i;

	for (i = 0; i < t->n; i++)
		aslp_utf8_put(&b, t->c[i]);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	r = json_stringn(b.s ? b.s : "", b.len);
	free(b.s);
	return r;
}

static void
insert(struct text *t, size_t at, unsigned c)
{
	put(t, c);
	if (t->oom || at >= t->n - 1)
		return;
	memmove(t->c + at + 1, t->c + at, (t->n - 1 - at) * sizeof *t->c);
	t->c[at] = c;
}

static long
index_of(const struct text *t, unsigned c, size_t from)
{
	size_t i;

	for (i = from; i < t->n; i++)
		if (t->c[i] == c)
			return (long)i;
	return -1;
}

/* A literal of a date picture, [from, to): each ]] is one ]. */
static void
literal(struct text *out, const struct text *pic, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		put(out, pic->c[i]);
		if (pic->c[i] == ']' && i + 1 < to && pic->c[i + 1] == ']')
			i++;
	}
}

static bool
fail(struct jn_err *err, const char *code, const char *fmt, const char *arg)
{
	err->code = code;
	snprintf(err->message, sizeof err->message, fmt, arg);
	return false;
}

/* ---- integers ---- */

enum primary { DECIMAL, LETTERS, ROMAN, WORDS, SEQUENCE };
enum tcase { LOWER, UPPER, TITLE };

struct separator {
	int position;
	unsigned character;
};

struct intformat {
	enum primary primary;
	enum tcase tcase;
	bool ordinal;
	unsigned zero;			/* the digit family's zero */
	int mandatory, optional;
	bool regular;
	struct separator seps[32];	/* or seps[0] with regular's position */
	int nsep;
	char token[64];			/* SEQUENCE: the picture, for D3130 */
};

static const unsigned decimal_groups[] = {
	0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
	0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946,
	0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0,
	0xA9F0, 0xAA50, 0xABF0, 0xFF10
};

static int
gcd(int a, int b)
{
	return b == 0 ? a : gcd(b, a % b);
}

static bool
same_as(const struct text *t, size_t from, size_t to, const char *s)
{
	size_t i;

	for (i = from; i < to; i++, s++)
		if (!*s || t->c[i] != (unsigned char)*s)
			return false;
	return !*s;
}

/* analyseIntegerPicture of pic[from, to). */
static bool
analyse_integer(const struct text *pic, size_t from, size_t to, struct intformat *f,
		struct jn_err *err)
{
	size_t end = to, i;
	long semi = -1;
	int pos = 0;
	bool have_zero = false;

	memset(f, 0, sizeof *f);
	f->primary = DECIMAL;
	f->tcase = LOWER;
	for (i = from; i < to; i++)
		if (pic->c[i] == ';')
			semi = (long)i;
	if (semi >= 0) {
		end = (size_t)semi;
		if ((size_t)semi + 1 < to && pic->c[semi + 1] == 'o')
			f->ordinal = true;
	}
	if (same_as(pic, from, end, "A") || same_as(pic, from, end, "a")) {
		f->tcase = pic->c[from] == 'A' ? UPPER : LOWER;
		f->primary = LETTERS;
		return true;
	}
	if (same_as(pic, from, end, "I") || same_as(pic, from, end, "i")) {
		f->tcase = pic->c[from] == 'I' ? UPPER : LOWER;
		f->primary = ROMAN;
		return true;
	}
	if (same_as(pic, from, end, "W") || same_as(pic, from, end, "Ww") ||
	    same_as(pic, from, end, "w")) {
		f->primary = WORDS;
		f->tcase = end - from == 2 ? TITLE : pic->c[from] == 'W' ? UPPER : LOWER;
		return true;
	}
	/* digits, #, and grouping separators, read from the right */
	for (i = end; i > from; i--) {
		unsigned c = pic->c[i - 1];
		size_t g;
		bool digit = false;

		for (g = 0; g < sizeof decimal_groups / sizeof decimal_groups[0]; g++)
			if (c >= decimal_groups[g] && c <= decimal_groups[g] + 9) {
				digit = true;
				f->mandatory++;
				pos++;
				if (!have_zero) {
					f->zero = decimal_groups[g];
					have_zero = true;
				} else if (decimal_groups[g] != f->zero) {
					return fail(err, "D3131", "%s", "In a decimal digit pattern, all digits must be from the same decimal group");
				}
				break;
			}
		if (digit)
			continue;
		if (c == '#') {
			pos++;
			f->optional++;
		} else if (f->nsep < 32) {
			f->seps[f->nsep].position = pos;
			f->seps[f->nsep++].character = c;
		}
	}
	if (f->mandatory > 0) {
		int k, idx, factor;
		bool regular = f->nsep > 0;

		for (k = 1; k < f->nsep && regular; k++)
			regular = f->seps[k].character == f->seps[0].character;
		if (regular) {
			factor = f->seps[0].position;
			for (k = 1; k < f->nsep; k++)
				factor = gcd(factor, f->seps[k].position);
			for (idx = 1; idx <= f->nsep && regular; idx++) {
				bool found = false;

				for (k = 0; k < f->nsep; k++)
					found = found || f->seps[k].position == idx * factor;
				regular = found;
			}
			if (regular && factor > 0) {
				f->regular = true;
				f->seps[0].position = factor;
			}
		}
		return true;
	}
	f->primary = SEQUENCE;
	{
		struct text tok = { 0 };
		json_t *s;

		put_text(&tok, pic, from, end);
		s = encode(&tok);
		snprintf(f->token, sizeof f->token, "%s", s ? json_string_value(s) : "");
		json_decref(s);
		free(tok.c);
	}
	return true;
}

static const char *const few[] = {
	"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
	"Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
	"Nineteen"
};
static const char *const ordinals[] = {
	"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
	"Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth",
	"Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"
};
static const char *const decades[] = {
	"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"
};
static const char *const magnitudes[] = { "Thousand", "Million", "Billion", "Trillion" };

/* numberToWords' lookup, appended to t. */
static void
words(struct text *t, double num, bool prev, bool ord, int depth)
{
	if (depth > 20)
		return;
	if (num <= 19) {
		if (prev)
			puts_ascii(t, " and ");
		puts_ascii(t, ord ? ordinals[(int)num] : few[(int)num]);
	} else if (num < 100) {
		int tens = (int)floor(num / 10), rem = (int)fmod(num, 10);

		if (prev)
			puts_ascii(t, " and ");
		puts_ascii(t, decades[tens - 2]);
		if (rem > 0) {
			put(t, '-');
			words(t, rem, false, ord, depth + 1);
		} else if (ord) {
			t->n--;		/* Twenty -> Twentieth */
			puts_ascii(t, "ieth");
		}
	} else if (num < 1000) {
		int hundreds = (int)floor(num / 100);
		double rem = fmod(num, 100);

		if (prev)
			puts_ascii(t, ", ");
		puts_ascii(t, few[hundreds]);
		puts_ascii(t, " Hundred");
		if (rem > 0)
			words(t, rem, true, ord, depth + 1);
		else if (ord)
			puts_ascii(t, "th");
	} else {
		int mag = (int)floor(log10(num) / 3);
		double factor, mant, rem;

		if (mag > 4)
			mag = 4;
		factor = pow(10, mag * 3);
		mant = floor(num / factor);
		rem = num - mant * factor;
		if (prev)
			puts_ascii(t, ", ");
		words(t, mant, false, false, depth + 1);
		put(t, ' ');
		puts_ascii(t, magnitudes[mag - 1]);
		if (rem > 0)
			words(t, rem, true, ord, depth + 1);
		else if (ord)
			puts_ascii(t, "th");
	}
}

/* _formatInteger, appended to out. */
static bool
format_integer(struct text *out, double value, const struct intformat *f, struct jn_err *err)
{
	struct text t = { 0 };
	bool negative = value < 0;
	size_t i;

	value = fabs(value);
	switch (f->primary) {
	case LETTERS: {
		unsigned a = f->tcase == UPPER ? 'A' : 'a';
		struct text r = { 0 };

		while (value > 0) {
			put(&r, (unsigned)fmod(value - 1, 26) + a);
			value = floor((value - 1) / 26);
		}
		for (i = r.n; i > 0; i--)
			put(&t, r.c[i - 1]);
		free(r.c);
		break;
	}
	case ROMAN: {
		static const struct { int v; const char *s; } rn[] = {
			{ 1000, "m" }, { 900, "cm" }, { 500, "d" }, { 400, "cd" }, { 100, "c" },
			{ 90, "xc" }, { 50, "l" }, { 40, "xl" }, { 10, "x" }, { 9, "ix" }, { 5, "v" },
			{ 4, "iv" }, { 1, "i" }
		};
		int k = 0;

		while (value > 0 && t.n < 100000 && !t.oom) {
			while (k < 13 && value < rn[k].v)
				k++;
			if (k == 13)
				break;
			puts_ascii(&t, rn[k].s);
			value -= rn[k].v;
		}
		if (f->tcase == UPPER)
			for (i = 0; i < t.n; i++)
				t.c[i] = (unsigned)toupper((int)t.c[i]);
		break;
	}
	case WORDS:
		words(&t, value, false, f->ordinal, 0);
		for (i = 0; i < t.n; i++)
			if (f->tcase == UPPER)
				t.c[i] = (unsigned)toupper((int)t.c[i]);
			else if (f->tcase == LOWER)
				t.c[i] = (unsigned)tolower((int)t.c[i]);
		break;
	case DECIMAL: {
		char digits[400];
		int k;

		aslp_js_number(value, digits);	/* '' + value */
		for (k = f->mandatory - (int)strlen(digits); k > 0; k--)
			put(&t, '0');
		for (k = 0; digits[k]; k++)
			put(&t, (unsigned char)digits[k]);
		if (f->zero != '0')
			for (i = 0; i < t.n; i++)
				if (t.c[i] >= '0' && t.c[i] <= '9')
					t.c[i] = t.c[i] - '0' + f->zero;
		if (f->regular) {
			int n = ((int)t.n - 1) / f->seps[0].position, ii;

			for (ii = n; ii > 0; ii--)
				insert(&t, t.n - (size_t)(ii * f->seps[0].position), f->seps[0].character);
		} else {
			/* the separators from the left (the reference reverses its list) */
			for (k = f->nsep - 1; k >= 0; k--) {
				long at = (long)t.n - f->seps[k].position;

				insert(&t, at < 0 ? 0 : (size_t)at, f->seps[k].character);
			}
		}
		if (f->ordinal && t.n > 0) {
			unsigned last = t.n ? t.c[t.n - 1] : 0;
			const char *suffix = last == '1' ? "st" : last == '2' ? "nd" : last == '3' ? "rd" : NULL;

			if (!suffix || (t.n > 1 && t.c[t.n - 2] == '1'))
				suffix = "th";
			puts_ascii(&t, suffix);
		}
		break;
	}
	case SEQUENCE:
		free(t.c);
		return fail(err, "D3130", "Formatting or parsing an integer as a sequence starting with \"%s\" is not supported by this implementation",
			    f->token);
	}
	if (negative)
		put(out, '-');
	put_text(out, &t, 0, t.n);
	if (t.oom)
		out->oom = true;
	free(t.c);
	return true;
}

json_t *
aslp_jn_format_integer(double value, const char *picture, size_t len, struct jn_err *err)
{
	struct text pic = { 0 }, out = { 0 };
	struct intformat f;
	json_t *r = NULL;

	if (decode(&pic, picture, len) && analyse_integer(&pic, 0, pic.n, &f, err) &&
	    format_integer(&out, floor(value), &f, err))
		r = encode(&out);
	if (!r && !err->code)
		fail(err, "U1000", "%s", "out of memory");
	free(pic.c);
	free(out.c);
	return r;
}

/* ---- dates ---- */

struct marker {
	unsigned component;
	struct text pres1;	/* presentation1 */
	unsigned pres2;		/* 0, or one of atco */
	bool has_width;
	double wmin, wmax;	/* NAN: none */
	enum tcase names;
	bool has_names;
	bool has_int;
	struct intformat ifmt;
	int n;			/* Y M D: digits kept; -1 all */
};

#define DAY_MS 86400000.0

/* Date.UTC(year, month0) with month0 possibly 12 or -1. */
static double
utc(int64_t year, int month0)
{
	while (month0 > 11) {
		month0 -= 12;
		year++;
	}
	while (month0 < 0) {
		month0 += 12;
		year--;
	}
	return (double)aslp_days_from_civil(year, month0 + 1, 1) * DAY_MS;
}

/* startOfFirstWeek: the Monday of the week holding the 4th of the month. */
static double
first_week(int64_t year, int month0)
{
	double jan1 = utc(year, month0);
	int64_t days = (int64_t)floor(jan1 / DAY_MS);
	int dow = (int)(((days % 7) + 11) % 7);	/* 0 Sunday: 1970-01-01 was a Thursday */

	if (dow == 0)
		dow = 7;
	return dow > 4 ? jan1 + (8 - dow) * DAY_MS : jan1 - (dow - 1) * DAY_MS;
}

struct when {
	double ms;
	int64_t year;
	int month, day, hour, minute, second, milli, dow;	/* dow 1 Monday .. 7 Sunday */
	int64_t days;
};

static void
when_of(double ms, struct when *w)
{
	double day_ms;

	w->ms = ms;
	w->days = (int64_t)floor(ms / DAY_MS);
	day_ms = ms - (double)w->days * DAY_MS;
	aslp_civil_from_days(w->days, &w->year, &w->month, &w->day);
	w->hour = (int)(day_ms / 3600000);
	w->minute = (int)fmod(day_ms / 60000, 60);
	w->second = (int)fmod(day_ms / 1000, 60);
	w->milli = (int)fmod(day_ms, 1000);
	w->dow = (int)(((w->days % 7) + 11) % 7);
	if (w->dow == 0)
		w->dow = 7;
}

/* getDateTimeFragment, for the numeric components. */
static double
fragment(const struct when *w, unsigned c)
{
	double today = (double)aslp_days_from_civil(w->year, w->month, w->day) * DAY_MS, start, week;

	switch (c) {
	case 'Y': return (double)w->year;
	case 'M': return w->month;
	case 'D': return w->day;
	case 'd': return (today - utc(w->year, 0)) / DAY_MS + 1;
	case 'F': return w->dow;
	case 'W':
		start = first_week(w->year, 0);
		week = (today - start) / (DAY_MS * 7) + 1;
		if (week > 52) {
			if (today >= first_week(w->year + 1, 0))
				week = 1;
		} else if (week < 1) {
			week = (today - first_week(w->year - 1, 0)) / (DAY_MS * 7) + 1;
		}
		return floor(week);
	case 'w':
		start = first_week(w->year, w->month - 1);
		week = (today - start) / (DAY_MS * 7) + 1;
		if (week > 4) {
			if (today >= first_week(w->year, w->month))
				week = 1;
		} else if (week < 1) {
			week = (today - first_week(w->year, w->month - 2)) / (DAY_MS * 7) + 1;
		}
		return floor(week);
	case 'X':
		if (w->ms < first_week(w->year, 0))
			return (double)(w->year - 1);
		if (w->ms >= first_week(w->year + 1, 0))
			return (double)(w->year + 1);
		return (double)w->year;
	case 'x':
		if (w->ms < first_week(w->year, w->month - 1))
			return w->month == 1 ? 12 : w->month - 1;
		if (w->ms >= first_week(w->year, w->month))
			return w->month == 12 ? 1 : w->month + 1;
		return w->month;
	case 'H': return w->hour;
	case 'h': return w->hour % 12 == 0 ? 12 : w->hour % 12;
	case 'm': return w->minute;
	case 's': return w->second;
	case 'f': return w->milli;
	default: return 0;
	}
}

static const char *const day_names[] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
};
static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December"
};

static bool
in_ascii(unsigned c, const char *set)
{
	return c < 128 && c && strchr(set, (int)c);
}

/* parseInt of t[from, to): NAN if it has no leading digits. */
static double
parse_int(const struct text *t, size_t from, size_t to)
{
	double v = 0;
	size_t i = from;
	bool neg = false, any = false;

	while (i < to && (t->c[i] == ' ' || t->c[i] == '\t'))
		i++;
	if (i < to && (t->c[i] == '-' || t->c[i] == '+'))
		neg = t->c[i++] == '-';
	for (; i < to && t->c[i] >= '0' && t->c[i] <= '9'; i++, any = true)
		v = v * 10 + (t->c[i] - '0');
	return any ? (neg ? -v : v) : NAN;
}

/* analyseDateTimePicture's marker pic[from, to) (between [ and ]), blanks removed. */
static bool
analyse_marker(const struct text *raw, size_t from, size_t to, struct marker *m,
	       struct jn_err *err)
{
	struct text mk = { 0 };
	long comma = -1;
	size_t i, pfrom, pto;
	static const char *const defaults = "Y1M1D1d1FnW1w1X1x1H1h1PnmCsCf1ZZzZCnEn";

	memset(m, 0, sizeof *m);
	m->n = -1;
	m->wmin = m->wmax = NAN;
	for (i = from; i < to; i++)
		if (!in_ascii(raw->c[i], " \t\n\r\f\v"))
			put(&mk, raw->c[i]);
	if (mk.oom)
		return fail(err, "U1000", "%s", "out of memory");
	m->component = mk.n ? mk.c[0] : 0;
	for (i = 0; i < mk.n; i++)
		if (mk.c[i] == ',')
			comma = (long)i;
	if (comma >= 0) {
		long dash = index_of(&mk, '-', (size_t)comma + 1);
		size_t wend = dash >= 0 ? (size_t)dash : mk.n;

		m->has_width = true;
		if (!(wend == (size_t)comma + 2 && mk.c[comma + 1] == '*'))
			m->wmin = parse_int(&mk, (size_t)comma + 1, wend);
		if (dash >= 0 && !((size_t)dash + 2 == mk.n && mk.c[dash + 1] == '*'))
			m->wmax = parse_int(&mk, (size_t)dash + 1, mk.n);
		pto = (size_t)comma;
	} else {
		pto = mk.n;
	}
	pfrom = 1;
	if (pto > pfrom + 1 && in_ascii(mk.c[pto - 1], "atco")) {
		m->pres2 = mk.c[pto - 1];
		put_text(&m->pres1, &mk, pfrom, pto - 1);
	} else if (pto > pfrom) {
		put_text(&m->pres1, &mk, pfrom, pto);
	} else {
		/* the default presentation of the component */
		const char *d = NULL;

		for (i = 0; defaults[i]; i += 2)
			if ((unsigned char)defaults[i] == m->component)
				d = defaults + i + 1;
		if (d) {
			if (*d == 'C')
				puts_ascii(&m->pres1, "01");	/* m, s */
			else if (*d == 'Z')
				puts_ascii(&m->pres1, "01:01");
			else
				put(&m->pres1, (unsigned char)*d);
		}
	}
	free(mk.c);
	if (m->pres1.n == 0) {
		char comp[8] = { 0 };

		if (m->component < 128)
			comp[0] = (char)m->component;
		return fail(err, "D3132", "Unknown component specifier \"%s\" in date/time picture string", comp);
	}
	if (m->pres1.c[0] == 'n') {
		m->has_names = true;
		m->names = LOWER;
	} else if (m->pres1.c[0] == 'N') {
		m->has_names = true;
		m->names = m->pres1.n > 1 && m->pres1.c[1] == 'n' ? TITLE : UPPER;
	} else if (in_ascii(m->component, "YMDdFWwXxHhmsf")) {
		struct text ip = { 0 };

		put_text(&ip, &m->pres1, 0, m->pres1.n);
		if (m->pres2) {
			put(&ip, ';');
			put(&ip, m->pres2);
		}
		if (!analyse_integer(&ip, 0, ip.n, &m->ifmt, err)) {
			free(ip.c);
			return false;
		}
		free(ip.c);
		m->has_int = true;
		if (m->has_width && !isnan(m->wmin) && m->ifmt.mandatory < m->wmin)
			m->ifmt.mandatory = (int)m->wmin;
		if (in_ascii(m->component, "YMD")) {
			m->n = -1;
			if (m->has_width && !isnan(m->wmax)) {
				m->n = (int)m->wmax;
				m->ifmt.mandatory = m->n;
			} else if (m->ifmt.mandatory + m->ifmt.optional >= 2) {
				m->n = m->ifmt.mandatory + m->ifmt.optional;
			}
		}
	}
	if (m->component == 'Z' || m->component == 'z') {
		if (!analyse_integer(&m->pres1, 0, m->pres1.n, &m->ifmt, err))
			return false;
		m->has_int = true;
	}
	return true;
}

/* formatComponent, appended to out. */
static bool
format_component(struct text *out, const struct when *w, const struct marker *m, int off_h,
		 int off_m, struct jn_err *err)
{
	unsigned c = m->component;
	size_t i, start = out->n;

	if (in_ascii(c, "YMDdFWwXxHhms")) {
		double v = fragment(w, c);

		if (c == 'Y' && m->n != -1)
			v = fmod(v, pow(10, m->n));
		if (m->has_names) {
			const char *name;

			if (c == 'M' || c == 'x')
				name = month_names[((int)v + 11) % 12];
			else if (c == 'F')
				name = day_names[(int)v];
			else {
				char comp[2] = { (char)c, 0 };

				return fail(err, "D3133", "The 'name' modifier can only be applied to months and days in the date/time picture string, not \"%s\"", comp);
			}
			puts_ascii(out, name);
			for (i = start; i < out->n; i++)
				if (m->names == UPPER)
					out->c[i] = (unsigned)toupper((int)out->c[i]);
				else if (m->names == LOWER)
					out->c[i] = (unsigned)tolower((int)out->c[i]);
			if (m->has_width && !isnan(m->wmax) && out->n - start > m->wmax)
				out->n = start + (size_t)m->wmax;
			return true;
		}
		return m->has_int ? format_integer(out, v, &m->ifmt, err) : true;
	}
	if (c == 'f')
		return m->has_int ? format_integer(out, fragment(w, 'f'), &m->ifmt, err) : true;
	if (c == 'Z' || c == 'z') {
		int offset = off_h * 100 + off_m;

		if (c == 'z')
			puts_ascii(out, "GMT");
		if (offset >= 0)
			put(out, '+');
		if (m->ifmt.regular) {
			if (!format_integer(out, offset, &m->ifmt, err))
				return false;
		} else if (m->ifmt.mandatory == 1 || m->ifmt.mandatory == 2) {
			if (!format_integer(out, off_h, &m->ifmt, err))
				return false;
			if (off_m != 0) {
				struct intformat two;
				struct text p = { 0 };

				puts_ascii(&p, "00");
				analyse_integer(&p, 0, p.n, &two, err);
				free(p.c);
				put(out, ':');
				if (!format_integer(out, off_m, &two, err))
					return false;
			}
		} else if (m->ifmt.mandatory == 3 || m->ifmt.mandatory == 4) {
			if (!format_integer(out, offset, &m->ifmt, err))
				return false;
		} else {
			return fail(err, "D3134", "%s", "The timezone integer format specifier cannot have more than four digits");
		}
		if (offset == 0 && m->pres2 == 't') {
			out->n = start;
			put(out, 'Z');
		}
		return true;
	}
	if (c == 'P') {
		puts_ascii(out, w->hour >= 12 ? "pm" : "am");
		if (m->has_names && m->names == UPPER)
			for (i = start; i < out->n; i++)
				out->c[i] = (unsigned)toupper((int)out->c[i]);
		return true;
	}
	if (c == 'C' || c == 'E') {
		puts_ascii(out, "ISO");
		return true;
	}
	/* other components: the reference appends undefined */
	puts_ascii(out, "undefined");
	return true;
}

json_t *
aslp_jn_format_datetime(double millis, const char *picture, size_t len, const char *tz,
			struct jn_err *err)
{
	static const char iso[] = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
	struct text pic = { 0 }, out = { 0 };
	struct when w;
	int off_h = 0, off_m = 0;
	size_t pos = 0, start = 0;
	json_t *r = NULL;

	if (tz) {
		/* parseInt(timezone): +hhmm, with the reference's arithmetic */
		long offset = strtol(tz, NULL, 10);

		off_h = (int)floor((double)offset / 100);
		off_m = (int)(offset % 100);
	}
	/* JavaScript's dates end 8.64e15 ms either side of 1970 */
	if (!(fabs(millis + (60.0 * off_h + off_m) * 60000) <= 8.64e15)) {
		char n[40];

		snprintf(n, sizeof n, "%.17g", millis);
		fail(err, "U1014", "The time %s is out of JavaScript's range of dates", n);
		goto out;
	}
	if (!decode(&pic, picture ? picture : iso, picture ? len : strlen(iso)))
		goto oom;
	when_of(millis + (60.0 * off_h + off_m) * 60000, &w);
	while (pos < pic.n) {
		if (pic.c[pos] != '[') {
			pos++;
			continue;
		}
		if (pos + 1 < pic.n && pic.c[pos + 1] == '[') {
			/* a literal [ */
			literal(&out, &pic, start, pos);
			put(&out, '[');
			pos += 2;
			start = pos;
			continue;
		}
		literal(&out, &pic, start, pos);
		{
			long close = index_of(&pic, ']', pos);
			struct marker m;
			bool ok;

			if (close < 0) {
				fail(err, "D3135", "%s", "No matching closing bracket ']' in date/time picture string");
				goto out;
			}
			ok = analyse_marker(&pic, pos + 1, (size_t)close, &m, err) &&
			     format_component(&out, &w, &m, off_h, off_m, err);
			free(m.pres1.c);
			if (!ok)
				goto out;
			pos = (size_t)close + 1;
			start = pos;
		}
	}
	literal(&out, &pic, start, pos);
	if (out.oom)
		goto oom;
	r = encode(&out);
	if (!r)
		goto oom;
	goto out;
oom:
	fail(err, "U1000", "%s", "out of memory");
out:
	free(pic.c);
	free(out.c);
	return r;
}

/* ---- parsing: $parseInteger, and $toMillis with a picture ---- */

#include "jsregex.h"

/* The values of the number words, as the reference's wordValues. */
static bool
word_value(const char *w, size_t n, double *v)
{
	static const char *const tens[] = {
		"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"
	};
	static const char *const mags[] = { "thousand", "million", "billion", "trillion" };
	char lw[32], t[40];
	int i;

	if (n == 0 || n >= sizeof lw)
		return false;
	memcpy(lw, w, n);
	lw[n] = '\0';
	for (i = 0; i < 20; i++) {
		snprintf(t, sizeof t, "%s", few[i]);
		t[0] = (char)tolower((unsigned char)t[0]);
		if (strcmp(lw, t) == 0)
			return (*v = i, true);
		snprintf(t, sizeof t, "%s", ordinals[i]);
		t[0] = (char)tolower((unsigned char)t[0]);
		if (strcmp(lw, t) == 0)
			return (*v = i, true);
	}
	for (i = 0; i < 9; i++) {
		size_t l = strlen(tens[i]);

		if (strcmp(lw, tens[i]) == 0)
			return (*v = (i + 2) * 10, true);
		snprintf(t, sizeof t, "%.*sieth", (int)(l - 1), tens[i]);
		if (strcmp(lw, t) == 0)
			return (*v = (i + 2) * 10, true);
	}
	if (strcmp(lw, "hundredth") == 0)
		return (*v = 100, true);
	for (i = 0; i < 4; i++) {
		snprintf(t, sizeof t, "%sth", mags[i]);
		if (strcmp(lw, mags[i]) == 0 || strcmp(lw, t) == 0)
			return (*v = pow(10, (i + 1) * 3), true);
	}
	return false;
}

/* wordsToNumber of lower-case ASCII text s: NAN if a word is unknown. */
static double
words_to_number(const char *s, size_t len)
{
	double segs[64], v;
	int nseg = 1;
	size_t i = 0;

	segs[0] = 0;
	while (i <= len) {
		/* the next part: up to ", ", " and ", a blank, '\' or '-' */
		size_t j = i;

		while (j < len && !(s[j] == ',' && j + 1 < len && isspace((unsigned char)s[j + 1])) &&
		       !(isspace((unsigned char)s[j]) && j + 4 < len && memcmp(s + j + 1, "and", 3) == 0 &&
			 isspace((unsigned char)s[j + 4])) &&
		       !isspace((unsigned char)s[j]) && s[j] != '\\' && s[j] != '-')
			j++;
		if (!word_value(s + i, j - i, &v))
			return NAN;
		if (v < 100) {
			double top = segs[--nseg];

			if (top >= 1000) {
				segs[nseg++] = top;
				top = 0;
			}
			if (nseg < 64)
				segs[nseg++] = top + v;
		} else {
			segs[nseg - 1] *= v;
		}
		if (j >= len)
			break;
		/* skip the separator */
		if (s[j] == ',')
			j += 2;
		else if (isspace((unsigned char)s[j]) && j + 4 < len && memcmp(s + j + 1, "and", 3) == 0 &&
			 isspace((unsigned char)s[j + 4]))
			j += 5;
		else
			j += 1;
		i = j;
	}
	for (v = 0, i = 0; i < (size_t)nseg; i++)
		v += segs[i];
	return v;
}

/* The parse of an integer's text s by format f (generateRegex's parse). */
static double
parse_integer_text(const char *s, size_t len, const struct intformat *f)
{
	struct text t = { 0 };
	double v = 0;
	size_t i;

	switch (f->primary) {
	case LETTERS: {
		unsigned a = f->tcase == UPPER ? 'A' : 'a';

		for (i = 0; i < len; i++)
			v += ((unsigned char)s[len - i - 1] - (double)a + 1) * pow(26, (double)i);
		return v;
	}
	case ROMAN: {
		double max = 1;

		for (i = len; i > 0; i--) {
			int c = f->tcase == UPPER ? (unsigned char)s[i - 1] : toupper((unsigned char)s[i - 1]);
			const char *k = strchr("MDCLXVI", c);
			static const double vals[] = { 1000, 500, 100, 50, 10, 5, 1 };
			double d;

			if (!c || !k)
				return NAN;
			d = vals[k - "MDCLXVI"];
			if (d < max) {
				v -= d;
			} else {
				max = d;
				v += d;
			}
		}
		return v;
	}
	case WORDS: {
		char *low = malloc(len + 1);

		if (!low)
			return NAN;
		for (i = 0; i < len; i++)
			low[i] = (char)tolower((unsigned char)s[i]);
		v = words_to_number(low, len);
		free(low);
		return v;
	}
	case DECIMAL: {
		size_t n;
		int k;
		char digits[64];
		bool any = false;

		if (!decode(&t, s, len))
			return NAN;
		n = t.n;
		if (f->ordinal)
			n = n >= 2 ? n - 2 : 0;
		for (i = 0, k = 0; i < n && k < 62; i++) {
			unsigned c = t.c[i];
			bool sep = false;
			int g;

			if (f->regular)
				sep = c == ',';	/* the reference splits on a comma here */
			for (g = 0; !f->regular && g < f->nsep; g++)
				sep = sep || c == f->seps[g].character;
			if (sep)
				continue;
			if (f->zero != '0')
				c = c - f->zero + '0';
			if (!any && k == 0 && (c == '-' || c == '+')) {
				digits[k++] = (char)c;
				continue;
			}
			if (c < '0' || c > '9')
				break;	/* parseInt stops at the first non-digit */
			digits[k++] = (char)c;
			any = true;
		}
		digits[k] = '\0';
		free(t.c);
		return any ? strtod(digits, NULL) : NAN;
	}
	default:
		return NAN;
	}
}

bool
aslp_jn_parse_integer(const char *value, size_t vlen, const char *picture, size_t plen,
		      double *out, struct jn_err *err)
{
	struct text pic = { 0 };
	struct intformat f;
	bool ok;

	ok = decode(&pic, picture, plen) && analyse_integer(&pic, 0, pic.n, &f, err);
	free(pic.c);
	if (!ok)
		return err->code ? false : fail(err, "U1000", "%s", "out of memory");
	if (f.primary == SEQUENCE)
		return fail(err, "D3130", "Formatting or parsing an integer as a sequence starting with \"%s\" is not supported by this implementation",
			    f.token);
	*out = parse_integer_text(value, vlen, &f);
	return true;
}

/* A part of the picture as a regular expression, and how its match is read. */
enum pkind { P_LITERAL, P_ZONE, P_INTEGER, P_NAMES };
struct ppart {
	enum pkind kind;
	unsigned component;
	struct intformat ifmt;
	unsigned zone_sep;	/* P_ZONE: the separator of a regular format, or 0 */
	double wmax;		/* P_NAMES: the width's max, NAN none */
};

static void
re_literal(struct aslp_buf *re, const struct text *t, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (in_ascii(t->c[i], ".*+?^${}()|[]\\"))
			aslp_buf_put(re, "\\", 1);
		aslp_utf8_put(re, t->c[i]);
		if (t->c[i] == ']' && i + 1 < to && t->c[i + 1] == ']')
			i++;
	}
}

static void
re_integer(struct aslp_buf *re, const struct intformat *f, int n)
{
	char occ[48];

	if (n > 0 && f->optional == 0)
		snprintf(occ, sizeof occ, "{%d}", n);
	else if (n > 0)
		snprintf(occ, sizeof occ, "{%d,%d}", n - f->optional, n);
	else
		snprintf(occ, sizeof occ, "+");
	switch (f->primary) {
	case LETTERS:
		aslp_buf_put(re, f->tcase == UPPER ? "[A-Z]+" : "[a-z]+", 6);
		break;
	case ROMAN:
		aslp_buf_put(re, f->tcase == UPPER ? "[MDCLXVI]+" : "[mdclxvi]+", 10);
		break;
	case WORDS: {
		static const char *const w =
			"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
			"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|zeroth|first|"
			"second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
			"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
			"twenty|twentieth|thirty|thirtieth|forty|fortieth|fifty|fiftieth|sixty|"
			"sixtieth|seventy|seventieth|eighty|eightieth|ninety|ninetieth|hundred|"
			"hundreieth|hundredth|thousand|thousandth|million|millionth|billion|"
			"billionth|trillion|trillionth|and|[\\-, ])+";

		aslp_buf_put(re, w, strlen(w));
		break;
	}
	default:
		aslp_buf_put(re, "[0-9]", 5);
		aslp_buf_put(re, occ, strlen(occ));
		if (f->ordinal)
			aslp_buf_put(re, "(?:th|st|nd|rd)", 15);
		break;
	}
}

/* Date.UTC with the reference's components (month 0-based; any may overflow). */
static double
date_utc(double y, double m, double d, double h, double mi, double s, double f)
{
	double ym, mn;

	if (isnan(y) || isnan(m) || isnan(d) || isnan(h) || isnan(mi) || isnan(s) || isnan(f))
		return NAN;
	y = trunc(y);
	m = trunc(m);
	ym = y + floor(m / 12);
	mn = m - floor(m / 12) * 12;
	if (fabs(ym) > 300000)
		return NAN;
	return ((double)aslp_days_from_civil((int64_t)ym, (int)mn + 1, 1) + trunc(d) - 1) * DAY_MS +
	       trunc(h) * 3600000 + trunc(mi) * 60000 + trunc(s) * 1000 + trunc(f);
}

bool
aslp_jn_parse_datetime(const char *ts, size_t tlen, const char *picture, size_t plen,
		       double now_ms, double *out, bool *undef, struct jn_err *err)
{
	struct text pic = { 0 };
	struct aslp_buf re = { 0 };
	struct ppart parts[64];
	int np = 0, k;
	size_t pos = 0, start = 0;
	struct aslp_re *rx = NULL;
	long caps[2 * 65];
	double comp[128];
	bool have[128] = { false }, ok = false, any = false;
	const char *why;

	*undef = false;
	for (k = 0; k < 128; k++)
		comp[k] = NAN;	/* undefined */
	if (!decode(&pic, picture, plen)) {
		fail(err, "U1000", "%s", "out of memory");
		goto out;
	}
	aslp_buf_put(&re, "^", 1);
	/* analyseDateTimePicture, each part made a group of the expression */
	while (pos <= pic.n && np < 62) {
		if (pos < pic.n && pic.c[pos] != '[') {
			pos++;
			continue;
		}
		if (pos > start) {
			aslp_buf_put(&re, "(", 1);
			re_literal(&re, &pic, start, pos);
			aslp_buf_put(&re, ")", 1);
			parts[np++].kind = P_LITERAL;
		}
		if (pos == pic.n)
			break;
		if (pos + 1 < pic.n && pic.c[pos + 1] == '[') {
			aslp_buf_put(&re, "(\\[)", 4);
			parts[np++].kind = P_LITERAL;
			pos += 2;
			start = pos;
			continue;
		}
		{
			long close = index_of(&pic, ']', pos);
			struct marker m;
			struct ppart *pp = &parts[np];

			if (close < 0) {
				fail(err, "D3135", "%s", "No matching closing bracket ']' in date/time picture string");
				goto out;
			}
			if (!analyse_marker(&pic, pos + 1, (size_t)close, &m, err)) {
				free(m.pres1.c);
				goto out;
			}
			memset(pp, 0, sizeof *pp);
			pp->component = m.component;
			pp->wmax = m.has_width ? m.wmax : NAN;
			aslp_buf_put(&re, "(", 1);
			if (m.component == 'Z' || m.component == 'z') {
				pp->kind = P_ZONE;
				pp->zone_sep = m.ifmt.regular ? m.ifmt.seps[0].character : 0;
				if (m.component == 'z')
					aslp_buf_put(&re, "GMT", 3);
				aslp_buf_put(&re, "[-+][0-9]+", 10);
				if (pp->zone_sep) {
					aslp_utf8_put(&re, pp->zone_sep);
					aslp_buf_put(&re, "[0-9]+", 6);
				}
			} else if (m.has_int) {
				pp->kind = P_INTEGER;
				pp->ifmt = m.ifmt;
				if (pp->ifmt.primary == SEQUENCE) {
					free(m.pres1.c);
					fail(err, "D3130", "Formatting or parsing an integer as a sequence starting with \"%s\" is not supported by this implementation",
					     pp->ifmt.token);
					goto out;
				}
				re_integer(&re, &pp->ifmt, m.n);
			} else {
				pp->kind = P_NAMES;
				if (!in_ascii(m.component, "MxFP")) {
					char c[2] = { (char)m.component, 0 };

					free(m.pres1.c);
					fail(err, "D3133", "The 'name' modifier can only be applied to months and days in the date/time picture string, not \"%s\"", c);
					goto out;
				}
				aslp_buf_put(&re, "[a-zA-Z]+", 9);
			}
			aslp_buf_put(&re, ")", 1);
			free(m.pres1.c);
			np++;
			pos = (size_t)close + 1;
			start = pos;
		}
	}
	aslp_buf_put(&re, "$", 1);
	if (re.oom || !(rx = aslp_re_compile(re.s, re.len, "i", &why))) {
		fail(err, "U1009", "aslc cannot read this date picture: %s", re.oom ? "out of memory" : why);
		goto out;
	}
	if (aslp_re_exec(rx, ts, tlen, 0, caps) != 1) {
		*undef = true;	/* the reference returns undefined when it does not match */
		ok = true;
		goto out;
	}
	for (k = 0; k < np; k++) {
		const char *s = ts + caps[2 * (k + 1)];
		size_t l = (size_t)(caps[2 * (k + 1) + 1] - caps[2 * (k + 1)]);
		struct ppart *pp = &parts[k];
		double v = NAN;

		if (pp->kind == P_LITERAL || caps[2 * (k + 1)] < 0)
			continue;
		if (pp->kind == P_ZONE) {
			char buf[64];
			size_t off = pp->component == 'z' ? 3 : 0;

			snprintf(buf, sizeof buf, "%.*s", (int)(l - off), s + off);
			if (pp->zone_sep) {
				char *sep = strchr(buf, (int)pp->zone_sep);

				v = sep ? strtol(buf, NULL, 10) * 60.0 + strtol(sep + 1, NULL, 10) : NAN;
			} else if (strlen(buf) - 1 <= 2) {
				v = strtol(buf, NULL, 10) * 60.0;
			} else {
				char h[4];

				snprintf(h, sizeof h, "%.3s", buf);
				v = strtol(h, NULL, 10) * 60.0 + strtol(buf + 3, NULL, 10);
			}
		} else if (pp->kind == P_INTEGER) {
			v = parse_integer_text(s, l, &pp->ifmt);
		} else {
			int i;

			if (pp->component == 'P') {
				v = (l == 2 && (memcmp(s, "am", 2) == 0 || memcmp(s, "AM", 2) == 0)) ? 0 :
				    (l == 2 && (memcmp(s, "pm", 2) == 0 || memcmp(s, "PM", 2) == 0)) ? 1 : NAN;
			} else {
				bool month = pp->component == 'M' || pp->component == 'x';

				for (i = month ? 0 : 1; i < (month ? 12 : 8); i++) {
					const char *name = month ? month_names[i] : day_names[i];
					size_t nl = strlen(name);

					if (!isnan(pp->wmax) && pp->wmax > 0 && pp->wmax < (double)nl)
						nl = (size_t)pp->wmax;
					if (nl == l && memcmp(name, s, l) == 0) {
						v = month ? i + 1 : i;
						break;
					}
				}
			}
			if (isnan(v))
				continue;	/* lookup[value] undefined: the component is not set */
		}
		if (pp->component < 128) {
			comp[pp->component] = v;
			have[pp->component] = true;
			any = true;
		}
	}
	if (!any) {
		*undef = true;
		ok = true;
		goto out;
	}
	{
		/* the masks of the date and time components given */
		static const char dparts[] = "YXMxWwdD", tparts[] = "PHhmsf";
		int mask = 0, i;
		bool dateA, dateB, dateC, dateD, timeA, timeB, started = false, ended = false;
		const char *dcomps, *tcomps;
		char comps[16];
		struct when nw;

#define ISTYPE(t) (!(~(t) & mask) && !!((t) & mask))
		for (i = 0; dparts[i]; i++)
			mask = (mask << 1) | (have[(int)dparts[i]] && comp[(int)dparts[i]] != 0 && !isnan(comp[(int)dparts[i]]));
		dateA = ISTYPE(161);
		dateB = !dateA && ISTYPE(130);
		dateC = ISTYPE(84);
		dateD = !dateC && ISTYPE(72);
		mask = 0;
		for (i = 0; tparts[i]; i++)
			mask = (mask << 1) | (have[(int)tparts[i]] && comp[(int)tparts[i]] != 0 && !isnan(comp[(int)tparts[i]]));
		timeA = ISTYPE(23);
		timeB = !timeA && ISTYPE(47);
#undef ISTYPE
		dcomps = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD";
		tcomps = timeB ? "Phmsf" : "Hmsf";
		snprintf(comps, sizeof comps, "%s%s", dcomps, tcomps);
		when_of(now_ms, &nw);
		for (i = 0; comps[i]; i++) {
			int c = comps[i];

			if (!have[c]) {
				if (started) {
					comp[c] = strchr("MDd", c) ? 1 : 0;
					ended = true;
				} else {
					/* from now; $now's P is am or pm, never the 1 of a parsed pm */
					comp[c] = c == 'P' ? 0 : fragment(&nw, (unsigned)c);
				}
				have[c] = true;
			} else {
				started = true;
				if (ended) {
					fail(err, "D3136", "%s", "The date/time picture string is missing specifiers required to parse the timestamp");
					goto out;
				}
			}
		}
		comp['M'] = comp['M'] > 0 ? comp['M'] - 1 : 0;
		if (dateB) {
			double d = date_utc(comp['Y'], 0, 1, 0, 0, 0, 0) + (comp['d'] - 1) * DAY_MS;
			struct when dw;

			when_of(d, &dw);
			comp['M'] = dw.month - 1;
			comp['D'] = dw.day;
		}
		if (dateC || dateD) {
			fail(err, "D3136", "%s", "The date/time picture string is missing specifiers required to parse the timestamp");
			goto out;
		}
		if (timeB) {
			comp['H'] = comp['h'] == 12 ? 0 : comp['h'];
			if (comp['P'] == 1)
				comp['H'] += 12;
		}
		*out = date_utc(comp['Y'], comp['M'], comp['D'], comp['H'], comp['m'], comp['s'],
				comp['f']);
		if (have['Z'] && comp['Z'] != 0 && !isnan(comp['Z']))
			*out -= comp['Z'] * 60000;
		else if (have['z'] && comp['z'] != 0 && !isnan(comp['z']))
			*out -= comp['z'] * 60000;
		ok = true;
	}
out:
	aslp_re_free(rx);
	free(re.s);
	free(pic.c);
	return ok;
}
