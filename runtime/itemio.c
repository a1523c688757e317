/*
** itemio.c - what a Distributed Map reads and writes: S3 objects on local
** files.
**
** An S3 name (s3://bucket/key, or the ARN arn:aws:s3:::bucket/key) is
** bound like a Task's Resource, with --bind NAME=PATH or a bindings file:
** a name that is an object to a file, a bucket or a prefix to a
** directory, the longest name that covers a key winning. ItemReader reads
** the object as the service does: a JSON array (or the array at
** ItemsPointer), JSON Lines, or CSV whose values are all strings.
** ItemBatcher groups items into batches; ResultWriter writes the files a
** Map Run writes to S3: a manifest and the children's results.
*/
#include "aslrt_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- S3 names ---- */

/* "bucket/key" of an S3 name, or NULL if name is none. */
static const char *
s3_part(const char *name)
{
	if (strncmp(name, "s3://", 5) == 0)
		return name + 5;
	if (strncmp(name, "arn:aws:s3:::", 13) == 0)
		return name + 13;
	return NULL;
}

bool
aslp_is_s3_name(const char *name)
{
	const char *p = s3_part(name);

	return p && *p && *p != '/';
}

/* A key must stay inside the directory its bucket is bound to. */
static bool
key_ok(const char *key)
{
	const char *s = key;

	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

/* The name of binding b below "bucket/", if b is one of bucket's; else NULL. */
static const char *
bound_prefix(const struct aslp_binding *b, const char *bucket)
{
	const char *p = b->s3 ? s3_part(b->name) : NULL;
	size_t blen = strlen(bucket);

	if (!p || strncmp(p, bucket, blen) != 0 || (p[blen] && p[blen] != '/'))
		return NULL;
	p += blen;
	return *p == '/' ? p + 1 : p;
}

/*
** The binding that holds s3://bucket/key: of those whose names cover it,
** the longest. *rest gets what of key is below the bound name.
*/
static const struct aslp_binding *
holder(const struct aslp_run *run, const char *bucket, const char *key, const char **rest)
{
	const struct aslp_binding *best = NULL;
	size_t bestlen = 0;
	int i;

	for (i = 0; i < run->nbinding; i++) {
		const struct aslp_binding *b = &run->bindings[i];
		const char *p = bound_prefix(b, bucket);	/* "", "prefix" or "prefix/" */
		size_t n;

		if (!p)
			continue;
		n = strlen(p);
		if (n && strncmp(key, p, n) != 0)
			continue;
		/* A prefix without "/" names an object, or a directory at "/". */
		if (n && p[n - 1] != '/' && key[n] && key[n] != '/')
			continue;
		if (best && n < bestlen)
			continue;
		best = b;
		bestlen = n;
		*rest = key + n;
	}
	return best;
}

/* The file or directory a binding names. */
static char *
bound_path(const struct aslp_binding *b, const char *rest)
{
	while (*rest == '/')
		rest++;
	if (b->dir && b->command[0] != '/')
		return *rest ? aslp_printf("%s/%s/%s", b->dir, b->command, rest) :
		       aslp_printf("%s/%s", b->dir, b->command);
	return *rest ? aslp_printf("%s/%s", b->command, rest) : aslp_printf("%s", b->command);
}

char *
aslp_s3_path(const struct aslp_run *run, const char *bucket, const char *key, char **why)
{
	const struct aslp_binding *b;
	const char *rest = NULL;

	*why = NULL;
	if (!key_ok(key)) {
		*why = aslp_printf("the key \"%s\" leaves the directory its bucket is bound to", key);
		return NULL;
	}
	if (!(b = holder(run, bucket, key, &rest))) {
		*why = aslp_printf("nothing is bound to s3://%s/%s: bind the bucket to a directory with --bind s3://%s=DIR",
				   bucket, key, bucket);
		return NULL;
	}
	return bound_path(b, rest);
}

bool
aslp_s3_bound(const struct aslp_run *run, const char *name)
{
	const char *p = s3_part(name), *slash;
	char *bucket, *path, *why = NULL;
	int i;

	if (!p)
		return false;
	slash = strchr(p, '/');
	if (!slash) {	/* a bucket: some binding of it */
		for (i = 0; i < run->nbinding; i++)
			if (bound_prefix(&run->bindings[i], p))
				return true;
		return false;
	}
	bucket = aslp_printf("%.*s", (int)(slash - p), p);
	path = bucket ? aslp_s3_path(run, bucket, slash + 1, &why) : NULL;
	free(bucket);
	if (!path)
		free(why);
	free(path);
	return path != NULL;
}

/* Bucket and the member key_name of a {Bucket, Key} object, or fail. */
static bool
s3_names(asl_ctx *ctx, const char *error, json_t *params, const char *key_name,
	 const char **bucket, const char **key)
{
	json_t *b = json_object_get(params, "Bucket");
	json_t *k = json_object_get(params, key_name);

	if (!json_is_string(b) || (k && !json_is_string(k)) ||
	    (!k && strcmp(key_name, "Key") == 0)) {
		aslp_fail(ctx, error, "The Parameters must give \"Bucket\" and \"%s\" as strings.",
			  key_name);
		return false;
	}
	*bucket = json_string_value(b);
	*key = k ? json_string_value(k) : "";
	return true;
}

/* ---- reading ---- */

/* The whole file at path, NUL-terminated; NULL with errno. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct aslp_buf b = { NULL, 0, 0, false };
	char chunk[65536];
	size_t n;
	int e;

	if (!f)
		return NULL;
	aslp_buf_put(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		aslp_buf_put(&b, chunk, n);
	e = ferror(f) ? errno : b.oom ? ENOMEM : 0;
	fclose(f);
	if (e) {
		free(b.s);
		errno = e;
		return NULL;
	}
	*len = b.len;
	return b.s;
}

/* The value at JSON Pointer p in doc (borrowed), or NULL (*oom set when memory ran out). */
static json_t *
pointer(json_t *doc, const char *p, bool *oom)
{
	char *tok = malloc(strlen(p) + 1);

	if ((*oom = !tok))
		return NULL;
	while (doc && *p == '/') {
		size_t n = 0;

		for (p++; *p && *p != '/'; p++) {
			if (*p == '~' && (p[1] == '0' || p[1] == '1'))
				tok[n++] = *++p == '0' ? '~' : '/';
			else
				tok[n++] = *p;
		}
		tok[n] = '\0';
		if (json_is_object(doc)) {
			doc = json_object_get(doc, tok);
		} else if (json_is_array(doc) && n && strspn(tok, "0123456789") == n) {
			doc = json_array_get(doc, (size_t)strtoull(tok, NULL, 10));
		} else {
			doc = NULL;
		}
	}
	free(tok);
	return doc;
}

static json_t *
read_json(asl_ctx *ctx, const asl_item_reader *r, const char *uri, const char *s, size_t len)
{
	json_error_t err;
	bool oom;
	json_t *doc = aslp_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom), *items;

	if (oom)
		return (void)aslp_oom(ctx), NULL;
	if (!doc) {
		aslp_fail(ctx, "States.ItemReaderFailed", "The object %s is not JSON: %s at line %d, column %d",
			  uri, err.text, err.line, err.column);
		return NULL;
	}
	items = r->items_pointer && *r->items_pointer ? pointer(doc, r->items_pointer, &oom) : doc;
	if (oom) {
		json_decref(doc);
		return (void)aslp_oom(ctx), NULL;
	}
	if (!json_is_array(items)) {
		json_decref(doc);
		aslp_fail(ctx, "States.ItemReaderFailed", "Attempting to map over non-iterable node.");
		return NULL;
	}
	json_incref(items);
	json_decref(doc);
	return items;
}

