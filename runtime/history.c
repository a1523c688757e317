/*
** history.c - the execution's history: every event numbered, and, with
** --history, written as JSON lines in the shapes of the service's
** GetExecutionHistory; with --trace, a line per state on stderr.
**
** Every event is counted whether or not anyone reads the history: the
** service's causes name the id of the event at which a state was entered.
** When the history is written, each event is one line,
**
**	{"timestamp":"2026-11-21T06:52:37.123Z","type":"TaskScheduled",
**	 "id":3,"previousEventId":2,"taskScheduledEventDetails":{...}}
**
** Details are built by the callers only when aslp_recording() says the
** history is written, so a run without --history pays for counting only.
** Ids are taken and lines written under one lock, so the file is in id
** order even when Parallel branches and Map iterations run on threads.
** previousEventId is the event before in the same line of control: a
** branch or iteration starts from the event that started it, as on the
** service.
**
** Under --clock=virtual the timestamps are the execution's logical time:
** a Wait or a retry's back-off advances it without taking any time.
*/
#include "aslrt_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The service's Type names, by enum asl_state_type. */
static const char *const type_name[] = {
	"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"
};

const char *
aslp_state_type(const asl_state_info *s)
{
	return s && s->type >= 0 && s->type < (int)(sizeof type_name / sizeof type_name[0]) ?
		type_name[s->type] : "Unknown";
}

/*
** The member that holds an event's details: stateEnteredEventDetails for
** every *StateEntered, stateExitedEventDetails for every *StateExited,
** else the type with a lower-case first letter: taskScheduledEventDetails.
*/
static void
details_key(char *buf, size_t size, const char *type)
{
	size_t n = strlen(type);

	if (n > 12 && strcmp(type + n - 12, "StateEntered") == 0)
		snprintf(buf, size, "stateEnteredEventDetails");
	else if (n > 11 && strcmp(type + n - 11, "StateExited") == 0)
		snprintf(buf, size, "stateExitedEventDetails");
	else
		snprintf(buf, size, "%c%sEventDetails", type[0] - 'A' + 'a', type + 1);
}

static void
write_event(struct aslp_history *h, long id, long prev, int64_t ns, const char *type,
	    json_t *details)
{
	char ts[64], key[96];
	const char *line;
	size_t n;

	if (h->max && h->written >= h->max) {
		h->dropped++;
		return;
	}
	aslp_format_time(ts, sizeof ts, ns);
	if (details)
		details_key(key, sizeof key, type);
	line = aslp_event_line(&h->line, &h->scratch, ts, type, id, prev, key, details, &n);
	/* The line is written whole: lines never interleave. */
	if (!line || fwrite(line, 1, n, h->f) != n)
		h->failed = true;
	h->written++;
}

long
aslp_event(asl_ctx *ctx, const char *type, json_t *details)
{
	struct aslp_history *h = ctx->run->history;
	long id;

	/* Child executions of a Distributed Map have histories of their own. */
	if (!h || ctx->exec != h->exec) {
		json_decref(details);
		/*
		** Branches and iterations on other threads count in the same
		** history; until the run has threads, no one else counts.
		*/
		id = ctx->run->threaded ?
			__atomic_add_fetch(&ctx->exec->events, 1, __ATOMIC_RELAXED) :
			++ctx->exec->events;
		ctx->last_event = id;
		return id;
	}
	pthread_mutex_lock(&h->lock);
	id = __atomic_add_fetch(&ctx->exec->events, 1, __ATOMIC_RELAXED);
	write_event(h, id, ctx->last_event, aslp_now_ns(ctx), type, details);
	pthread_mutex_unlock(&h->lock);
	json_decref(details);
	ctx->last_event = id;
	return id;
}

long
aslp_event_aside(asl_ctx *ctx, const char *type, json_t *details)
{
	long last = ctx->last_event, id = aslp_event(ctx, type, details);

	ctx->last_event = last;
	return id;
}

json_t *
aslp_event_text(asl_ctx *ctx, json_t *v)
{
	/*
	** Compact JSON, as the service writes every value but the execution's
	** input, written when the line is (aslp_event_line): no text is made
	** here.
	*/
	(void)ctx;
	return json_pack("{s:O}", ASLP_TEXT_KEY, v ? v : json_null());
}

json_t *
aslp_event_data(asl_ctx *ctx, const char *member, json_t *v)
{
	return json_pack("{s:o, s:{s:b}}", member, aslp_event_text(ctx, v),
			 strcmp(member, "input") == 0 ? "inputDetails" : "outputDetails",
			 "truncated", 0);
}

json_t *
aslp_error_details(asl_ctx *ctx)
{
	json_t *d = json_object();

	/* Each only when there is one: a Fail with neither gives {}. */
	if (ctx->error)
		json_object_set_new(d, "error", json_string(ctx->error));
	if (ctx->cause)
		json_object_set_new(d, "cause", json_string(ctx->cause));
	return d;
}

void
aslp_event_add(json_t *details, json_t *more)
{
	if (details && more)
		json_object_update(details, more);
	json_decref(more);
}

