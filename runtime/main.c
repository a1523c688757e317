/*
** main.c - the command line of a generated executable.
**
**	./order < input.json		output JSON on stdout, exit 0
**	./order --result ...		DescribeExecution's fields, for harnesses
**
** Exit status: 0 the execution succeeded; 1 it failed or timed out (error
** and cause on stderr); 2 bad usage, input that is not JSON, or a Task
** Resource with no binding.
*/
#include "aslrt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct options {
	asl_options run;	/* what asl_execute also takes */
	const char *input_file;	/* NULL: stdin */
	const char *input_json;
	bool result;
	struct aslp_binding *bindings;	/* --bind and --bindings, in order */
	int nbinding;
	struct aslp_test_options test;	/* --test-state and its options */
	const char *mock_result;	/* --mock-result, as given */
	const char *variables;	/* --variables JSON */
	bool test_option;	/* an option of --test-state was given */
};

static const char *progname = "workflow";

/* parse_options: the options asked for something else than a run. */
#define DONE -1

static void
usage(FILE *f, const asl_program *prog)
{
	fprintf(f,
"usage: %s [options] [< input.json]\n"
"Run one execution of the state machine \"%s\" (compiled by aslc from %s).\n"
"The execution input is read from stdin (empty input means {}); the output\n"
"is printed on stdout as JSON.\n"
"\n"
"  --input FILE           read the execution input from FILE (- for stdin;\n"
"                         a value starting with { or [ is the input itself)\n"
"  --input-json TEXT      use TEXT as the execution input\n"
"  --result               print one JSON object instead of the output, with\n"
"                         DescribeExecution's fields: executionArn, name,\n"
"                         status, startDate, stopDate, input, and output\n"
"                         or error and cause (input and output as JSON)\n"
"  --clock=real|virtual   virtual: Wait states return at once, while $$ times\n"
"                         still advance as if they had waited (default real)\n"
"  --bind NAME=CMD        run CMD (with /bin/sh -c) for the Task states whose\n"
"                         Resource NAME names: the ARN, a Lambda function\n"
"                         name, an activity name, or a service action such\n"
"                         as sqs:sendMessage. Input JSON on stdin, result\n"
"                         JSON on stdout; on failure a non-zero exit, with\n"
"                         {\"errorType\":...,\"errorMessage\":...} on stdout\n"
"  --bindings FILE        bindings from a JSON file: {\"NAME\": \"CMD\", ...}\n"
"                         or {\"NAME\": {\"Command\": CMD, \"Timeout\": SECONDS}};\n"
"                         commands run in the file's directory\n"
"  --mock-config FILE     a Step Functions Local MockConfigFile (default:\n"
"                         $SFN_MOCK_CONFIG, then ./MockConfigFile.json)\n"
"  --test-case NAME       the test case of the mock configuration to run\n"
"  --state-machine NAME   the state machine's name in ARNs and in the mock\n"
"                         configuration (default: the name aslc gave it)\n"
"  --name NAME            the execution name (default: a random UUID)\n"
"  --region REGION        region in ARNs (default us-east-1)\n"
"  --account ID           account in ARNs (default 123456789012)\n"
"  --seed N               seed the random generator (execution names,\n"
"                         States.UUID, States.MathRandom without a seed,\n"
"                         retry jitter, task tokens, request ids)\n"
"  --max-threads N        run Parallel branches and Map iterations on at\n"
"                         most N threads in all, nested ones included\n"
"                         (default 40, as an inline Map on the service;\n"
"                         MaxConcurrency lowers it for its state)\n"
"  --history FILE         write the execution's history to FILE (- for\n"
"                         stderr) as JSON lines, one event per line in the\n"
"                         shape of the service's GetExecutionHistory\n"
"  --history-max N        write at most N events of it (default: all)\n"
"  --trace                a line per state on stderr: name, type, duration,\n"
"                         attempts, outcome (coloured on a terminal unless\n"
"                         NO_COLOR is set)\n"
"  --max-events N         fail the execution when a state is entered after\n"
"                         its history has passed N events, as the service\n"
"                         fails a Standard execution at 25000 (the\n"
"                         default); 0 for no limit\n",
		progname, prog->name, prog->source);
	fputs(
"  --payload-limit N      the largest input, state output or result, in\n"
"                         bytes (default 262144, the service's 256 KiB,\n"
"                         beyond which a state fails with\n"
"                         States.DataLimitExceeded); 0 for no limit\n"
"  --test-state NAME      run the state NAME alone, as the TestState\n"
"                         API does, and print its response: output,\n"
"                         nextState or error and cause, status\n"
"    --mock-result JSON   what its Task, Parallel or Map returns\n"
"    --mock-error NAME    ... or the error it fails with, and\n"
"    --mock-cause TEXT    its cause\n"
"    --retry-count N      retries already made (the retry decision)\n"
"    --inspection-level L INFO (default), DEBUG or TRACE: DEBUG and TRACE\n"
"                         add the data after each step (inspectionData)\n"
"    --variables JSON     the workflow variables the state sees\n"
"  --help, --version\n"
"\n"
"Exit status: 0 succeeded, 1 failed or timed out, 2 bad usage or input.\n", f);
}