static json_t *
read_jsonl(asl_ctx *ctx, const char *uri, const char *s, size_t len)
{
	json_t *items = json_array(), *v;
	json_error_t err;
	size_t i = 0, n, line = 0;
	bool oom;

	if (!items)
		return (void)aslp_oom(ctx), NULL;
	while (i < len) {
		n = 0;
		while (i + n < len && s[i + n] != '\n')
			n++;
		line++;
		/* Blank lines hold no item. */
		if (strspn(s + i, " \t\r") < n) {
			v = aslp_loadb(s + i, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom);
			if (oom) {
				json_decref(items);
				return (void)aslp_oom(ctx), NULL;
			}
			if (!v) {
				aslp_fail(ctx, "States.ItemReaderFailed",
					  "Line %zu of the object %s is not JSON: %s", line, uri, err.text);
				json_decref(items);
				return NULL;
			}
			if (json_array_append_new(items, v)) {
				json_decref(items);
				return (void)aslp_oom(ctx), NULL;
			}
		}
		i += n + 1;
	}
	return items;
}

/*
** The next CSV record from s at *i, as an array of strings (RFC 4180: a
** field in double quotes may hold the delimiter, line breaks and "" for
** a quote). NULL at the end, or with *oom set when memory ran out.
*/
static json_t *
csv_record(const char *s, size_t len, size_t *i, char delim, bool *oom)
{
	json_t *rec;
	struct aslp_buf f = { NULL, 0, 0, false };
	size_t k = *i;
	bool quoted = false, done = false;

	*oom = false;
	if (k >= len)
		return NULL;
	rec = json_array();
	while (rec && !done) {
		aslp_buf_put(&f, "", 0);
		f.len = 0;
		if (k < len && s[k] == '"') {
			quoted = true;
			k++;
		}
		while (k < len) {
			char c = s[k];

			if (quoted) {
				if (c == '"' && k + 1 < len && s[k + 1] == '"') {
					aslp_buf_put(&f, "\"", 1);
					k += 2;
					continue;
				}
				if (c == '"') {
					quoted = false;
					k++;
					continue;
				}
				aslp_buf_put(&f, &c, 1);
				k++;
				continue;
			}
			if (c == delim || c == '\n' || (c == '\r' && k + 1 < len && s[k + 1] == '\n'))
				break;
			aslp_buf_put(&f, &c, 1);
			k++;
		}
		if (f.oom || json_array_append_new(rec, json_stringn(f.s ? f.s : "", f.len))) {
			json_decref(rec);
			rec = NULL;
			break;
		}
		if (k < len && s[k] == delim) {
			k++;
		} else {
			if (k < len)
				k += s[k] == '\r' ? 2 : 1;
			done = true;
		}
	}
	free(f.s);
	*i = k;
	*oom = rec == NULL;
	return rec;
}

