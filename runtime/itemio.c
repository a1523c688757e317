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

char *
aslp_s3_path(const struct aslp_run *run, const char *bucket, const char *key, char **why)
{
	const struct aslp_binding *best = NULL;
	size_t bestlen = 0, blen = strlen(bucket);
	const char *rest = NULL;
	char *path;
	int i;

	*why = NULL;
	if (!key_ok(key)) {
		*why = aslp_printf("the key \"%s\" leaves the directory its bucket is bound to", key);
		return NULL;
	}
	for (i = 0; i < run->nbinding; i++) {
		const struct aslp_binding *b = &run->bindings[i];
		const char *p = b->s3 ? s3_part(b->name) : NULL;
		size_t n;

		if (!p || strncmp(p, bucket, blen) != 0 || (p[blen] && p[blen] != '/'))
			continue;
		/* p is "bucket", "bucket/" or "bucket/prefix[/]". */
		p += blen;
		if (*p == '/')
			p++;
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
		rest = key + n;
	}
	if (!best) {
		*why = aslp_printf("nothing is bound to s3://%s/%s: bind the bucket to a directory with --bind s3://%s=DIR",
				   bucket, key, bucket);
		return NULL;
	}
	while (*rest == '/')
		rest++;
	if (best->dir && best->command[0] != '/')
		path = *rest ? aslp_printf("%s/%s/%s", best->dir, best->command, rest) :
		       aslp_printf("%s/%s", best->dir, best->command);
	else
		path = *rest ? aslp_printf("%s/%s", best->command, rest) :
		       aslp_printf("%s", best->command);
	return path;
}

bool
aslp_s3_bound(const struct aslp_run *run, const char *name)
{
	const char *p = s3_part(name), *slash;
	char *bucket, *path, *why;

	if (!p)
		return false;
	slash = strchr(p, '/');
	bucket = slash ? aslp_printf("%.*s", (int)(slash - p), p) : aslp_printf("%s", p);
	path = bucket ? aslp_s3_path(run, bucket, slash ? slash + 1 : "", &why) : NULL;
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

/* The value at JSON Pointer p in doc (borrowed), or NULL. */
static json_t *
pointer(json_t *doc, const char *p)
{
	char *tok = malloc(strlen(p) + 1);

	if (!tok)
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
read_json(asl_ctx *ctx, const asl_item_reader *r, const char *s, size_t len)
{
	json_error_t err;
	bool oom;
	json_t *doc = aslp_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom), *items;

	if (oom)
		return (void)aslp_oom(ctx), NULL;
	if (!doc) {
		aslp_fail(ctx, "States.ItemReaderFailed", "The object is not JSON: %s at line %d, column %d",
			  err.text, err.line, err.column);
		return NULL;
	}
	items = r->items_pointer && *r->items_pointer ? pointer(doc, r->items_pointer) : doc;
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
read_jsonl(asl_ctx *ctx, const char *s, size_t len)
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
					  "Line %zu of the object is not JSON: %s", line, err.text);
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
** a quote). NULL at the end.
*/
static json_t *
csv_record(const char *s, size_t len, size_t *i, char delim)
{
	json_t *rec;
	struct aslp_buf f = { NULL, 0, 0, false };
	size_t k = *i;
	bool quoted = false, done = false;

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
	return rec;
}

static json_t *
read_csv(asl_ctx *ctx, const asl_item_reader *r, const char *s, size_t len)
{
	json_t *items = json_array(), *headers, *rec, *row;
	size_t i = 0, k, h;
	int n;

	if (!items)
		return (void)aslp_oom(ctx), NULL;
	if (r->csv_given) {
		headers = json_array();
		for (n = 0; headers && n < r->ncsv_header; n++)
			json_array_append_new(headers, json_string(r->csv_headers[n]));
	} else {
		headers = csv_record(s, len, &i, (char)r->csv_delimiter);
		if (!headers)
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
	while ((rec = csv_record(s, len, &i, (char)r->csv_delimiter)) != NULL) {
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
	json_decref(headers);
	return items;
}

json_t *
aslp_read_items(asl_ctx *ctx, const asl_item_reader *r, json_t *v, int64_t max_items)
{
	json_t *params, *items = NULL;
	const char *bucket, *key;
	char *path, *why, *text;
	size_t len;

	params = r->arguments ? aslp_jn_template(ctx, r->arguments, v, NULL, NULL) :
		 r->parameters ? asl_parameters(ctx, r->parameters, json_incref(v)) : json_object();
	if (!params)
		return NULL;
	if (!s3_names(ctx, "States.ItemReaderFailed", params, "Key", &bucket, &key)) {
		json_decref(params);
		return NULL;
	}
	path = aslp_s3_path(ctx->run, bucket, key, &why);
	if (!path) {
		aslp_fail(ctx, "States.ItemReaderFailed", "%s", why ? why : "out of memory");
		free(why);
		json_decref(params);
		return NULL;
	}
	text = slurp(path, &len);
	if (!text) {
		aslp_fail(ctx, "States.ItemReaderFailed", "Cannot read s3://%s/%s (%s): %s",
			  bucket, key, path, strerror(errno));
	} else if (r->type == ASL_INPUT_JSON) {
		items = read_json(ctx, r, text, len);
	} else if (r->type == ASL_INPUT_JSONL) {
		items = read_jsonl(ctx, text, len);
	} else {
		items = read_csv(ctx, r, text, len);
	}
	free(text);
	free(path);
	json_decref(params);
	/* MaxItems: the first items only; 0 is all of them. */
	while (items && max_items > 0 && json_array_size(items) > (size_t)max_items)
		json_array_remove(items, json_array_size(items) - 1);
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