static int
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s: try --help\n", progname);
	return 2;
}

/* The value of option name at argv[*i], as --name=V or --name V. */
static const char *
optarg_of(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] == '\0') {
		if (*i + 1 >= argc)
			return "";	/* reported by the caller */
		return argv[++*i];
	}
	return NULL;
}

/* Is v a decimal number from lo to hi? It goes into *n. */
static bool
number(const char *v, long long lo, long long hi, long long *n)
{
	char *end;

	errno = 0;
	*n = strtoll(v, &end, 10);
	return *v && !*end && !errno && *n >= lo && *n <= hi;
}

static int
parse_options(int argc, char **argv, struct options *o, const asl_program *prog)
{
	long long n;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int before = i;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout, prog);
			return DONE;
		}
		if (strcmp(a, "--version") == 0) {
			printf("%s: state machine \"%s\" from %s (aslc runtime %s)\n",
			       progname, prog->name, prog->source, ASLRT_VERSION);
			return DONE;
		}
		if (strcmp(a, "--result") == 0) {
			o->result = true;
			continue;
		}
		if (strcmp(a, "--trace") == 0) {
			o->run.trace = 1;
			continue;
		}
		if ((v = optarg_of("--input-json", argc, argv, &i))) {
			if (i == before && !strchr(a, '='))
				return bad_usage("option %s needs a value", a);
			o->input_json = v;
		} else if ((v = optarg_of("--input", argc, argv, &i))) {
			if (i == before && !strchr(a, '='))
				return bad_usage("option %s needs a value", a);
			/* A JSON object or array is the input itself. */
			n = (long long)strspn(v, " \t\r\n");
			if (v[n] == '{' || v[n] == '[')
				o->input_json = v;
			else
				o->input_file = v;
		} else if ((v = optarg_of("--test-state", argc, argv, &i))) {
			if (!*v)
				return bad_usage("%s needs a state name", a);
			o->test.state = v;
		} else if ((v = optarg_of("--mock-result", argc, argv, &i))) {
			o->mock_result = v;
			o->test_option = true;
		} else if ((v = optarg_of("--mock-error", argc, argv, &i))) {
			if (!*v)
				return bad_usage("%s needs an error name", a);
			o->test.mock_error = v;
			o->test_option = true;
		} else if ((v = optarg_of("--mock-cause", argc, argv, &i))) {
			o->test.mock_cause = v;
			o->test_option = true;
		} else if ((v = optarg_of("--variables", argc, argv, &i))) {
			o->variables = v;
			o->test_option = true;
		} else if ((v = optarg_of("--retry-count", argc, argv, &i))) {
			if (!number(v, 0, 99999999, &n))
				return bad_usage("--retry-count needs a number from 0 to 99999999, not '%s'", v);
			o->test.retry_count = n;
			o->test_option = true;
		} else if ((v = optarg_of("--inspection-level", argc, argv, &i))) {
			if (strcmp(v, "INFO") == 0)
				o->test.level = 0;
			else if (strcmp(v, "DEBUG") == 0)
				o->test.level = 1;
			else if (strcmp(v, "TRACE") == 0)
				o->test.level = 2;
			else
				return bad_usage("--inspection-level must be INFO, DEBUG or TRACE, not '%s'", v);
			o->test_option = true;
		} else if ((v = optarg_of("--clock", argc, argv, &i))) {
			if (strcmp(v, "virtual") == 0)
				o->run.virtual_clock = 1;
			else if (strcmp(v, "real") == 0)
				o->run.virtual_clock = 0;
			else
				return bad_usage("--clock must be real or virtual, not '%s'", v);
		} else if ((v = optarg_of("--bindings", argc, argv, &i))) {
			if (i == before && !strchr(a, '='))
				return bad_usage("option %s needs a value", a);
			if (aslp_load_bindings(&o->bindings, &o->nbinding, v, progname, stderr) != 0)
				return 2;
		} else if ((v = optarg_of("--bind", argc, argv, &i))) {
			const char *eq = strchr(v, '=');

			if (!eq || eq == v || !eq[1])
				return bad_usage("--bind needs NAME=COMMAND, not '%s'", v);
			if (!aslp_add_binding(&o->bindings, &o->nbinding, v, (size_t)(eq - v),
					      eq + 1, NULL, 0))
				return bad_usage("%s", "out of memory");
		} else if ((v = optarg_of("--mock-config", argc, argv, &i)) ||
			   (v = optarg_of("--test-case", argc, argv, &i)) ||
			   (v = optarg_of("--state-machine", argc, argv, &i))) {
			if (!*v || !aslp_utf8_valid(v))
				return bad_usage("%s needs a non-empty UTF-8 value", a);
			if (strncmp(a, "--mock-config", 13) == 0)
				o->run.mock_config = v;
			else if (strncmp(a, "--test-case", 11) == 0)
				o->run.test_case = v;
			else
				o->run.state_machine = v;
		} else if ((v = optarg_of("--name", argc, argv, &i)) ||
			   (v = optarg_of("--region", argc, argv, &i)) ||
			   (v = optarg_of("--account", argc, argv, &i))) {
			/* Names go into ARNs and $$: non-empty UTF-8 text. */
			if (!*v || !aslp_utf8_valid(v))
				return bad_usage("%s needs a non-empty UTF-8 value", a);
			if (strncmp(a, "--name", 6) == 0)
				o->run.name = v;
			else if (strncmp(a, "--region", 8) == 0)
				o->run.region = v;
			else
				o->run.account = v;
		} else if ((v = optarg_of("--seed", argc, argv, &i))) {
			char *end;

			errno = 0;
			o->run.seed = strtoull(v, &end, 0);
			if (!*v || *v == '-' || *end || errno)
				return bad_usage("--seed needs a number, not '%s'", v);
			o->run.seeded = 1;
		} else if ((v = optarg_of("--max-threads", argc, argv, &i))) {
			if (!number(v, 1, ASLP_MAX_THREADS, &n))
				return bad_usage("--max-threads needs a number from 1 to " ASLP_STR(ASLP_MAX_THREADS) ", not '%s'", v);
			o->run.max_threads = (int)n;
		} else if ((v = optarg_of("--history-max", argc, argv, &i))) {
			if (!number(v, 1, LONG_MAX, &n))
				return bad_usage("--history-max needs a number above 0, not '%s'", v);
			o->run.history_max = (long)n;
		} else if ((v = optarg_of("--history", argc, argv, &i))) {
			if (!*v)
				return bad_usage("option %s needs a file (- for stderr)", a);
			o->run.history = v;
		} else if ((v = optarg_of("--payload-limit", argc, argv, &i))) {
			if (!number(v, 0, LONG_MAX, &n))
				return bad_usage("--payload-limit needs a number of bytes, not '%s'", v);
			o->run.payload_limit = n ? (long)n : -1;
		} else if ((v = optarg_of("--max-events", argc, argv, &i))) {
			if (!number(v, 0, LONG_MAX, &n))
				return bad_usage("--max-events needs a number, not '%s'", v);
			o->run.max_events = n ? (long)n : -1;
		} else {
			return bad_usage("unknown option '%s'", a);
		}
	}
	return 0;
}