static json_t *
read_csv(asl_ctx *ctx, const asl_item_reader *r, const char *s, size_t len)
{
	json_t *items = json_array(), *headers, *rec, *row;
	size_t i = 0, k, h;
	bool oom = false;
	int n;

	if (!items)
		return (void)aslp_oom(ctx), NULL;
	if (r->csv_given) {
		headers = json_array();
		for (n = 0; headers && n < r->ncsv_header; n++)
			if (json_array_append_new(headers, json_string(r->csv_headers[n]))) {
				json_decref(headers);
				headers = NULL;
			}
	} else {
		headers = csv_record(s, len, &i, (char)r->csv_delimiter, &oom);
		if (!headers && !oom)
			headers = json_array();	/* an empty object: no items */
	}
	if (!headers) {
		json_decref(items);
		return (void)aslp_oom(ctx), NULL;
	}
	for (h = 0; h < json_array_size(headers); h++)
		for (k = 0; k < h; k++)
			if (json_equal(json_array_get(headers, h), json_array_get(headers, k))) {
				json_decref(headers);
				json_decref(items);
				aslp_fail(ctx, "States.ItemReaderFailed", "CSV headers cannot contain duplicates.");
				return NULL;
			}
	/* A row short of fields has "" for the rest; fields past the headers are dropped. */
	while ((rec = csv_record(s, len, &i, (char)r->csv_delimiter, &oom)) != NULL) {
		row = json_object();
		for (h = 0; row && h < json_array_size(headers); h++) {
			json_t *v = json_array_get(rec, h);

			if (json_object_set_new(row, json_string_value(json_array_get(headers, h)),
						v ? json_incref(v) : json_string(""))) {
				json_decref(row);
				row = NULL;
			}
		}
		json_decref(rec);
		if (!row || json_array_append_new(items, row)) {
			json_decref(headers);
			json_decref(items);
			return (void)aslp_oom(ctx), NULL;
		}
	}
	if (oom) {	/* not the end: a record that could not be read */
		json_decref(headers);
		json_decref(items);
		return (void)aslp_oom(ctx), NULL;
	}
	json_decref(headers);
	return items;
}

/* ---- listing (s3:listObjectsV2) ---- */

/* An object listed: its key, its file, and what stat says of that. */
struct object {
	char *key;
	char *path;
	int64_t size;
	int64_t mtime;
};

