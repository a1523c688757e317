/*
** util.c - memory, strings and the two ways the compiler stops.
**
** The IR lives in one arena for the whole compilation: nodes are never
** freed one by one, and arena_free() returns everything at the end, so the
** compiler stays clean under ASan and valgrind.
*/
#include "aslc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* ---- the arena ---- */

struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

static struct block *arena;

void *
arena_alloc(size_t n)
{
	struct block *b = arena;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->used + n > b->size) {
		size_t size = n > 65536 ? n : 65536;

		b = xmalloc(sizeof *b + size);
		b->next = arena;
		b->used = 0;
		b->size = size;
		arena = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return memset(p, 0, n);
}

char *
arena_strndup(const char *s, size_t n)
{
	char *d = arena_alloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
arena_strdup(const char *s)
{
	return arena_strndup(s, strlen(s));
}

void
temp_template(char *buf, size_t size, const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	int n;

	/* As C compilers do: $TMPDIR, else /tmp. */
	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(buf, size, "%s/aslc-XXXXXX%s", dir, suffix);
	if (n < 0 || (size_t)n >= size)
		fatal("TMPDIR is too long: %s", dir);
}

char *
arena_printf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("bad format");
	s = arena_alloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void
arena_free(void)
{
	while (arena) {
		struct block *b = arena;

		arena = b->next;
		free(b);
	}
}

/* ---- strbuf ---- */

void
sb_putn(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = b->cap ? b->cap : 64;
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_putc(struct strbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

void
sb_puts(struct strbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void
sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		die("bad format");
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = b->cap ? b->cap : 64;
		while (b->len + (size_t)n + 1 > b->cap)
			b->cap *= 2;
		b->s = xrealloc(b->s, b->cap);
	}
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void
sb_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- strmap ---- */

size_t
hash_string(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

int
strmap_get(const struct strmap *m, const char *key)
{
	size_t h;

	if (!m->size)
		return -1;
	for (h = hash_string(key) & (m->size - 1); m->keys[h]; h = (h + 1) & (m->size - 1))
		if (strcmp(m->keys[h], key) == 0)
			return m->vals[h];
	return -1;
}

void
strmap_put(struct strmap *m, const char *key, int val)
{
	size_t h, i;

	if ((m->n + 1) * 2 > m->size) {
		struct strmap old = *m;

		m->size = m->size ? m->size * 2 : 64;
		m->keys = calloc(m->size, sizeof *m->keys);
		m->vals = calloc(m->size, sizeof *m->vals);
		if (!m->keys || !m->vals)
			fatal("out of memory");
		m->n = 0;
		for (i = 0; i < old.size; i++)
			if (old.keys[i])
				strmap_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	for (h = hash_string(key) & (m->size - 1); m->keys[h]; h = (h + 1) & (m->size - 1))
		if (strcmp(m->keys[h], key) == 0) {
			m->vals[h] = val;
			return;
		}
	m->keys[h] = key;
	m->vals[h] = val;
	m->n++;
}

void
strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* ---- stopping ---- */

void
fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("aslc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void
die_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "aslc: internal error at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nplease report this as an aslc bug\n", stderr);
	abort();
}