/* Read all of f, or a little more than most bytes; NULL on error. */
static char *
read_all(FILE *f, size_t most, size_t *len)
{
	size_t cap = 65536, n = 0, got;
	char *buf;

	errno = 0;
	buf = malloc(cap);
	while (buf && n <= most && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
	}
	if (!buf || ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
** Read and parse the execution input. *text gets its text, trimmed, which
** the service echoes in some causes.
*/
static json_t *
read_input(const struct options *o, int *status, char **raw)
{
	char *text;
	size_t len, start, limit = aslp_payload_limit(&o->run);
	size_t cap = aslp_read_cap(limit);
	json_t *v;
	json_error_t err;
	bool oom;
	const char *what;

	*status = 2;
	if (o->input_json) {
		text = strdup(o->input_json);
		if (!text) {
			fprintf(stderr, "%s: out of memory\n", progname);
			return NULL;
		}
		len = strlen(text);
		what = "--input-json";
	} else if (o->input_file && strcmp(o->input_file, "-") != 0) {
		FILE *f = fopen(o->input_file, "rb");

		if (!f) {
			fprintf(stderr, "%s: cannot open %s: %s\n", progname,
				o->input_file, strerror(errno));
			return NULL;
		}
		text = read_all(f, cap, &len);
		fclose(f);
		what = o->input_file;
	} else {
		text = read_all(stdin, cap, &len);
		what = "stdin";
	}
	if (!text) {
		fprintf(stderr, "%s: cannot read the input from %s: %s\n", progname, what,
			strerror(errno));
		return NULL;
	}
	/* The text as the client sent it: no byte order mark, no blanks around. */
	start = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	start += strspn(text + start, " \t\r\n");
	while (len > start && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
			       text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	text[len] = '\0';
	memmove(text, text + start, len - start + 1);
	len -= start;
	if (len == 0) {
		free(text);
		if (!(v = json_object()))	/* no input: {} as the service does */
			fprintf(stderr, "%s: out of memory\n", progname);
		return v;
	}
	if (len > limit) {
		fprintf(stderr, "%s: the input is %s%zu bytes, more than %s of %zu bytes\n",
			progname, len > cap ? "over " : "", len, aslp_limit_owner(limit), limit);
		free(text);
		return NULL;
	}
	v = aslp_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom);
	if (oom) {
		fprintf(stderr, "%s: out of memory\n", progname);
		free(text);
		return NULL;
	}
	if (!v) {
		fprintf(stderr, "%s: the input (%s) is not JSON: %s at line %d, column %d%s\n",
			progname, what, err.text, err.line, err.column,
			strstr(err.text, "too big integer") ?
			" (aslc reads integers of up to 64 bits)" : "");
		free(text);
		return NULL;
	}
	*raw = text;
	return v;
}

/* s for a terminal: control characters as \n, \t or \xNN. */
static void
put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/*
** --result: the fields of DescribeExecution, in its order, with the input
** and output as JSON values (the service gives them as JSON text).
*/
static json_t *
describe_execution(asl_ctx *ctx, json_t *output, int64_t stop_ns)
{
	static const char *const status[] = {
		"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"
	};
	const struct aslp_exec *x = ctx->exec;
	char start[64], stop[64];
	json_t *r;

	aslp_format_time(start, sizeof start, x->start.sec * 1000000000 + x->start.nsec);
	aslp_format_time(stop, sizeof stop, stop_ns);
	r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "executionArn", x->arn,
		      "stateMachineArn", x->sm_arn, "name", x->name,
		      "status", status[ctx->status], "startDate", start, "stopDate", stop,
		      "input", x->input);
	if (!r)
		return NULL;
	if (ctx->status == ASLP_SUCCEEDED) {
		if (json_object_set(r, "output", output))
			goto oom;
	} else {
		if (ctx->error && json_object_set_new(r, "error", json_string(ctx->error)))
			goto oom;
		if (ctx->cause && json_object_set_new(r, "cause", json_string(ctx->cause)))
			goto oom;
	}
	return r;
oom:
	json_decref(r);
	return NULL;
}

/* Print the output, or the failure; false when out of memory (said). */
static bool
print_result(asl_ctx *ctx, json_t *output, bool as_result, int64_t stop_ns)
{
	char *text;
	json_t *r;
	bool ok;

	/* A failure that cannot end in a catcher, and has no name: out of memory. */
	if (ctx->status != ASLP_SUCCEEDED && ctx->terminal && !ctx->error) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return false;
	}
	if (!as_result) {
		if (ctx->status == ASLP_SUCCEEDED) {
			text = asl_dumps(output);
			if (!text) {
				fprintf(stderr, "%s: out of memory\n", progname);
				return false;
			}
			printf("%s\n", text);
			free(text);
		} else {
			fprintf(stderr, "%s: execution %s in state \"", progname,
				ctx->status == ASLP_TIMED_OUT ? "timed out" : "failed");
			put_text(stderr, ctx->state ? ctx->state->name : "");
			fputs("\": ", stderr);
			put_text(stderr, ctx->error ? ctx->error : "(no error name)");
			if (ctx->cause) {
				fputs(": ", stderr);
				put_text(stderr, ctx->cause);
			}
			fputc('\n', stderr);
		}
		return true;
	}
	r = describe_execution(ctx, output, stop_ns);
	text = r ? asl_dumps(r) : NULL;
	ok = text != NULL;
	if (ok)
		printf("%s\n", text);
	else
		fprintf(stderr, "%s: out of memory\n", progname);
	free(text);
	json_decref(r);
	return ok;
}