struct listing {
	asl_ctx *ctx;
	const char *bucket, *prefix;
	struct object *v;
	size_t n, cap;
};

static void
listing_free(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].path);
	}
	free(l->v);
}

/* Can a key that starts with the n bytes of key be under the prefix? */
static bool
may_match(const char *key, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return strncmp(key, prefix, n < plen ? n : plen) == 0;
}

/*
** The file at path is the object key if key is under the prefix and no
** other binding holds it (a longer bound name hides what a shorter one's
** directory has there, as it does for getObject).
*/
static bool
add(struct listing *l, const struct aslp_binding *b, const char *key, const char *path,
    const struct stat *st)
{
	const char *rest;
	struct object *o;

	if (strncmp(key, l->prefix, strlen(l->prefix)) != 0 ||
	    holder(l->ctx->run, l->bucket, key, &rest) != b)
		return true;
	if (!aslp_utf8_valid(key)) {
		aslp_fail(l->ctx, "States.ItemReaderFailed",
			  "The file %s has a name that is not UTF-8, which no S3 key is", path);
		return false;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct object *v = realloc(l->v, cap * sizeof *v);

		if (!v)
			return aslp_oom(l->ctx) == ASL_OK;
		l->v = v;
		l->cap = cap;
	}
	o = &l->v[l->n];
	o->key = strdup(key);
	o->path = strdup(path);
	if (!o->key || !o->path) {
		free(o->key);
		free(o->path);
		return aslp_oom(l->ctx) == ASL_OK;
	}
	o->size = (int64_t)st->st_size;
	o->mtime = (int64_t)st->st_mtime;
	l->n++;
	return true;
}

static bool walk(struct listing *l, const struct aslp_binding *b, struct aslp_buf *key,
		 const char *dir, int depth);

/*
** What failed with errno e (cause, malloc'd, consumed) fails the Map Run
** with States.ItemReaderFailed; out of memory is out of memory.
*/
static bool
io_failed(asl_ctx *ctx, int e, char *cause)
{
	if (e == ENOMEM || !cause)
		aslp_oom(ctx);
	else
		aslp_fail(ctx, "States.ItemReaderFailed", "%s: %s", cause, strerror(e));
	free(cause);
	return false;
}

/*
** The entry name of directory dir, at key (key->s, which ends with
** name): a file under the prefix is an object; a directory is walked. A
** symbolic link to a file is the file; one to a directory is not
** followed. Under the prefix, anything else (a dangling link, a FIFO, a
** device) is no object S3 could hold: the listing fails.
*/
static bool
entry(struct listing *l, const struct aslp_binding *b, struct aslp_buf *key, const char *path,
      int depth)
{
	struct stat lst, st;
	int e;

	if (!may_match(key->s, key->len, l->prefix))
		return true;
	if (lstat(path, &lst) != 0 || (S_ISLNK(lst.st_mode) && stat(path, &st) != 0)) {
		e = errno;
		return io_failed(l->ctx, e, aslp_printf("Cannot list s3://%s/%s (%s)", l->bucket,
							key->s, path));
	}
	if (!S_ISLNK(lst.st_mode))
		st = lst;
	if (S_ISDIR(st.st_mode)) {
		if (S_ISLNK(lst.st_mode))
			return true;
		aslp_buf_put(key, "/", 1);
		if (key->oom)
			return aslp_oom(l->ctx) == ASL_OK;
		return !may_match(key->s, key->len, l->prefix) || walk(l, b, key, path, depth + 1);
	}
	if (S_ISREG(st.st_mode))
		return add(l, b, key->s, path, &st);
	if (strncmp(key->s, l->prefix, strlen(l->prefix)) != 0)
		return true;
	aslp_fail(l->ctx, "States.ItemReaderFailed",
		  "Cannot list s3://%s/%s (%s): neither a regular file nor a directory", l->bucket,
		  key->s, path);
	return false;
}