int
aslp_history_open(struct aslp_history *h, const char *file, long max, const char *progname,
		  FILE *errf)
{
	memset(h, 0, sizeof *h);
	h->max = max;
	if (strcmp(file, "-") == 0) {
		h->f = stderr;
	} else {
		h->f = fopen(file, "w");
		if (!h->f) {
			fprintf(errf, "%s: cannot write the history to %s: %s\n", progname, file,
				strerror(errno));
			return -1;
		}
		h->owned = true;
	}
	pthread_mutex_init(&h->lock, NULL);
	return 0;
}

int
aslp_history_close(struct aslp_history *h, const char *progname)
{
	int r = 0;

	if (!h->f)
		return 0;
	if (h->dropped)
		fprintf(stderr, "%s: the history stops at %ld events (--history-max); %ld more "
			"were not written\n", progname, h->written, h->dropped);
	if (fflush(h->f) != 0 || ferror(h->f) || h->failed) {
		fprintf(stderr, "%s: cannot write the history: %s\n", progname,
			h->failed ? "out of memory" : strerror(errno));
		r = -1;
	}
	if (h->owned)
		fclose(h->f);
	free(h->line.s);
	free(h->scratch.s);
	pthread_mutex_destroy(&h->lock);
	h->f = NULL;
	return r;
}

/* ---- --trace ---- */

/* d nanoseconds as "0.12 ms", "12.3 ms" or "2.05 s". */
static void
duration(char *buf, size_t size, int64_t d)
{
	if (d < 0)
		d = 0;
	if (d < 1000000)
		snprintf(buf, size, "%.2f ms", (double)d / 1e6);
	else if (d < 1000000000)
		snprintf(buf, size, "%.1f ms", (double)d / 1e6);
	else
		snprintf(buf, size, "%.2f s", (double)d / 1e9);
}

/* Text from the definition or a handler, on one line: controls as \n, \t, ?. */
static void
put_clean(struct aslp_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			aslp_buf_put(b, "\\n", 2);
		else if (c == '\t')
			aslp_buf_put(b, "\\t", 2);
		else if (c < 0x20 || c == 0x7f)
			aslp_buf_put(b, "?", 1);
		else
			aslp_buf_put(b, s, 1);
	}
}

void
aslp_trace(asl_ctx *ctx, bool ended)
{
	const char *green = "\033[32m", *yellow = "\033[33m", *red = "\033[31m";
	const char *bold = "\033[1m", *off = "\033[0m";
	bool color = ctx->run->trace_color;
	struct aslp_buf b = { NULL, 0, 0, false };
	char tmp[64];
	const asl_ctx *o;
	int attempts = ctx->retry_count + 1;

	if (!ctx->state)
		return;
	aslp_buf_put(&b, ctx->run->progname, strlen(ctx->run->progname));
	aslp_buf_put(&b, ":", 1);
	for (o = ctx->outer; o; o = o->outer)	/* branches and iterations indent */
		aslp_buf_put(&b, "  ", 2);
	aslp_buf_put(&b, " ", 1);
	if (color)
		aslp_buf_put(&b, bold, strlen(bold));
	put_clean(&b, ctx->state->name);
	if (color)
		aslp_buf_put(&b, off, strlen(off));
	snprintf(tmp, sizeof tmp, " (%s) ", aslp_state_type(ctx->state));
	aslp_buf_put(&b, tmp, strlen(tmp));
	duration(tmp, sizeof tmp, aslp_now_ns(ctx) - ctx->trace_start);
	aslp_buf_put(&b, tmp, strlen(tmp));
	if (attempts > 1) {
		snprintf(tmp, sizeof tmp, ", %d attempts", attempts);
		aslp_buf_put(&b, tmp, strlen(tmp));
	}
	if (ended && !ctx->trace_caught) {
		if (color)
			aslp_buf_put(&b, green, strlen(green));
		aslp_buf_put(&b, ", succeeded", 11);
	} else if (ended) {
		if (color)
			aslp_buf_put(&b, yellow, strlen(yellow));
		aslp_buf_put(&b, ", caught ", 9);
		put_clean(&b, ctx->trace_caught);
	} else {
		if (color)
			aslp_buf_put(&b, red, strlen(red));
		const char *how = ctx->status == ASLP_TIMED_OUT ? ", timed out" :
			ctx->status == ASLP_ABORTED ? ", aborted" : ", failed";

		aslp_buf_put(&b, how, strlen(how));
		if (ctx->error && ctx->status != ASLP_ABORTED) {
			aslp_buf_put(&b, ": ", 2);
			put_clean(&b, ctx->error);
		}
		if (ctx->cause && ctx->status != ASLP_ABORTED) {
			aslp_buf_put(&b, ": ", 2);
			put_clean(&b, ctx->cause);
		}
	}
	if (color)
		aslp_buf_put(&b, off, strlen(off));
	aslp_buf_put(&b, "\n", 1);
	if (!b.oom)
		fputs(b.s, stderr);	/* one write: lines of threads do not mix */
	free(b.s);
}