/*
** Interrupted: end the running task program's process group (it does not
** get the terminal's signals), then die of the same signal.
*/
/* The signals that end the executable: its task programs end with it. */
const int aslp_fatal_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM
};
const int aslp_nfatal_signals = sizeof aslp_fatal_signals / sizeof aslp_fatal_signals[0];

static void
on_signal(int sig)
{
	aslp_kill_tasks();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
** Make sure descriptors 0, 1 and 2 are open (on /dev/null if not), so
** that pipes for task programs never take their numbers.
*/
static bool
std_fds_open(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd) {
			fprintf(stderr, "%s: cannot open /dev/null\n", progname);
			return false;
		}
	}
	return true;
}

/*
** The options of --test-state, checked and parsed: the mock's result
** into o->test.mock_result, the variables into *vars. Returns 0 or the
** exit status.
*/
static int
test_options(struct options *o, json_t **vars)
{
	json_error_t err;
	bool oom;

	if (!o->test.state) {
		if (o->test_option)
			return bad_usage("%s", "--mock-result, --mock-error, --mock-cause, --retry-count, "
					 "--inspection-level and --variables need --test-state NAME");
		return 0;
	}
	if (o->run.history || o->result)
		return bad_usage("%s", "--test-state prints its own result and writes no history "
				 "(no --result, no --history)");
	if (o->mock_result && o->test.mock_error)
		return bad_usage("--test-state: %s", "A test mock should have only one of the "
				 "following fields: [result, errorOutput].");
	if (o->test.mock_cause && !o->test.mock_error)
		return bad_usage("%s", "--mock-cause needs --mock-error NAME");
	o->test.mocked = o->mock_result || o->test.mock_error;
	if (o->mock_result) {
		o->test.mock_result = aslp_loadb(o->mock_result, strlen(o->mock_result),
						 JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom);
		if (oom)
			return bad_usage("%s", "out of memory");
		if (!o->test.mock_result)
			return bad_usage("--test-state: Mocked result must be valid JSON (%s)", err.text);
	}
	if (o->variables) {
		*vars = aslp_loadb(o->variables, strlen(o->variables), JSON_ALLOW_NUL, &err, &oom);
		if (oom)
			return bad_usage("%s", "out of memory");
		if (!*vars || !json_is_object(*vars))
			return bad_usage("--variables needs a JSON object, not '%s'", o->variables);
	}
	return 0;
}