/* The entries of directory dir, whose keys start with key. */
static bool
walk(struct listing *l, const struct aslp_binding *b, struct aslp_buf *key, const char *dir,
     int depth)
{
	DIR *d;
	struct dirent *ent;
	size_t klen = key->len;
	bool ok = true;
	int e;

	if (depth > ASLP_MAX_DEPTH) {
		aslp_fail(l->ctx, "States.ItemReaderFailed", "Cannot list %s: directories nested more than %d deep",
			  dir, ASLP_MAX_DEPTH);
		return false;
	}
	if (!(d = opendir(dir))) {
		e = errno;
		return io_failed(l->ctx, e, aslp_printf("Cannot list s3://%s/%s (%s)", l->bucket,
							key->s ? key->s : "", dir));
	}
	while (ok && (errno = 0, ent = readdir(d)) != NULL) {
		char *path;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		path = aslp_printf("%s/%s", dir, ent->d_name);
		aslp_buf_put(key, ent->d_name, strlen(ent->d_name));
		ok = path && !key->oom ? entry(l, b, key, path, depth) : aslp_oom(l->ctx) == ASL_OK;
		free(path);
		key->len = klen;
		if (key->s)
			key->s[klen] = '\0';
	}
	if (ok && errno) {
		e = errno;
		ok = io_failed(l->ctx, e, aslp_printf("Cannot list %s", dir));
	}
	closedir(d);
	return ok;
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct object *)a)->key, ((const struct object *)b)->key);
}

/*
** The objects of the bucket whose keys start with the prefix, in S3's
** order (UTF-8 binary): the files of every binding of the bucket, each
** key from the binding getObject would read it from.
*/
static bool
list(struct listing *l)
{
	const struct aslp_run *run = l->ctx->run;
	bool bound = false;
	int i;

	for (i = 0; i < run->nbinding; i++) {
		const struct aslp_binding *b = &run->bindings[i];
		const char *p = bound_prefix(b, l->bucket);
		struct aslp_buf key = { NULL, 0, 0, false };
		struct stat st;
		char *path;
		bool ok = true;

		if (!p)
			continue;
		bound = true;
		if (!may_match(p, strlen(p), l->prefix))
			continue;	/* nothing it holds is listed */
		if (!(path = bound_path(b, "")))
			return aslp_oom(l->ctx) == ASL_OK;
		aslp_buf_put(&key, p, strlen(p));
		if (stat(path, &st) != 0) {
			int e = errno;

			ok = io_failed(l->ctx, e, aslp_printf("Cannot list s3://%s/%s (%s)", l->bucket,
							      p, path));
		} else if (S_ISDIR(st.st_mode)) {
			if (key.len && key.s[key.len - 1] != '/')
				aslp_buf_put(&key, "/", 1);
			if (key.oom)
				ok = aslp_oom(l->ctx) == ASL_OK;
			else if (may_match(key.s ? key.s : "", key.len, l->prefix))
				ok = walk(l, b, &key, path, 0);
		} else if (S_ISREG(st.st_mode) && *p && p[strlen(p) - 1] != '/') {
			ok = add(l, b, p, path, &st);	/* an object bound to a file */
		} else {
			aslp_fail(l->ctx, "States.ItemReaderFailed",
				  "Cannot list s3://%s/%s (%s): %s", l->bucket, p, path,
				  S_ISREG(st.st_mode) ? "a bucket or a prefix is bound to a directory, not a file" :
				  "neither a regular file nor a directory");
			ok = false;
		}
		free(key.s);
		free(path);
		if (!ok)
			return false;
	}
	if (!bound) {
		aslp_fail(l->ctx, "States.ItemReaderFailed",
			  "nothing is bound to s3://%s: bind the bucket to a directory with --bind s3://%s=DIR",
			  l->bucket, l->bucket);
		return false;
	}
	if (l->n)
		qsort(l->v, l->n, sizeof *l->v, by_key);
	return true;
}

/* What ListObjectsV2 tells of an object, as the service gives it to a child. */
static json_t *
object_item(asl_ctx *ctx, const char *bucket, const struct object *o)
{
	char md5[33], *etag;
	FILE *f = fopen(o->path, "rb");
	bool ok = f && aslp_md5_file(f, md5);
	int e = errno;
	json_t *item;

	if (f)
		fclose(f);
	if (!ok)
		return (void)io_failed(ctx, e, aslp_printf("Cannot read s3://%s/%s (%s)", bucket, o->key,
							  o->path)), NULL;
	if (!(etag = aslp_printf("\"%s\"", md5)))
		return (void)aslp_oom(ctx), NULL;
	item = json_pack("{s:s, s:s, s:I, s:I, s:s}", "Etag", etag, "Key", o->key, "LastModified",
			 (json_int_t)o->mtime, "Size", (json_int_t)o->size, "StorageClass", "STANDARD");
	free(etag);
	if (!item)
		aslp_oom(ctx);
	return item;
}

