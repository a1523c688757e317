/*
** timeparse.c - timestamps as the service reads them.
**
** The service's messages name java.time's ISO_OFFSET_DATE_TIME ("ISO-8601
** extended offset date-time"), and it behaves as that parser does: a date,
** 'T' (either case), a time with optional seconds and up to nine fraction
** digits, and a zone: 'Z' (either case) or a numeric offset, read
** leniently (+HH, +HHMM, +HH:MM, +HH:MM:SS). Calendar checks are strict:
** no February 30th, no hour 24, no leap second.
**
** This file depends on nothing else in the runtime: aslc links it too, to
** check the timestamps written in a definition with the same rules.
*/
#include "aslrt.h"

#include <stdbool.h>
#include <stddef.h>

static bool
digits(const char *s, size_t len, size_t at, int n, int *out)
{
	int v = 0, i;

	if (at + (size_t)n > len)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[at + (size_t)i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return true;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (aslrt_int.h too). */
#if defined(__GNUC__)
__attribute__((visibility("hidden")))
#endif
int64_t aslp_days_from_civil(int64_t y, int m, int d);

int64_t
aslp_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
asl_parse_time(const char *s, size_t len, asl_time *t)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, os = 0, sign = 1;
	int32_t nsec = 0;
	size_t i;

	if (!digits(s, len, 0, 4, &y) || len < 5 || s[4] != '-' ||
	    !digits(s, len, 5, 2, &mo) || len < 8 || s[7] != '-' ||
	    !digits(s, len, 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (len < 11 || (s[10] != 'T' && s[10] != 't'))
		return -1;
	if (!digits(s, len, 11, 2, &h) || len < 14 || s[13] != ':' ||
	    !digits(s, len, 14, 2, &mi))
		return -1;
	if (h > 23 || mi > 59)
		return -1;
	i = 16;
	if (i < len && s[i] == ':') {
		if (!digits(s, len, i + 1, 2, &sec) || sec > 59)
			return -1;
		i += 3;
		if (i < len && s[i] == '.') {
			int n = 0;

			i++;
			while (i < len && s[i] >= '0' && s[i] <= '9') {
				if (++n > 9)
					return -1;
				nsec = nsec * 10 + (s[i] - '0');
				i++;
			}
			if (n == 0)
				return -1;
			while (n++ < 9)
				nsec *= 10;
		}
	}
	if (i >= len)
		return -1;	/* no zone: a local time, not an instant */
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		/* Lenient offsets: +HH, +HHMM, +HH:MM, +HHMMSS, +HH:MM:SS. */
		sign = s[i] == '-' ? -1 : 1;
		if (!digits(s, len, i + 1, 2, &oh))
			return -1;
		i += 3;
		if (i < len) {
			bool colon = s[i] == ':';

			if (!digits(s, len, i + colon, 2, &om))
				return -1;
			i += colon + 2;
			if (i < len) {
				if ((s[i] == ':') != colon ||
				    !digits(s, len, i + colon, 2, &os))
					return -1;
				i += colon + 2;
			}
		}
		/* java.time.ZoneOffset: at most 18 hours either way. */
		if (om > 59 || os > 59 || oh * 3600 + om * 60 + os > 18 * 3600)
			return -1;
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	t->sec = aslp_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
		 sign * (oh * 3600 + om * 60 + os);
	t->nsec = nsec;
	return 0;
}

