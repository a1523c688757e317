/*
** jsonloc.c - from JSON Pointer to line and column.
**
** jansson gives positions for parse errors only; the values it decodes
** carry none. Every IR node instead keeps the JSON Pointer of the field it
** came from, which costs nothing, and when a diagnostic is printed this
** file scans the source once and records where each value and each member
** name starts (the idea of jq's locfile: keep a cheap handle, convert
** late). jansson has already validated the text, so the scanner does not.
** Columns count characters, as jansson's do, so both kinds of error agree.
** A definition written in YAML fills a table itself (yaml.c), through
** jsonloc_new() and jsonloc_add().
*/
#include "aslc.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	char *ptr;
	int line, col;		/* the value */
	int kline, kcol;	/* its member name, or 0 */
	struct entry *next;
};

struct jsonloc {
	const char *s, *end;
	const char *line_start;
	int line;
	const char *col_at;	/* a position on this line whose column is known */
	int col;		/* its column */
	struct entry **table;
	size_t size;
};

/*
** The column of at, counting characters. Positions are asked for in
** increasing order, so counting on from the last one keeps the scan
** linear even when the whole document is on one line.
*/
static int
column(struct jsonloc *jl, const char *at)
{
	const char *p;

	if (jl->col_at < jl->line_start || jl->col_at > at) {
		jl->col_at = jl->line_start;
		jl->col = 1;
	}
	for (p = jl->col_at; p < at; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			jl->col++;
	jl->col_at = at;
	return jl->col;
}

static void
record(struct jsonloc *jl, const char *ptr, int line, int col, int kline, int kcol)
{
	struct entry *e = xmalloc(sizeof *e);
	size_t h = hash_string(ptr) % jl->size;

	e->ptr = xstrdup(ptr);
	e->line = line;
	e->col = col;
	e->kline = kline;
	e->kcol = kcol;
	e->next = jl->table[h];
	jl->table[h] = e;
}

static void
skip_ws(struct jsonloc *jl)
{
	while (jl->s < jl->end) {
		char c = *jl->s;

		if (c == '\n') {
			jl->line++;
			jl->line_start = jl->s + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		jl->s++;
	}
}

static unsigned
hex4(const char *p)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static void
put_utf8(struct strbuf *b, unsigned c)
{
	char u[4];

	if (c < 0x80) {
		u[0] = (char)c;
		sb_putn(b, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		sb_putn(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		sb_putn(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		sb_putn(b, u, 4);
	}
}

/* Read a string at jl->s (on the quote); decode it into b if not NULL. */
static void
scan_string(struct jsonloc *jl, struct strbuf *b)
{
	jl->s++;
	while (jl->s < jl->end && *jl->s != '"') {
		if (*jl->s == '\\' && jl->s + 1 < jl->end) {
			char e = jl->s[1];
			unsigned c;

			jl->s += 2;
			if (!b)
				continue;
			switch (e) {
			case 'b': sb_putc(b, '\b'); break;
			case 'f': sb_putc(b, '\f'); break;
			case 'n': sb_putc(b, '\n'); break;
			case 'r': sb_putc(b, '\r'); break;
			case 't': sb_putc(b, '\t'); break;
			case 'u':
				c = hex4(jl->s);
				jl->s += 4;
				if (c >= 0xd800 && c < 0xdc00 && jl->s + 6 <= jl->end &&
				    jl->s[0] == '\\' && jl->s[1] == 'u') {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (hex4(jl->s + 2) - 0xdc00);
					jl->s += 6;
				}
				put_utf8(b, c);
				break;
			default: sb_putc(b, e); break;
			}
			continue;
		}
		if (b)
			sb_putc(b, *jl->s);
		jl->s++;
	}
	jl->s++;	/* the closing quote */
}

static void scan_value(struct jsonloc *jl, struct strbuf *ptr, int kline, int kcol);

/* After a member or element: back to the parent's pointer, past a ','. */
static void
next_member(struct jsonloc *jl, struct strbuf *ptr, size_t base)
{
	ptr->len = base;
	if (ptr->s)
		ptr->s[base] = '\0';
	skip_ws(jl);
	if (jl->s < jl->end && *jl->s == ',')
		jl->s++;
}

static void
scan_value(struct jsonloc *jl, struct strbuf *ptr, int kline, int kcol)
{
	size_t base = ptr->len;
	size_t i;

	skip_ws(jl);
	record(jl, ptr->s ? ptr->s : "", jl->line, column(jl, jl->s), kline, kcol);
	if (jl->s >= jl->end)
		return;
	if (*jl->s == '{') {
		jl->s++;
		for (;;) {
			struct strbuf key = { 0 };
			int kl, kc;

			skip_ws(jl);
			if (jl->s >= jl->end || *jl->s == '}')
				break;
			kl = jl->line;
			kc = column(jl, jl->s);
			scan_string(jl, &key);
			sb_putc(ptr, '/');
			for (i = 0; i < key.len; i++) {
				if (key.s[i] == '~')
					sb_puts(ptr, "~0");
				else if (key.s[i] == '/')
					sb_puts(ptr, "~1");
				else
					sb_putc(ptr, key.s[i]);
			}
			sb_free(&key);
			skip_ws(jl);
			jl->s++;	/* ':' */
			scan_value(jl, ptr, kl, kc);
			next_member(jl, ptr, base);
		}
		jl->s++;
	} else if (*jl->s == '[') {
		size_t n = 0;

		jl->s++;
		for (;;) {
			skip_ws(jl);
			if (jl->s >= jl->end || *jl->s == ']')
				break;
			sb_printf(ptr, "/%zu", n++);
			scan_value(jl, ptr, 0, 0);
			next_member(jl, ptr, base);
		}
		jl->s++;
	} else if (*jl->s == '"') {
		scan_string(jl, NULL);
	} else {
		while (jl->s < jl->end && !strchr(",]} \t\r\n", *jl->s))
			jl->s++;
	}
}

struct jsonloc *
jsonloc_new(void)
{
	struct jsonloc *jl = xmalloc(sizeof *jl);

	memset(jl, 0, sizeof *jl);
	jl->size = 1024;
	jl->table = calloc(jl->size, sizeof *jl->table);
	if (!jl->table)
		fatal("out of memory");
	return jl;
}

void
jsonloc_add(struct jsonloc *jl, const char *ptr, int line, int col, int kline,
	    int kcol)
{
	record(jl, ptr, line, col, kline, kcol);
}

struct jsonloc *
jsonloc_build(const char *src, size_t len)
{
	struct jsonloc *jl = jsonloc_new();
	struct strbuf ptr = { 0 };

	jl->s = src;
	jl->end = src + len;
	jl->line_start = src;
	jl->line = 1;
	jl->col_at = src;
	jl->col = 1;
	/* A UTF-8 byte order mark is not part of the document. */
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		jl->s += 3;
	scan_value(jl, &ptr, 0, 0);
	sb_free(&ptr);
	return jl;
}

bool
jsonloc_find(const struct jsonloc *jl, const char *ptr, bool key, int *line,
	     int *col)
{
	const struct entry *e;

	for (e = jl->table[hash_string(ptr) % jl->size]; e; e = e->next) {
		if (strcmp(e->ptr, ptr) != 0)
			continue;
		if (key && e->kline) {
			*line = e->kline;
			*col = e->kcol;
		} else {
			*line = e->line;
			*col = e->col;
		}
		return true;
	}
	return false;
}

void
jsonloc_free(struct jsonloc *jl)
{
	size_t i;

	if (!jl)
		return;
	for (i = 0; i < jl->size; i++) {
		struct entry *e = jl->table[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e->ptr);
			free(e);
		}
	}
	free(jl->table);
	free(jl);
}