/* ---- what an ItemReader reads ---- */

/* $$.Map.Item.Source: s3://bucket, or s3://bucket/key; NULL on OOM. */
static json_t *
s3_uri(const char *bucket, const char *key)
{
	char *s = key ? aslp_printf("s3://%s/%s", bucket, key) : aslp_printf("s3://%s", bucket);
	json_t *v = s ? json_string(s) : NULL;

	free(s);
	return v;
}

/* Does text start as a gzip or a zstd stream does? */
static bool
compressed(const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;

	return (len >= 2 && t[0] == 0x1f && t[1] == 0x8b) ||
	       (len >= 4 && t[0] == 0x28 && t[1] == 0xb5 && t[2] == 0x2f && t[3] == 0xfd);
}

/* The items of the object at path, s3://bucket/key, as r reads it. */
static json_t *
read_object(asl_ctx *ctx, const asl_item_reader *r, const char *bucket, const char *key,
	    const char *path)
{
	json_t *items;
	size_t len;
	char *text = slurp(path, &len), *uri;

	if (!text) {
		int e = errno;

		return (void)io_failed(ctx, e, aslp_printf("Cannot read s3://%s/%s (%s)", bucket, key,
							  path)), NULL;
	}
	if (!(uri = aslp_printf("s3://%s/%s", bucket, key))) {
		aslp_oom(ctx);
		items = NULL;
	} else if (compressed(text, len)) {
		/* The service reads GZIP and ZSTD objects: never as their bytes. */
		aslp_fail(ctx, "States.ItemReaderFailed",
			  "The object %s is compressed (gzip or zstd), which aslc does not read yet", uri);
		items = NULL;
	} else if (r->type == ASL_INPUT_JSON)
		items = read_json(ctx, r, uri, text, len);
	else if (r->type == ASL_INPUT_JSONL)
		items = read_jsonl(ctx, uri, text, len);
	else
		items = read_csv(ctx, r, text, len);
	free(uri);
	free(text);
	return items;
}

/*
** A listing's Parameters hold Bucket, Prefix and ExpectedBucketOwner
** only, as aslc checks at compile time; Arguments computed whole are
** checked here. Other fields of ListObjectsV2 would change the listing.
*/
static bool
listing_fields_ok(asl_ctx *ctx, json_t *params)
{
	const char *key;
	json_t *m;

	json_object_foreach(params, key, m) {
		if (strcmp(key, "Bucket") != 0 && strcmp(key, "Prefix") != 0 &&
		    strcmp(key, "ExpectedBucketOwner") != 0) {
			aslp_fail(ctx, "States.ItemReaderFailed",
				  "aslc does not support \"%s\" in the Arguments of a listing (s3:listObjectsV2): it lists by \"Bucket\" and \"Prefix\"",
				  key);
			return false;
		}
	}
	return true;
}

/* Can items take one more, MaxItems being max_items (0: no limit)? */
static bool
room(json_t *items, int64_t max_items)
{
	return max_items <= 0 || json_array_size(items) < (size_t)max_items;
}

/*
** The objects of a listing, or (LOAD_AND_FLATTEN) the items of each, at
** most max_items (0: all), into items; *sources gets their
** $$.Map.Item.Source: s3://bucket for the objects, else one
** s3://bucket/key an item.
*/
static bool
read_listing(asl_ctx *ctx, const asl_item_reader *r, const char *bucket, const char *prefix,
	     int64_t max_items, json_t *items, json_t **sources)
{
	struct listing l = { ctx, bucket, prefix, NULL, 0, 0 };
	size_t i, k;
	bool ok = list(&l);

	*sources = !ok ? NULL : r->flatten ? json_array() : s3_uri(bucket, NULL);
	if (ok && !*sources)
		ok = aslp_oom(ctx) == ASL_OK;
	for (i = 0; ok && i < l.n && room(items, max_items); i++) {
		json_t *v, *source;

		if (!r->flatten) {
			if (!(v = object_item(ctx, bucket, &l.v[i])))
				ok = false;
			else if (json_array_append_new(items, v))
				ok = aslp_oom(ctx) == ASL_OK;
			continue;
		}
		if (!(v = read_object(ctx, r, bucket, l.v[i].key, l.v[i].path))) {
			ok = false;
			continue;
		}
		source = s3_uri(bucket, l.v[i].key);
		ok = source != NULL;
		for (k = 0; ok && k < json_array_size(v) && room(items, max_items); k++)
			ok = json_array_append(items, json_array_get(v, k)) == 0 &&
			     json_array_append(*sources, source) == 0;
		if (!ok)
			aslp_oom(ctx);
		json_decref(source);
		json_decref(v);
	}
	listing_free(&l);
	if (!ok) {
		json_decref(*sources);
		*sources = NULL;
	}
	return ok;
}