int
asl_main(int argc, char **argv, asl_program *prog)
{
	struct aslp_execution e;
	struct aslp_start start;
	struct options o;
	json_t *io, *input, *vars = NULL;
	char *input_text = NULL;
	int status, i;

	if (argc > 0 && argv[0]) {
		const char *slash = strrchr(argv[0], '/');

		progname = slash ? slash + 1 : argv[0];
	}
	memset(&o, 0, sizeof o);
	aslp_note_alloc_failures();
	aslp_init(&e);
	status = parse_options(argc, argv, &o, prog);
	if (status == DONE) {
		status = 0;
		goto out_options;
	}
	if (status || (status = test_options(&o, &vars)) != 0)
		goto out_options;
	if (!std_fds_open()) {
		status = 2;
		goto out_options;
	}
	signal(SIGPIPE, SIG_IGN);	/* a task program may not read its input */
	signal(SIGCHLD, SIG_DFL);	/* task programs are waited for */
	for (i = 0; i < aslp_nfatal_signals; i++) {
		/* What was ignored (nohup, a background job) stays ignored. */
		if (signal(aslp_fatal_signals[i], on_signal) == SIG_IGN)
			signal(aslp_fatal_signals[i], SIG_IGN);
	}
	if (o.run.mock_config && !o.run.test_case) {
		status = bad_usage("%s needs --test-case NAME", "--mock-config");
		goto out;
	}
	memset(&start, 0, sizeof start);
	start.opt = &o.run;
	start.bindings = o.bindings;
	start.nbinding = o.nbinding;
	start.test = o.test.state ? &o.test : NULL;
	start.progname = progname;
	if ((status = aslp_prepare(&e, prog, &start)) != 0)
		goto out;
	input = read_input(&o, &status, &input_text);
	if (!input)
		goto out;
	if ((status = aslp_begin(&e, input, input_text, &o.run)) != 0)
		goto out;

	if (e.test) {
		int depth;

		e.ctx.test = e.test;
		e.ctx.vars = vars;
		vars = NULL;
		if (e.ctx.vars)
			e.ctx.vars_size = aslp_measure(e.ctx.vars, (size_t)-1, ASLP_MAX_DEPTH, &depth);
		io = aslp_test_run(&e.ctx, json_incref(e.exec.input));
		status = aslp_test_report(&e.ctx, io, progname);
		json_decref(io);
		if (fflush(stdout) != 0) {
			fprintf(stderr, "%s: cannot write the output: %s\n", progname,
				strerror(errno));
			status = 2;
		}
		goto out;
	}
	io = aslp_run_top(&e);
	fflush(stderr);
	if (!print_result(&e.ctx, io, o.result, aslp_now_ns(&e.ctx))) {
		status = 2;
	} else if (fflush(stdout) != 0) {
		fprintf(stderr, "%s: cannot write the output: %s\n", progname,
			strerror(errno));
		status = 2;
	} else {
		status = e.ctx.status == ASLP_SUCCEEDED ? 0 : 1;
	}
	json_decref(io);
	if (e.run.history && aslp_history_close(&e.history, progname) != 0 && status == 0)
		status = 2;
out:
	aslp_end(&e);
	asl_stop_threads();
	asl_program_fini(prog);
out_options:
	json_decref(vars);
	json_decref(o.test.mock_result);
	aslp_free_bindings(o.bindings, o.nbinding);
	return status;
}