json_t *
aslp_read_items(asl_ctx *ctx, const asl_item_reader *r, json_t *v, int64_t max_items,
		json_t **sources)
{
	json_t *params, *items = NULL;
	const char *bucket, *key;
	char *path, *why;

	*sources = NULL;
	params = r->arguments ? aslp_jn_template(ctx, r->arguments, v, NULL, NULL) :
		 r->parameters ? asl_parameters(ctx, r->parameters, json_incref(v)) : json_object();
	if (!params) {
		;
	} else if (!s3_names(ctx, "States.ItemReaderFailed", params, r->list ? "Prefix" : "Key",
			     &bucket, &key)) {
		;
	} else if (r->list) {
		if (!(items = json_array()))
			aslp_oom(ctx);
		else if (!listing_fields_ok(ctx, params) ||
			 !read_listing(ctx, r, bucket, key, max_items, items, sources)) {
			json_decref(items);
			items = NULL;
		}
	} else if (!(path = aslp_s3_path(ctx->run, bucket, key, &why))) {
		aslp_fail(ctx, "States.ItemReaderFailed", "%s", why ? why : "out of memory");
		free(why);
	} else {
		items = read_object(ctx, r, bucket, key, path);
		free(path);
		/* MaxItems: the first items only; 0 is all of them. */
		while (items && max_items > 0 && json_array_size(items) > (size_t)max_items)
			json_array_remove(items, json_array_size(items) - 1);
		if (items && !(*sources = s3_uri(bucket, key))) {
			json_decref(items);
			items = NULL;
			aslp_oom(ctx);
		}
	}
	json_decref(params);
	return items;
}

/* ---- batching ---- */

json_t *
aslp_batch_items(asl_ctx *ctx, json_t *batch_input, json_t *items, int64_t max_items,
		 int64_t max_bytes)
{
	json_t *batches = json_array(), *batch = NULL, *list = NULL;
	size_t i, size = 0, base;
	int depth;

	if (!batches)
		return (void)aslp_oom(ctx), NULL;
	if (max_bytes <= 0 || max_bytes > ASLP_PAYLOAD_LIMIT)
		max_bytes = ASLP_PAYLOAD_LIMIT;
	/* {"BatchInput":...,"Items":[]}: what every batch costs before its items. */
	base = 2 + (batch_input ? 13 + aslp_measure(batch_input, (size_t)-1, ASLP_MAX_DEPTH, &depth) : 0) +
	       10;
	for (i = 0; i < json_array_size(items); i++) {
		json_t *item = json_array_get(items, i);
		size_t n = aslp_measure(item, (size_t)-1, ASLP_MAX_DEPTH, &depth);

		if (batch && ((max_items > 0 && json_array_size(list) >= (size_t)max_items) ||
			      size + (json_array_size(list) ? 1 : 0) + n > (size_t)max_bytes))
			batch = NULL;	/* full: a new one */
		if (!batch) {
			batch = json_object();
			list = json_array();
			if (!batch || !list ||
			    (batch_input && json_object_set(batch, "BatchInput", batch_input)) ||
			    json_object_set_new(batch, "Items", list) ||
			    json_array_append_new(batches, batch)) {
				json_decref(batches);
				return (void)aslp_oom(ctx), NULL;
			}
			size = base;
		}
		size += (json_array_size(list) ? 1 : 0) + n;
		if (json_array_append(list, item)) {
			json_decref(batches);
			return (void)aslp_oom(ctx), NULL;
		}
	}
	return batches;
}

/* ---- writing ---- */

/* mkdir -p */
static int
make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Write entries (an array) to file as JSON or JSON Lines; its size in *size. */
static int
write_entries(const char *file, json_t *entries, bool jsonl, size_t *size)
{
	FILE *f = fopen(file, "wb");
	size_t i;
	char *text;
	int e = 0;

	if (!f)
		return errno;
	*size = 0;
	if (jsonl) {
		for (i = 0; !e && i < json_array_size(entries); i++) {
			text = asl_dumps(json_array_get(entries, i));
			if (!text || fprintf(f, "%s\n", text) < 0)
				e = text ? errno : ENOMEM;
			else
				*size += strlen(text) + 1;
			free(text);
		}
	} else {
		text = asl_dumps(entries);
		if (!text || fputs(text, f) < 0)
			e = text ? errno : ENOMEM;
		else
			*size = strlen(text);
		free(text);
	}
	if (fclose(f) != 0 && !e)
		e = errno;
	return e;
}

json_t *
aslp_write_results(asl_ctx *ctx, const asl_result_writer *w, json_t *v, const char *map_run_arn,
		   const char *run_id, json_t *succeeded, json_t *failed)
{
	json_t *params, *manifest = NULL, *files, *out = NULL;
	const char *bucket, *prefix;
	char *dir = NULL, *why, *key_dir = NULL, *file = NULL;
	size_t size;
	int e;
	/* In the order of a manifest the service wrote. */
	static const char *const kinds[] = { "FAILED", "PENDING", "SUCCEEDED" };
	json_t *lists[3];
	int k;

	lists[0] = failed;
	lists[1] = NULL;
	lists[2] = succeeded;
	params = w->arguments ? aslp_jn_template(ctx, w->arguments, v, NULL, NULL) :
		 asl_parameters(ctx, w->parameters, json_incref(v));
	if (!params)
		return NULL;
	if (!s3_names(ctx, "States.ResultWriterFailed", params, "Prefix", &bucket, &prefix))
		goto done;
	/* <Prefix>/<the Map Run's id>/: the files of this run. */
	key_dir = *prefix ? aslp_printf("%.*s/%s", (int)(strlen(prefix) - (prefix[strlen(prefix) - 1] == '/')),
					prefix, run_id) : aslp_printf("%s", run_id);
	dir = key_dir ? aslp_s3_path(ctx->run, bucket, key_dir, &why) : NULL;
	if (!dir) {
		aslp_fail(ctx, "States.ResultWriterFailed", "%s", key_dir ? why : "out of memory");
		if (key_dir)
			free(why);
		goto done;
	}
	if (make_dirs(dir) != 0) {
		aslp_fail(ctx, "States.ResultWriterFailed", "Cannot make the directory %s: %s",
			  dir, strerror(errno));
		goto done;
	}
	files = json_object();
	manifest = json_pack("{s:s, s:s, s:o}", "DestinationBucket", bucket, "MapRunArn", map_run_arn,
			     "ResultFiles", files);
	if (!manifest)
		goto oom;
	for (k = 0; k < 3; k++) {
		json_t *list = json_array();

		if (!list || json_object_set_new(files, kinds[k], list))
			goto oom;
		if (!lists[k] || json_array_size(lists[k]) == 0)
			continue;
		free(file);
		file = aslp_printf("%s/%s_0.json", dir, kinds[k]);
		if (!file)
			goto oom;
		if ((e = write_entries(file, lists[k], w->jsonl, &size)) != 0) {
			aslp_fail(ctx, "States.ResultWriterFailed", "Cannot write %s: %s", file, strerror(e));
			goto done;
		}
		if (json_array_append_new(list, json_pack("{s:s+++, s:I}", "Key", key_dir, "/",
							  kinds[k], "_0.json", "Size", (json_int_t)size)))
			goto oom;
	}
	free(file);
	file = aslp_printf("%s/manifest.json", dir);
	if (!file)
		goto oom;
	if ((e = write_entries(file, manifest, false, &size)) != 0) {
		aslp_fail(ctx, "States.ResultWriterFailed", "Cannot write %s: %s", file, strerror(e));
		goto done;
	}
	out = json_pack("{s:s, s:{s:s, s:s+}}", "MapRunArn", map_run_arn, "ResultWriterDetails",
			"Bucket", bucket, "Key", key_dir, "/manifest.json");
	if (!out)
		goto oom;
	goto done;
oom:
	aslp_oom(ctx);
done:
	json_decref(manifest);
	json_decref(params);
	free(file);
	free(dir);
	free(key_dir);
	return out;
}
