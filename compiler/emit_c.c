/*
** emit_c.c - the IR as C that reads as a person would write it.
**
** The output has three parts. First the data: constants as compact JSON
** texts, then one static descriptor per path, filter, template, timestamp,
** task and Fail state, each under a comment quoting the definition. Then
** one function per state machine, with one label per state and a call per
** field of the state, so the file reads in the order of the definition:
**
**	st_0_HelloWorld:
**		if (asl_enter(ctx, &sd_0[0], in))
**			goto failed;
**		v = asl_incref(in);
**		v = asl_parameters(ctx, &tpl_0, v);	(Parameters)
**		if (!v)
**			goto failed;
**
** A transition is a goto; a Choice is an if per rule whose condition is
** the rule as one C expression; a machine of more than PART_STATES states
** is split into parts joined by a dispatcher. Finally the program
** descriptor, the only exported symbol, and main().
**
** Nothing from the definition reaches C unescaped: names become labels
** only through a [A-Za-z0-9_] slug behind the state's index; every string
** is a literal with quotes, backslashes, a '?' after a '?' (trigraphs)
** and every byte outside printable ASCII escaped in octal; comments quote
** names with "*" "/" and "??" broken up. So no definition can inject code.
*/
#include "aslc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aslrt.h"

/* The runtime's names of the IR's kinds, from asl.def. */
static const char *const seg_name[] = {
#define SEG(x) "ASL_SEG_" #x,
#include "asl.def"
};
static const char *const root_name[] = {
#define ROOT(x) "ASL_ROOT_" #x,
#include "asl.def"
};
static const char *const filter_kind_name[] = {
#define FILTER_KIND(x) "ASL_F_" #x,
#include "asl.def"
};
static const char *const filter_op_name[] = {
#define FILTER_OP(x) "ASL_FOP_" #x,
#include "asl.def"
};
static const char *const tnode_name[] = {
#define TNODE(x) "ASL_T_" #x,
#include "asl.def"
};

struct emitter {
	const struct program *prog;
	const struct emit_options *opt;
	struct strbuf out;
	int line;		/* lines written so far */
	int npath, nfilter, ntpl, ntime, ntask, nfail, nrecovery, nerrors, ncall;
	int npar, nmap, njx;
	const char *fail;	/* where a failing step goes: "failed" or the
				   state's error handler */
	struct strmap path_ids;	/* emitted paths by text, for sharing */
	int *part;		/* the function (part) of each state; -1: none */
	bool *entry;		/* entered from outside its part */
	int cur_part;		/* the part being written */
	bool split;		/* the machine has several parts */
};


static void out(struct emitter *e, const char *fmt, ...) ASLC_PRINTF(2, 3);

static void
out(struct emitter *e, const char *fmt, ...)
{
	va_list ap;
	size_t before = e->out.len, i;

	va_start(ap, fmt);
	sb_vprintf(&e->out, fmt, ap);
	va_end(ap);
	for (i = before; i < e->out.len; i++)
		if (e->out.s[i] == '\n')
			e->line++;
}

/*
** A C string literal for s. Long strings are split over lines unless
** one_line (for #line, whose file name must stay on its line), and the
** pieces put in parentheses: in a table of strings, clang takes two
** pieces followed by single ones for a missing comma
** (-Wstring-concatenation).
*/
static void
c_literal(struct emitter *e, const char *s, size_t len, bool one_line)
{
	struct strbuf b = { 0 };
	size_t i, chunk = 0;
	bool split = false;

	sb_putc(&b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (chunk >= 72 && i + 1 < len && !one_line) {
			sb_puts(&b, "\"\n\t\t\"");
			chunk = 0;
			split = true;
		}
		if (c == '"' || c == '\\') {
			sb_putc(&b, '\\');
			sb_putc(&b, (char)c);
			chunk += 2;
		} else if (c == '?' && i > 0 && s[i - 1] == '?') {
			sb_puts(&b, "\\?");	/* "??" never appears: no trigraph */
			chunk += 2;
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(esc, sizeof esc, "\\%03o", c);
			sb_puts(&b, esc);
			chunk += 4;
		} else {
			sb_putc(&b, (char)c);
			chunk++;
		}
	}
	sb_putc(&b, '"');
	out(e, split ? "(%s)" : "%s", b.s);
	sb_free(&b);
}

/*
** Text for inside a comment: JSON-like escapes for control characters,
** and the pairs that could end or open a comment, or form a trigraph,
** broken with a backslash.
*/
static void
c_comment(struct emitter *e, const char *s)
{
	struct strbuf b = { 0 };

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c == '*' && s[1] == '/') || (c == '/' && s[1] == '*')) {
			sb_putc(&b, (char)c);
			sb_putc(&b, '\\');
		} else if (c == '?' && s[1] == '?') {
			sb_puts(&b, "?\\");
		} else if (c == '\n') {
			sb_puts(&b, "\\n");
		} else if (c == '\t') {
			sb_puts(&b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			sb_printf(&b, "\\x%02x", c);
		} else if (c == '\\') {
			sb_puts(&b, "\\\\");
		} else {
			sb_putc(&b, (char)c);
		}
	}
	out(e, "%s", b.s ? b.s : "");
	sb_free(&b);
}

static void
c_string(struct emitter *e, const char *s, size_t len)
{
	c_literal(e, s, len, false);
}

/* The label of a state: st_<index>_<slug of its name>. */
const char *
state_label(const struct state *st)
{
	char slug[33];
	size_t n = 0;
	const char *s;

	for (s = st->name; *s && n < 32; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_')
			slug[n++] = (char)c;
		else if (n > 0 && slug[n - 1] != '_' && c < 0x80)
			slug[n++] = '_';
	}
	while (n > 0 && slug[n - 1] == '_')
		n--;
	slug[n] = '\0';
	if (!n)
		return arena_printf("st_%d", st->index);
	return arena_printf("st_%d_%s", st->index, slug);
}

static void
line_directive(struct emitter *e, struct loc loc)
{
	int line;

	if (!e->opt->line_directives || !loc.ptr)
		return;
	line = diag_line(loc.ptr);
	if (line > 0) {
		out(e, "#line %d ", line);
		c_literal(e, e->prog->file, strlen(e->prog->file), true);
		out(e, "\n");
	}
}

/* ---- data ---- */

static int emit_path(struct emitter *e, struct path *p);
static void emit_double(struct emitter *e, double d);

static void
emit_operand(struct emitter *e, const struct operand *o)
{
	if (o->path) {
		out(e, "{ .path = &path_%d }", o->path->id);
	} else if (o->regex) {
		out(e, "{ .regex = ");
		c_string(e, o->regex, strlen(o->regex));
		out(e, ", .icase = %d }", o->icase);
	} else {
		out(e, "{ .konst = %d }", o->konst);
	}
}

static int
emit_filter(struct emitter *e, struct filter *f)
{
	if (f->id >= 0)
		return f->id;
	if (f->a)
		emit_filter(e, f->a);
	if (f->b)
		emit_filter(e, f->b);
	if (f->l.path)
		emit_path(e, f->l.path);
	if (f->r.path)
		emit_path(e, f->r.path);
	f->id = e->nfilter++;
	out(e, "static const asl_filter filter_%d = {\n\t.kind = %s,", f->id,
	    filter_kind_name[f->kind]);
	if (f->kind == FILTER_CMP)
		out(e, " .op = %s,", filter_op_name[f->op]);
	if (f->a)
		out(e, " .a = &filter_%d,", f->a->id);
	if (f->b)
		out(e, " .b = &filter_%d,", f->b->id);
	if (f->kind == FILTER_CMP || f->kind == FILTER_EXISTS) {
		out(e, "\n\t.l = ");
		emit_operand(e, &f->l);
		out(e, ",");
	}
	if (f->kind == FILTER_CMP) {
		out(e, "\n\t.r = ");
		emit_operand(e, &f->r);
		out(e, ",");
	}
	out(e, "\n};\n");
	return f->id;
}

static int
emit_path(struct emitter *e, struct path *p)
{
	int i, k, id;

	if (p->id >= 0)
		return p->id;
	/* Equal texts are equal paths: share one descriptor. */
	id = strmap_get(&e->path_ids, p->text);
	if (id >= 0) {
		p->id = id;
		return id;
	}
	for (i = 0; i < p->nseg; i++)
		if (p->segs[i].kind == SEG_FILTER)
			emit_filter(e, p->segs[i].filter);
	id = e->npath++;
	strmap_put(&e->path_ids, p->text, id);
	p->id = id;
	out(e, "\n/* ");
	c_comment(e, p->text);
	out(e, " */\n");
	for (i = 0; i < p->nseg; i++) {
		const struct seg *sg = &p->segs[i];

		if (sg->kind == SEG_KEYS) {
			out(e, "static const char *const path_%d_keys_%d[] = { ", id, i);
			for (k = 0; k < sg->n; k++) {
				c_string(e, sg->keys[k], strlen(sg->keys[k]));
				out(e, k + 1 < sg->n ? ", " : " };\n");
			}
		} else if (sg->kind == SEG_INDEXES) {
			out(e, "static const int64_t path_%d_indexes_%d[] = { ", id, i);
			for (k = 0; k < sg->n; k++)
				out(e, "%lld%s", (long long)sg->indexes[k], k + 1 < sg->n ? ", " : " };\n");
		}
	}
	if (p->nseg) {
		out(e, "static const asl_seg path_%d_segs[] = {\n", id);
		for (i = 0; i < p->nseg; i++) {
			const struct seg *sg = &p->segs[i];

			out(e, "\t{ .kind = %s", seg_name[sg->kind]);
			switch (sg->kind) {
			case SEG_KEY:
				out(e, ", .key = ");
				c_string(e, sg->key, strlen(sg->key));
				break;
			case SEG_INDEX:
				out(e, ", .a = %lld", (long long)sg->a);
				if (sg->b)
					out(e, ", .b = 1");
				break;
			case SEG_SLICE:
				if (sg->a == SLICE_NONE)
					out(e, ", .a = ASL_SLICE_NONE");
				else
					out(e, ", .a = %lld", (long long)sg->a);
				if (sg->b == SLICE_NONE)
					out(e, ", .b = ASL_SLICE_NONE");
				else
					out(e, ", .b = %lld", (long long)sg->b);
				break;
			case SEG_KEYS:
				out(e, ", .keys = path_%d_keys_%d, .n = %d", id, i, sg->n);
				break;
			case SEG_INDEXES:
				out(e, ", .indexes = path_%d_indexes_%d, .n = %d", id, i, sg->n);
				break;
			case SEG_FILTER:
				out(e, ", .filter = &filter_%d", sg->filter->id);
				break;
			default:
				break;
			}
			out(e, " },\n");
		}
		out(e, "};\n");
	}
	out(e, "static const asl_path path_%d = {\n\t.text = ", id);
	c_string(e, p->text, strlen(p->text));
	out(e, ",\n\t.root = %s, .definite = %d", root_name[p->root], p->definite);
	if (p->nseg)
		out(e, ", .segs = path_%d_segs, .nseg = %d", id, p->nseg);
	if (p->var) {
		out(e, ",\n\t.var = ");
		c_string(e, p->var, strlen(p->var));
	}
	out(e, ",\n};\n");
	return id;
}

static const char *const intrinsic_enum[] = {
#define INTRINSIC(id, name, min, max) "ASL_FN_" #id,
#include "asl.def"
};

/* An intrinsic call, its arguments first; returns its number. */
static int
emit_call(struct emitter *e, struct icall *c)
{
	int i;

	if (c->id >= 0)
		return c->id;
	for (i = 0; i < c->nargs; i++) {
		if (c->args[i].kind == IARG_PATH)
			emit_path(e, c->args[i].path);
		else if (c->args[i].kind == IARG_CALL)
			emit_call(e, c->args[i].call);
	}
	c->id = e->ncall++;
	out(e, "\n/* ");
	c_comment(e, c->text);
	out(e, " */\n");
	if (c->nargs) {
		out(e, "static const asl_iarg call_%d_args[] = {\n", c->id);
		for (i = 0; i < c->nargs; i++) {
			const struct iarg *a = &c->args[i];

			switch (a->kind) {
			case IARG_CONST:
				out(e, "\t{ .kind = ASL_IA_CONST, .konst = %d", a->konst);
				/* Format's template keeps its escapes: \{ is no placeholder. */
				if (c->fn == FN_FORMAT && i == 0 && a->raw) {
					out(e, ", .raw = ");
					c_string(e, a->raw, strlen(a->raw));
				}
				out(e, " },\n");
				break;
			case IARG_PATH:
				out(e, "\t{ .kind = ASL_IA_PATH, .path = &path_%d },\n", a->path->id);
				break;
			case IARG_CALL:
				out(e, "\t{ .kind = ASL_IA_CALL, .call = &call_%d },\n", a->call->id);
				break;
			}
		}
		out(e, "};\n");
	}
	out(e, "static const asl_intrinsic call_%d = {\n\t.fn = %s, .text = ", c->id,
	    intrinsic_enum[c->fn]);
	c_string(e, c->text, strlen(c->text));
	if (c->nargs)
		out(e, ",\n\t.args = call_%d_args, .nargs = %d", c->id, c->nargs);
	out(e, ",\n};\n");
	return c->id;
}

/* A JSONata expression's tables: its nodes and lists (see asl_jexpr). */
static void
emit_jexpr(struct emitter *e, struct jexpr *x)
{
	int i;

	if (x->id >= 0)
		return;
	x->id = e->njx++;
	out(e, "\n/* {%% ");
	c_comment(e, x->text);
	out(e, " %%} */\n");
	if (x->nlist) {
		out(e, "static const int jx_%d_lists[] = {", x->id);
		for (i = 0; i < x->nlist; i++)
			out(e, "%s%d,", i % 16 ? " " : "\n\t", x->lists[i]);
		out(e, "\n};\n");
	}
	out(e, "/* type, flags, position, lhs, rhs, x, list, nlist, stages, nstages, pred, npred,\n"
	    "   group, ngroup, konst, str, flags2, focus, index, label (asl_jnode) */\n");
	out(e, "static const asl_jnode jx_%d_nodes[] = {\n", x->id);
	for (i = 0; i < x->nnode; i++) {
		const asl_jnode *n = &x->nodes[i];

		static const char *const types[] = {
			"PATH", "BINARY", "UNARY", "NAME", "STRING", "NUMBER", "VALUE", "WILDCARD",
			"DESCENDANT", "PARENT", "VARIABLE", "REGEX", "FUNCTION", "PARTIAL", "LAMBDA",
			"CONDITION", "TRANSFORM", "BLOCK", "BIND", "APPLY", "SORT", "FILTER", "INDEX",
			"OPERATOR", "END", "TERM"
		};
		static const char *const flags[] = {
			"KEEP_ARRAY", "KEEP_SINGLETON", "CONSARRAY", "THUNK", "DESCENDING", "HAS_GROUP",
			"TUPLE", "SIMPLE"
		};
		int b, any = 0;

		out(e, "\t/* %d */ { ASL_JN_%s, ", i, types[n->type]);
		for (b = 0; b < 8; b++)
			if (n->flags & (1 << b))
				out(e, "%sASL_JN_%s", any++ ? " | " : "", flags[b]);
		out(e, "%s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, ", any ? "" : "0",
		    n->position, n->lhs, n->rhs, n->x, n->list, n->nlist,
		    n->stages, n->nstages, n->pred, n->npred, n->group, n->ngroup, n->konst);
		if (n->str)
			c_string(e, n->str, strlen(n->str));
		else
			out(e, "NULL");
		const char *s[4] = { n->flags2, n->focus, n->index, n->label };
		int k;

		for (k = 0; k < 4; k++) {
			out(e, ", ");
			if (s[k])
				c_string(e, s[k], strlen(s[k]));
			else
				out(e, "NULL");
		}
		out(e, " },\n");
	}
	out(e, "};\nstatic const asl_jexpr jx_%d = { .text = ", x->id);
	c_string(e, x->text, strlen(x->text));
	out(e, ", .nodes = jx_%d_nodes, ", x->id);
	if (x->nlist)
		out(e, ".lists = jx_%d_lists, ", x->id);
	out(e, ".root = %d };\n", x->root);
}

static void
emit_template(struct emitter *e, struct template *t, const char *what,
	      const struct state *st)
{
	int i;

	for (i = 0; i < t->nnode; i++) {
		if (t->nodes[i].kind == TNODE_JSONATA)
			emit_jexpr(e, t->nodes[i].jx);
		if (t->nodes[i].kind == TNODE_PATH)
			emit_path(e, t->nodes[i].path);
		if (t->nodes[i].kind == TNODE_CALL)
			emit_call(e, t->nodes[i].call);
	}
	t->id = e->ntpl++;
	out(e, "\n/* %s of \"", what);
	c_comment(e, st->name);
	out(e, "\" */\nstatic const asl_tnode tpl_%d_nodes[] = {\n", t->id);
	for (i = 0; i < t->nnode; i++) {
		const struct tnode *n = &t->nodes[i];

		out(e, "\t{ .kind = %s", tnode_name[n->kind]);
		if (n->key) {
			out(e, ", .key = ");
			c_string(e, n->key, strlen(n->key));
		}
		switch (n->kind) {
		case TNODE_OBJECT:
		case TNODE_ARRAY:
			out(e, ", .n = %d", n->n);
			break;
		case TNODE_CONST:
			out(e, ", .konst = %d", n->konst);
			break;
		case TNODE_PATH:
			out(e, ", .field = ");
			c_string(e, n->field, strlen(n->field));
			out(e, ", .path = &path_%d", n->path->id);
			break;
		case TNODE_CALL:
			out(e, ", .field = ");
			c_string(e, n->field, strlen(n->field));
			out(e, ", .call = &call_%d", n->call->id);
			break;
		case TNODE_JSONATA:
			out(e, ", .field = ");
			c_string(e, n->field, strlen(n->field));
			out(e, ", .jsonata = &jx_%d", n->jx->id);
			break;
		}
		out(e, " },\n");
	}
	out(e, "};\nstatic const asl_template tpl_%d = { .nodes = tpl_%d_nodes, .nnode = %d };\n",
	    t->id, t->id, t->nnode);
}

static void
emit_rule_data(struct emitter *e, struct rule *r)
{
	int i;

	if (r->kind != RULE_CMP) {
		for (i = 0; i < r->nkid; i++)
			emit_rule_data(e, r->kids[i]);
		return;
	}
	emit_path(e, r->var);
	if (r->operand)
		emit_path(e, r->operand);
	if (compare_info[r->cmp].type == OPERAND_TIMESTAMP) {
		r->time_id = e->ntime++;
		out(e, "\n/* ");
		c_comment(e, r->text);
		out(e, " */\nstatic const asl_time time_%d = { .sec = %lld, .nsec = %ld };\n",
		    r->time_id, (long long)r->tsec, (long)r->tnsec);
	}
}

static const char *const resource_kind_name[] = {
	"ASL_RES_LAMBDA", "ASL_RES_LAMBDA_INVOKE", "ASL_RES_SERVICE", "ASL_RES_ACTIVITY",
	"ASL_RES_OTHER"
};
static const char *const pattern_name[] = {
	"ASL_PAT_REQUEST_RESPONSE", "ASL_PAT_SYNC", "ASL_PAT_CALLBACK"
};

/* An ErrorEquals list as a static array; returns its number. */
static int
emit_errors(struct emitter *e, const struct errors *er)
{
	int i, id = e->nerrors++;

	out(e, "static const char *const errors_%d[] = {", id);
	for (i = 0; i < er->n; i++) {
		out(e, "%s", i ? ", " : " ");
		c_string(e, er->names[i], strlen(er->names[i]));
	}
	out(e, " };\n");
	return id;
}

/* The Retry and Catch of a state: one asl_recovery. */
static void
emit_recovery_data(struct emitter *e, struct state *st)
{
	int *ids, i;

	for (i = 0; i < st->ncatch; i++) {
		if (st->catch[i].result_path.path)
			emit_path(e, st->catch[i].result_path.path);
		if (st->catch[i].assign)
			emit_template(e, st->catch[i].assign,
				      arena_printf("Assign of Catch[%d]", i), st);
		if (st->catch[i].output)
			emit_template(e, st->catch[i].output,
				      arena_printf("Output of Catch[%d]", i), st);
	}
	st->recovery_id = e->nrecovery++;
	out(e, "\n/* Retry and Catch of \"");
	c_comment(e, st->name);
	out(e, "\" */\n");
	ids = arena_alloc((size_t)(st->nretry + st->ncatch + 1) * sizeof *ids);
	for (i = 0; i < st->nretry; i++)
		ids[i] = emit_errors(e, &st->retry[i].errors);
	for (i = 0; i < st->ncatch; i++)
		ids[st->nretry + i] = emit_errors(e, &st->catch[i].errors);
	if (st->nretry) {
		out(e, "static const asl_retrier retriers_%d[] = {\n", st->recovery_id);
		for (i = 0; i < st->nretry; i++) {
			const struct retrier *r = &st->retry[i];

			out(e, "\t{ .errors = errors_%d, .nerror = %d, .interval = %lld, .max_attempts = %lld,\n"
			    "\t  .backoff = ", ids[i], r->errors.n, (long long)r->interval,
			    (long long)r->max_attempts);
			emit_double(e, r->backoff);
			out(e, ", .max_delay = %lld, .jitter = %d },\n", (long long)r->max_delay,
			    r->jitter);
		}
		out(e, "};\n");
	}
	if (st->ncatch) {
		out(e, "static const asl_catcher catchers_%d[] = {\n", st->recovery_id);
		for (i = 0; i < st->ncatch; i++)
			out(e, "\t{ .errors = errors_%d, .nerror = %d },\n", ids[st->nretry + i],
			    st->catch[i].errors.n);
		out(e, "};\n");
	}
	out(e, "static const asl_recovery recovery_%d = {\n", st->recovery_id);
	if (st->nretry)
		out(e, "\t.retriers = retriers_%d, .nretrier = %d,\n", st->recovery_id, st->nretry);
	if (st->ncatch)
		out(e, "\t.catchers = catchers_%d, .ncatcher = %d,\n", st->recovery_id, st->ncatch);
	out(e, "};\n");
}

/* A Task state's descriptor, and its Retry and Catch. */
static void
emit_task_data(struct emitter *e, struct state *st)
{
	struct task *t = &st->task;

	if (t->timeout_path)
		emit_path(e, t->timeout_path);
	if (t->heartbeat_path)
		emit_path(e, t->heartbeat_path);
	if (t->timeout_jn)
		emit_template(e, t->timeout_jn, "TimeoutSeconds", st);
	if (t->heartbeat_jn)
		emit_template(e, t->heartbeat_jn, "HeartbeatSeconds", st);
	if (t->credentials)
		emit_template(e, t->credentials, "Credentials", st);
	t->id = e->ntask++;
	out(e, "\n/* Resource of \"");
	c_comment(e, st->name);
	out(e, "\" */\nstatic const asl_task_desc task_%d = {\n\t.state = ", t->id);
	c_string(e, st->name, strlen(st->name));
	out(e, ",\n\t.resource = ");
	c_string(e, t->resource, strlen(t->resource));
	out(e, ",\n\t.kind = %s, .pattern = %s, .index = %d,\n", resource_kind_name[t->kind],
	    pattern_name[t->pattern], t->index);
	if (t->function) {
		out(e, "\t.function = ");
		c_string(e, t->function, strlen(t->function));
		out(e, ",\n");
	}
	if (t->timeout)
		out(e, "\t.timeout = %lld,\n", (long long)t->timeout);
	if (t->timeout_path)
		out(e, "\t.timeout_path = &path_%d,\n", t->timeout_path->id);
	if (t->heartbeat)
		out(e, "\t.heartbeat = %lld,\n", (long long)t->heartbeat);
	if (t->heartbeat_path)
		out(e, "\t.heartbeat_path = &path_%d,\n", t->heartbeat_path->id);
	if (t->timeout_jn)
		out(e, "\t.timeout_jn = &tpl_%d,\n", t->timeout_jn->id);
	if (t->heartbeat_jn)
		out(e, "\t.heartbeat_jn = &tpl_%d,\n", t->heartbeat_jn->id);
	if (t->credentials)
		out(e, "\t.credentials = &tpl_%d, .jsonata = %d,\n", t->credentials->id, st->jsonata);
	out(e, "};\n");
}

static void
emit_parallel_data(struct emitter *e, struct state *st)
{
	struct parallel *p = &st->parallel;
	int i;

	p->id = e->npar++;
	out(e, "\n/* Branches of \"");
	c_comment(e, st->name);
	out(e, "\" */\nstatic asl_machine_fn *const par_%d_branches[] = {", p->id);
	for (i = 0; i < p->nbranch; i++)
		out(e, "%ssm_%d", i ? ", " : " ", p->branches[i]->id);
	out(e, " };\nstatic const asl_parallel_desc par_%d = {\n"
	    "\t.branches = par_%d_branches, .nbranch = %d,\n};\n", p->id, p->id, p->nbranch);
}

static void
emit_reader(struct emitter *e, struct state *st, int id)
{
	const struct item_reader *r = st->map.reader;
	static const char *const types[] = { "ASL_INPUT_JSON", "ASL_INPUT_JSONL", "ASL_INPUT_CSV" };
	int i;

	if (r->parameters)
		emit_template(e, r->parameters, "ItemReader Parameters", st);
	if (r->arguments)
		emit_template(e, r->arguments, "ItemReader Arguments", st);
	if (r->max_items_jn)
		emit_template(e, r->max_items_jn, "MaxItems", st);
	if (r->max_items_path)
		emit_path(e, r->max_items_path);
	if (r->ncsv_header) {
		out(e, "\nstatic const char *const map_%d_headers[] = {\n", id);
		for (i = 0; i < r->ncsv_header; i++) {
			out(e, "\t");
			c_string(e, r->csv_headers[i], strlen(r->csv_headers[i]));
			out(e, ",\n");
		}
		out(e, "};\n");
	}
	out(e, "static const asl_item_reader map_%d_reader = {\n\t.type = %s,\n", id, types[r->type]);
	if (r->parameters)
		out(e, "\t.parameters = &tpl_%d,\n", r->parameters->id);
	if (r->type == INPUT_CSV)
		out(e, "\t.csv_given = %d, .csv_delimiter = '%s',\n", r->csv_given,
		    r->csv_delimiter == '\t' ? "\\t" : (char[]){ r->csv_delimiter, 0 });
	if (r->ncsv_header)
		out(e, "\t.csv_headers = map_%d_headers, .ncsv_header = %d,\n", id, r->ncsv_header);
	if (r->items_pointer) {
		out(e, "\t.items_pointer = ");
		c_string(e, r->items_pointer, strlen(r->items_pointer));
		out(e, ",\n");
	}
	if (r->max_items)
		out(e, "\t.max_items = %lld,\n", (long long)r->max_items);
	if (r->max_items_path)
		out(e, "\t.max_items_path = &path_%d,\n", r->max_items_path->id);
	if (r->arguments)
		out(e, "\t.arguments = &tpl_%d,\n", r->arguments->id);
	if (r->max_items_jn)
		out(e, "\t.max_items_jn = &tpl_%d,\n", r->max_items_jn->id);
	if (r->list)
		out(e, "\t.list = 1, .flatten = %d,\n", r->flatten);
	out(e, "};\n");
}

static void
emit_batcher(struct emitter *e, struct state *st, int id)
{
	const struct item_batcher *b = st->map.batcher;

	if (b->max_items_path)
		emit_path(e, b->max_items_path);
	if (b->max_bytes_path)
		emit_path(e, b->max_bytes_path);
	if (b->batch_input)
		emit_template(e, b->batch_input, "BatchInput", st);
	if (b->max_items_jn)
		emit_template(e, b->max_items_jn, "MaxItemsPerBatch", st);
	if (b->max_bytes_jn)
		emit_template(e, b->max_bytes_jn, "MaxInputBytesPerBatch", st);
	if (b->batch_input_jn)
		emit_template(e, b->batch_input_jn, "BatchInput", st);
	out(e, "static const asl_item_batcher map_%d_batcher = {\n", id);
	if (b->max_items)
		out(e, "\t.max_items = %lld,\n", (long long)b->max_items);
	if (b->max_items_path)
		out(e, "\t.max_items_path = &path_%d,\n", b->max_items_path->id);
	if (b->max_bytes)
		out(e, "\t.max_bytes = %lld,\n", (long long)b->max_bytes);
	if (b->max_bytes_path)
		out(e, "\t.max_bytes_path = &path_%d,\n", b->max_bytes_path->id);
	if (b->batch_input)
		out(e, "\t.batch_input = &tpl_%d,\n", b->batch_input->id);
	if (b->max_items_jn)
		out(e, "\t.max_items_jn = &tpl_%d,\n", b->max_items_jn->id);
	if (b->max_bytes_jn)
		out(e, "\t.max_bytes_jn = &tpl_%d,\n", b->max_bytes_jn->id);
	if (b->batch_input_jn)
		out(e, "\t.batch_input_jn = &tpl_%d,\n", b->batch_input_jn->id);
	out(e, "};\n");
}

static void
emit_writer(struct emitter *e, struct state *st, int id)
{
	const struct result_writer *w = st->map.writer;
	static const char *const names[] = {
		"ASL_TRANSFORM_NONE", "ASL_TRANSFORM_COMPACT", "ASL_TRANSFORM_FLATTEN"
	};

	if (w->parameters)
		emit_template(e, w->parameters, "ResultWriter Parameters", st);
	if (w->arguments)
		emit_template(e, w->arguments, "ResultWriter Arguments", st);
	out(e, "static const asl_result_writer map_%d_writer = {\n", id);
	if (w->parameters)
		out(e, "\t.parameters = &tpl_%d,\n", w->parameters->id);
	if (w->arguments)
		out(e, "\t.arguments = &tpl_%d,\n", w->arguments->id);
	out(e, "\t.jsonl = %d, .transformation = %s,\n};\n", w->jsonl, names[w->transformation]);
}

/* The path fields of a Map, then its descriptor. */
static void
emit_map_data(struct emitter *e, struct state *st)
{
	struct map *m = &st->map;
	struct path *paths[] = { m->items_path, m->max_concurrency_path, m->percentage_path,
				 m->count_path };
	size_t i;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if (paths[i])
			emit_path(e, paths[i]);
	if (m->selector)
		emit_template(e, m->selector, "ItemSelector", st);
	if (m->items)
		emit_template(e, m->items, "Items", st);
	if (m->max_concurrency_jn)
		emit_template(e, m->max_concurrency_jn, "MaxConcurrency", st);
	if (m->percentage_jn)
		emit_template(e, m->percentage_jn, "ToleratedFailurePercentage", st);
	if (m->count_jn)
		emit_template(e, m->count_jn, "ToleratedFailureCount", st);
	m->id = e->nmap++;
	if (m->reader)
		emit_reader(e, st, m->id);
	if (m->batcher)
		emit_batcher(e, st, m->id);
	if (m->writer)
		emit_writer(e, st, m->id);
	out(e, "\n/* Map \"");
	c_comment(e, st->name);
	out(e, "\" */\nstatic const asl_map_desc map_%d = {\n\t.processor = sm_%d,\n",
	    m->id, m->processor->id);
	if (m->items_path)
		out(e, "\t.items_path = &path_%d,\n", m->items_path->id);
	if (m->selector)
		out(e, "\t.selector = &tpl_%d,\n", m->selector->id);
	if (st->jsonata)
		out(e, "\t.jsonata = 1,\n");
	if (m->items)
		out(e, "\t.items = &tpl_%d,\n", m->items->id);
	if (m->max_concurrency_jn)
		out(e, "\t.max_concurrency_jn = &tpl_%d,\n", m->max_concurrency_jn->id);
	if (m->percentage_jn)
		out(e, "\t.percentage_jn = &tpl_%d,\n", m->percentage_jn->id);
	if (m->count_jn)
		out(e, "\t.count_jn = &tpl_%d,\n", m->count_jn->id);
	if (m->max_concurrency)
		out(e, "\t.max_concurrency = %lld,\n", (long long)m->max_concurrency);
	if (m->max_concurrency_path)
		out(e, "\t.max_concurrency_path = &path_%d,\n", m->max_concurrency_path->id);
	if (m->distributed)
		out(e, "\t.distributed = 1,%s\n", m->express ? " .express = 1," : "");
	if (m->has_percentage) {
		out(e, "\t.has_percentage = 1, .percentage = ");
		emit_double(e, m->percentage);
		out(e, ",\n");
	}
	if (m->percentage_path)
		out(e, "\t.percentage_path = &path_%d,\n", m->percentage_path->id);
	if (m->has_count)
		out(e, "\t.has_count = 1, .count = %lld,\n", (long long)m->count);
	if (m->count_path)
		out(e, "\t.count_path = &path_%d,\n", m->count_path->id);
	if (m->label) {
		out(e, "\t.label = ");
		c_string(e, m->label, strlen(m->label));
		out(e, ",\n");
	}
	if (m->reader)
		out(e, "\t.reader = &map_%d_reader,\n", m->id);
	if (m->batcher)
		out(e, "\t.batcher = &map_%d_batcher,\n", m->id);
	if (m->writer)
		out(e, "\t.writer = &map_%d_writer,\n", m->id);
	out(e, "};\n");
}

/* The descriptors the state's steps use; ids go into the IR. */
static void
emit_state_data(struct emitter *e, struct state *st)
{
	int k, r;

	for (k = 0; k < st->nop; k++) {
		struct op *op = &st->ops[k];

		if (op->path)
			emit_path(e, op->path);
		if (op->tpl)
			emit_template(e, op->tpl, op->kind == OP_PARAMETERS ? "Parameters" :
				      op->kind == OP_ASSIGN || op->kind == OP_JN_ASSIGN ? "Assign" :
				      op->kind == OP_ARGUMENTS ? "Arguments" :
				      op->kind == OP_JN_OUTPUT ? "Output" : "ResultSelector", st);
		switch (op->kind) {
		case OP_TASK:
			emit_task_data(e, st);
			break;
		case OP_FAIL:
			if (st->fail.error_path)
				emit_path(e, st->fail.error_path);
			if (st->fail.cause_path)
				emit_path(e, st->fail.cause_path);
			if (st->fail.error_call)
				emit_call(e, st->fail.error_call);
			if (st->fail.cause_call)
				emit_call(e, st->fail.cause_call);
			if (st->fail.error_jn)
				emit_template(e, st->fail.error_jn, "Error", st);
			if (st->fail.cause_jn)
				emit_template(e, st->fail.cause_jn, "Cause", st);
			op->konst = e->nfail++;
			out(e, "\n/* Error and Cause of \"");
			c_comment(e, st->name);
			out(e, "\" */\nstatic const asl_fail_desc fail_%d = {\n", op->konst);
			if (st->fail.error) {
				out(e, "\t.error = ");
				c_string(e, st->fail.error, strlen(st->fail.error));
				out(e, ",\n");
			}
			if (st->fail.cause) {
				out(e, "\t.cause = ");
				c_string(e, st->fail.cause, strlen(st->fail.cause));
				out(e, ",\n");
			}
			if (st->fail.error_path)
				out(e, "\t.error_path = &path_%d,\n", st->fail.error_path->id);
			if (st->fail.cause_path)
				out(e, "\t.cause_path = &path_%d,\n", st->fail.cause_path->id);
			if (st->fail.error_call)
				out(e, "\t.error_call = &call_%d,\n", st->fail.error_call->id);
			if (st->fail.cause_call)
				out(e, "\t.cause_call = &call_%d,\n", st->fail.cause_call->id);
			if (st->fail.error_jn)
				out(e, "\t.error_jn = &tpl_%d,\n", st->fail.error_jn->id);
			if (st->fail.cause_jn)
				out(e, "\t.cause_jn = &tpl_%d,\n", st->fail.cause_jn->id);
			if (!st->fail.error && !st->fail.cause && !st->fail.error_path &&
			    !st->fail.cause_path && !st->fail.error_call && !st->fail.cause_call &&
			    !st->fail.error_jn && !st->fail.cause_jn)
				out(e, "\t.error = NULL,\t/* neither Error nor Cause */\n");
			out(e, "};\n");
			break;
		case OP_PARALLEL:
			emit_parallel_data(e, st);
			break;
		case OP_MAP:
			emit_map_data(e, st);
			break;
		case OP_WAIT:
			if (st->wait.jn)
				emit_template(e, st->wait.jn, st->wait.kind == WAIT_TIMESTAMP ?
					      "Timestamp" : "Seconds", st);
			if (st->wait.path)
				emit_path(e, st->wait.path);
			if (st->wait.jn)
				break;
			if (st->wait.kind == WAIT_TIMESTAMP) {
				op->konst = e->ntime++;
				out(e, "\n/* ");
				c_comment(e, st->wait.text);
				out(e, " */\nstatic const asl_time time_%d = { .sec = %lld, .nsec = %ld };\n",
				    op->konst, (long long)st->wait.tsec, (long)st->wait.tnsec);
			}
			break;
		case OP_CHOICE:
			for (r = 0; r < st->choice.nrule; r++) {
				if (st->choice.rules[r]->condition)
					emit_template(e, st->choice.rules[r]->condition,
						      arena_printf("Condition of Choices[%d]", r), st);
				if (st->choice.rules[r]->output)
					emit_template(e, st->choice.rules[r]->output,
						      arena_printf("Output of Choices[%d]", r), st);
				if (st->jsonata) {
					if (st->choice.rules[r]->assign)
						emit_template(e, st->choice.rules[r]->assign,
							      arena_printf("Assign of Choices[%d]", r), st);
					continue;
				}
				emit_rule_data(e, st->choice.rules[r]);
				if (st->choice.rules[r]->assign)
					emit_template(e, st->choice.rules[r]->assign,
						      arena_printf("Assign of Choices[%d]", r), st);
			}
			if (st->assign)
				emit_template(e, st->assign, "Assign", st);
			if (st->output)
				emit_template(e, st->output, "Output", st);
			if (st->output_path.path)
				emit_path(e, st->output_path.path);
			break;
		default:
			break;
		}
	}
	if (st->nretry || st->ncatch)
		emit_recovery_data(e, st);
}

/* ---- code ---- */

bool
rule_negates(const struct rule *r)
{
	int i;

	if (r->kind == RULE_NOT)
		return true;
	if (r->kind == RULE_CMP)
		return compare_info[r->cmp].type >= OPERAND_IS_NULL && !r->b;
	for (i = 0; i < r->nkid; i++)
		if (rule_negates(r->kids[i]))
			return true;
	return false;
}

static void
emit_double(struct emitter *e, double d)
{
	char buf[64];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (!strpbrk(buf, ".e"))
		strcat(buf, ".0");
	out(e, "%s", buf);
}

static void
emit_int64(struct emitter *e, int64_t i)
{
	if (i == INT64_MIN)
		out(e, "(-INT64_C(9223372036854775807) - 1)");
	else
		out(e, "INT64_C(%lld)", (long long)i);
}

/* The rule as a C expression; depth 0 is the whole condition of an if. */
static void
emit_condition(struct emitter *e, const struct rule *r, int depth)
{
	const char *join;
	int i, type;

	switch (r->kind) {
	case RULE_NOT:
		out(e, "!");
		emit_condition(e, r->kids[0], depth + 1);
		return;
	case RULE_AND:
	case RULE_OR:
		join = r->kind == RULE_AND ? " &&" : " ||";
		if (depth)
			out(e, "(");
		for (i = 0; i < r->nkid; i++) {
			if (i)
				out(e, "%s\n\t    %*s", join, depth, "");
			emit_condition(e, r->kids[i], depth + 1);
		}
		if (depth)
			out(e, ")");
		return;
	case RULE_CMP:
		break;
	}
	type = compare_info[r->cmp].type;
	switch (type) {
	case OPERAND_STRING:
		out(e, "asl_string_cmp(ctx, in, &path_%d, %s, ", r->var->id, compare_info[r->cmp].cmp);
		c_string(e, r->str, r->len);
		out(e, ", %zu)", r->len);
		break;
	case OPERAND_MATCHES:
		out(e, "asl_string_matches(ctx, in, &path_%d, ", r->var->id);
		c_string(e, r->str, r->len);
		out(e, ", %zu)", r->len);
		break;
	case OPERAND_NUMERIC:
		out(e, "asl_numeric_cmp_%s(ctx, in, &path_%d, %s, ", r->is_int ? "int" : "real",
		    r->var->id, compare_info[r->cmp].cmp);
		if (r->is_int)
			emit_int64(e, r->i);
		else
			emit_double(e, r->d);
		out(e, ")");
		break;
	case OPERAND_BOOLEAN:
		out(e, "asl_boolean_eq(ctx, in, &path_%d, %d)", r->var->id, r->b);
		break;
	case OPERAND_TIMESTAMP:
		out(e, "asl_timestamp_cmp(ctx, in, &path_%d, %s, &time_%d)", r->var->id,
		    compare_info[r->cmp].cmp, r->time_id);
		break;
	case OPERAND_STRING_PATH:
	case OPERAND_NUMERIC_PATH:
	case OPERAND_TIMESTAMP_PATH:
		out(e, "asl_%s_cmp_path(ctx, in, &path_%d, %s, &path_%d)",
		    type == OPERAND_STRING_PATH ? "string" : type == OPERAND_NUMERIC_PATH ? "numeric" : "timestamp",
		    r->var->id, compare_info[r->cmp].cmp, r->operand->id);
		break;
	case OPERAND_BOOLEAN_PATH:
		out(e, "asl_boolean_eq_path(ctx, in, &path_%d, &path_%d)", r->var->id,
		    r->operand->id);
		break;
	default: {
		static const char *const is[] = {
			"null", "present", "numeric", "string", "boolean", "timestamp"
		};

		out(e, "%sasl_is_%s(ctx, in, &path_%d)", r->b ? "" : "!",
		    is[type - OPERAND_IS_NULL], r->var->id);
	}
	}
}

/*
** Leave the state for state index next (or succeed when next < 0): a goto
** within the function, or a return to the dispatcher for another part.
*/
static void
emit_leave(struct emitter *e, const struct machine *m, int next, const char *indent)
{
	out(e, "%sasl_exit(ctx, in);\n", indent);
	if (next < 0) {
		out(e, "%sgoto succeeded;\n", indent);
		return;
	}
	if (e->split && e->part[next] != e->cur_part)
		out(e, "%s*next = %d;\t/* ", indent, next);
	else
		out(e, "%sgoto %s;\t/* ", indent, state_label(m->states[next]));
	c_comment(e, m->states[next]->name);
	if (e->split && e->part[next] != e->cur_part)
		out(e, ", in part %d */\n%sreturn in;\n", e->part[next], indent);
	else
		out(e, " */\n");
}

/* One step: `slot = call;`, then the test for failure. */
static void
emit_step(struct emitter *e, const char *indent, const char *slot,
	  const char *call, const char *what, const char *quoted)
{
	out(e, "%s%s = %s;\t/* %s", indent, slot, call, what);
	if (quoted) {		/* from the definition: made safe for a comment */
		out(e, " ");
		c_comment(e, quoted);
	}
	out(e, " */\n%sif (!%s)\n%s\tgoto %s;\n", indent, slot, indent, e->fail);
}

/* InputPath or OutputPath (fn) with path p on slot; NULL p is the null form. */
static void
emit_path_step(struct emitter *e, const char *indent, const char *fn,
	       const struct path *p, const char *slot, const char *what)
{
	if (p)
		emit_step(e, indent, slot, arena_printf("%s(ctx, &path_%d, %s)", fn, p->id, slot),
			  what, p->text);
	else
		emit_step(e, indent, slot, arena_printf("%s(ctx, NULL, %s)", fn, slot),
			  arena_printf("%s null", what), NULL);
}

/* A JSONata Choice: each Condition in turn; Output and Assign of the rule taken. */
static void
emit_jn_choice(struct emitter *e, const struct machine *m, const struct state *st)
{
	int r;

	for (r = 0; r < st->choice.nrule; r++) {
		const struct rule *rule = st->choice.rules[r];
		const struct template *o = rule->output ? rule->output : st->output;

		out(e, "\t/* Choices[%d] */\n\tswitch (asl_jn_condition(ctx, &tpl_%d, in)) {\n\tcase -1:\n\t\tgoto failed;\n\tcase 1:\n",
		    r, rule->condition->id);
		if (rule->assign)
			out(e, "\t\tif (asl_jn_assign(ctx, &tpl_%d, in, NULL))\t/* Assign */\n\t\t\tgoto failed;\n",
			    rule->assign->id);
		if (o)
			out(e, "\t\tif (!(in = asl_jn_output(ctx, &tpl_%d, in, NULL)))\t/* Output */\n\t\t\tgoto failed;\n",
			    o->id);
		emit_leave(e, m, rule->next, "\t\t");
		out(e, "\t}\n");
	}
	if (st->choice.dflt < 0) {
		out(e, "\tasl_no_choice(ctx);\t/* no rule matched, no Default */\n\tgoto failed;\n");
		return;
	}
	out(e, "\t/* Default */\n");
	if (st->assign)
		out(e, "\tif (asl_jn_assign(ctx, &tpl_%d, in, NULL))\t/* Assign */\n\t\tgoto failed;\n",
		    st->assign->id);
	if (st->output)
		out(e, "\tif (!(in = asl_jn_output(ctx, &tpl_%d, in, NULL)))\t/* Output */\n\t\tgoto failed;\n",
		    st->output->id);
	emit_leave(e, m, st->choice.dflt, "\t");
}

static void
emit_choice(struct emitter *e, const struct machine *m, const struct state *st)
{
	int r;

	if (st->jsonata) {
		emit_jn_choice(e, m, st);
		return;
	}

	for (r = 0; r < st->choice.nrule; r++) {
		const struct rule *rule = st->choice.rules[r];

		out(e, "\t/* Choices[%d] */\n\tif (", r);
		/* An Or followed by "&& !asl_failed" keeps its parentheses. */
		emit_condition(e, rule, rule_negates(rule) && rule->kind == RULE_OR);
		if (rule_negates(rule))
			out(e, " &&\n\t    !asl_failed(ctx)");
		out(e, ") {\n");
		if (rule->assign)
			out(e, "\t\tif (asl_assign(ctx, &tpl_%d, in))\t/* Assign */\n\t\t\tgoto failed;\n",
			    rule->assign->id);
		if (st->output_path.present)
			emit_path_step(e, "\t\t", "asl_output_path", st->output_path.path,
				       "in", "OutputPath");
		emit_leave(e, m, rule->next, "\t\t");
		out(e, "\t}\n");
	}
	out(e, "\tif (asl_failed(ctx))\n\t\tgoto failed;\n");
	if (st->choice.dflt < 0) {
		out(e, "\tasl_no_choice(ctx);\t/* no rule matched, no Default */\n\tgoto failed;\n");
		return;
	}
	out(e, "\t/* Default */\n");
	if (st->assign)
		out(e, "\tif (asl_assign(ctx, &tpl_%d, in))\t/* Assign */\n\t\tgoto failed;\n",
		    st->assign->id);
	if (st->output_path.present)
		emit_path_step(e, "\t", "asl_output_path", st->output_path.path, "in",
			       "OutputPath");
	emit_leave(e, m, st->choice.dflt, "\t");
}

/* A Wait step that reads a path, SecondsPath or TimestampPath. */
static void
emit_wait_path(struct emitter *e, const char *fn, const struct path *p,
	       const char *what)
{
	out(e, "\tif (%s(ctx, &path_%d, in))\t/* %s ", fn, p->id, what);
	c_comment(e, p->text);
	out(e, " */\n\t\tgoto failed;\n");
}

/*
** The error handler of a state with Retry or Catch: every failing step
** of the state jumps here. A retry goes back to the top of the state (a
** loop); a catcher writes the error output and leaves for its Next (a
** jump); anything else fails the execution.
*/
static void
emit_recovery(struct emitter *e, const struct machine *m, const struct state *st)
{
	int i, k;

	out(e, "error_%d:\t/* Retry, then Catch, of \"", st->index);
	c_comment(e, st->name);
	out(e, "\" */\n\tswitch (asl_recover(ctx, &recovery_%d)) {\n", st->recovery_id);
	if (st->nretry)
		out(e, "\tcase ASL_RETRY:\t/* again, after the back-off */\n\t\tgoto try_%d;\n",
		    st->index);
	for (i = 0; i < st->ncatch; i++) {
		const struct catcher *c = &st->catch[i];

		out(e, "\tcase %d:\t/* Catch[%d]", i, i);
		for (k = 0; k < c->errors.n; k++) {
			out(e, "%s", k ? ", " : " ");
			c_comment(e, c->errors.names[k]);
		}
		out(e, " */\n");
		line_directive(e, c->loc);
		if (st->jsonata) {
			out(e, "\t\tin = asl_jn_catch(ctx, ");
			if (c->assign)
				out(e, "&tpl_%d, ", c->assign->id);
			else
				out(e, "NULL, ");
			if (c->output)
				out(e, "&tpl_%d, in);\t/* Assign, Output */\n", c->output->id);
			else
				out(e, "NULL, in);\t/* Assign; the error output */\n");
			out(e, "\t\tif (!in)\n\t\t\tgoto failed;\n");
			emit_leave(e, m, c->next, "\t\t");
			continue;
		}
		if (c->assign)
			out(e, "\t\tif (asl_catch_assign(ctx, &tpl_%d))\t/* Assign */\n\t\t\tgoto failed;\n",
			    c->assign->id);
		if (c->result_path.path) {
			out(e, "\t\tin = asl_catch_result(ctx, &path_%d, in);\t/* ResultPath ",
			    c->result_path.path->id);
			c_comment(e, c->result_path.path->text);
		} else {
			out(e, "\t\tin = asl_catch_result(ctx, NULL, in);\t/* ResultPath null");
		}
		out(e, " */\n\t\tif (!in)\n\t\t\tgoto failed;\n");
		emit_leave(e, m, c->next, "\t\t");
	}
	out(e, "\t}\n\tgoto failed;\n");
}

static void
emit_state(struct emitter *e, const struct machine *m, const struct state *st,
	   bool labelled)
{
	bool handled = st->nretry > 0 || st->ncatch > 0;
	int k;

	out(e, "\n\t/* state %d: \"", st->index);
	c_comment(e, st->name);
	out(e, "\" (%s) ", state_type_name[st->kind]);
	c_comment(e, st->loc.ptr);
	out(e, " */\n");
	if (labelled)
		out(e, "%s:\n", state_label(st));
	e->fail = handled ? arena_printf("error_%d", st->index) : "failed";
	for (k = 0; k < st->nop; k++) {
		const struct op *op = &st->ops[k];
		const char *slot = op->value ? "v" : "in";

		line_directive(e, op->loc);
		switch (op->kind) {
		case OP_ENTER:
			out(e, "\tif (asl_enter(ctx, &sd_%d[%d], in))\n\t\tgoto failed;\n",
			    m->id, st->index);
			if (st->nretry)
				out(e, "try_%d:\t/* each attempt starts here */\n", st->index);
			/* The value starts as the input, unless a Result replaces it. */
			if (st->kind != STATE_CHOICE && st->kind != STATE_WAIT &&
			    st->kind != STATE_SUCCEED && st->kind != STATE_FAIL &&
			    !(st->jsonata && st->kind == STATE_PASS) &&
			    !(k + 1 < st->nop && st->ops[k + 1].kind == OP_PASS_RESULT))
				out(e, "\tv = asl_incref(in);\n");
			break;
		case OP_INPUT_PATH:
			emit_path_step(e, "\t", "asl_input_path", op->path, slot, "InputPath");
			break;
		case OP_TIMEOUTS:
			/* Only States.Runtime can come of it: never retried or caught. */
			out(e, "\tif (asl_task_timeouts(ctx, &task_%d, v))\t/* %s */\n\t\tgoto failed;\n",
			    st->task.id, st->jsonata ? "TimeoutSeconds, HeartbeatSeconds, Credentials" :
			    "TimeoutSecondsPath, HeartbeatSecondsPath, Credentials");
			break;
		case OP_OUTPUT_PATH:
			emit_path_step(e, "\t", "asl_output_path", op->path, slot, "OutputPath");
			break;
		case OP_PARAMETERS:
			emit_step(e, "\t", "v", arena_printf("asl_parameters(ctx, &tpl_%d, v)",
							      op->tpl->id), "Parameters", NULL);
			break;
		case OP_ASSIGN:
			out(e, "\tif (asl_assign(ctx, &tpl_%d, %s))\t/* Assign: from the next state */\n\t\tgoto %s;\n",
			    op->tpl->id, slot, e->fail);
			break;
		case OP_ARGUMENTS:
			emit_step(e, "\t", "v", arena_printf("asl_jn_arguments(ctx, &tpl_%d, v)",
							      op->tpl->id), "Arguments", NULL);
			break;
		case OP_JN_ASSIGN:
			out(e, "\tif (asl_jn_assign(ctx, &tpl_%d, in, %s))\t/* Assign: from the next state */\n\t\tgoto %s;\n",
			    op->tpl->id, op->value ? "v" : "NULL", e->fail);
			break;
		case OP_JN_OUTPUT: {
			const char *t = op->tpl ? arena_printf("&tpl_%d", op->tpl->id) : "NULL";

			if (handled) {
				/* The input stays whole until the state succeeds. */
				out(e, "\tv = asl_jn_output(ctx, %s, asl_incref(in), %s);\t/* Output */\n"
				    "\tif (!v)\n\t\tgoto %s;\n\tasl_decref(in);\n\tin = v;\n\tv = NULL;\n",
				    t, op->value ? "v" : "NULL", e->fail);
				e->fail = "failed";
				break;
			}
			out(e, "\tin = asl_jn_output(ctx, %s, in, %s);\t/* Output */\n", t,
			    op->value ? "v" : "NULL");
			if (op->value)
				out(e, "\tv = NULL;\n");
			out(e, "\tif (!in)\n\t\tgoto failed;\n");
			break;
		}
		case OP_RESULT_SELECTOR:
			emit_step(e, "\t", "v", arena_printf("asl_result_selector(ctx, &tpl_%d, v)",
							      op->tpl->id), "ResultSelector", NULL);
			break;
		case OP_PASS_RESULT:
			if (op->size > ASL_PAYLOAD_LIMIT)
				out(e, "\tif (asl_result_size(ctx, %zu))\t/* larger than the service allows */\n\t\tgoto failed;\n",
				    op->size);
			out(e, "\tv = asl_pass_result(ctx, %d, %s);\t/* Result */\n", op->konst,
			    k > 0 && st->ops[k - 1].kind == OP_ENTER ? "NULL" : "v");
			break;
		case OP_TASK:
			emit_step(e, "\t", "v", arena_printf("asl_task(ctx, &task_%d, v)", st->task.id),
				  "Resource", st->task.resource);
			break;
		case OP_PARALLEL:
			emit_step(e, "\t", "v", arena_printf("asl_parallel(ctx, &par_%d, v)",
							      st->parallel.id), "Branches", NULL);
			break;
		case OP_MAP:
			emit_step(e, "\t", "v", arena_printf("asl_map(ctx, &map_%d, v)", st->map.id),
				  "ItemProcessor", NULL);
			break;
		case OP_RESULT_PATH:
			if (handled) {
				/* The input stays whole until the state succeeds. */
				if (op->path) {
					out(e, "\tv = asl_result_path_handled(ctx, &path_%d, asl_incref(in), v);\t/* ResultPath ",
					    op->path->id);
					c_comment(e, op->path->text);
				} else {
					out(e, "\tv = asl_result_path_handled(ctx, NULL, asl_incref(in), v);\t/* ResultPath null");
				}
				out(e, " */\n\tif (!v)\n\t\tgoto %s;\n\tasl_decref(in);\n\tin = v;\n\tv = NULL;\n",
				    e->fail);
				e->fail = "failed";	/* later steps raise States.Runtime only */
				break;
			}
			/* Both values are consumed: v is gone, failure or not. */
			if (op->path) {
				out(e, "\tin = asl_result_path(ctx, &path_%d, in, v);\t/* ResultPath ",
				    op->path->id);
				c_comment(e, op->path->text);
			} else {
				out(e, "\tin = asl_result_path(ctx, NULL, in, v);\t/* ResultPath null");
			}
			out(e, " */\n\tv = NULL;\n\tif (!in)\n\t\tgoto failed;\n");
			break;
		case OP_WAIT:
			if (st->wait.jn) {
				out(e, "\tif (asl_jn_wait(ctx, &tpl_%d, %d, in))\t/* %s */\n\t\tgoto failed;\n",
				    st->wait.jn->id, st->wait.kind == WAIT_TIMESTAMP,
				    st->wait.kind == WAIT_TIMESTAMP ? "Timestamp" : "Seconds");
				break;
			}
			switch (st->wait.kind) {
			case WAIT_SECONDS:
				out(e, "\tif (asl_wait_seconds(ctx, %lld))\t/* Seconds */\n\t\tgoto failed;\n",
				    (long long)st->wait.seconds);
				break;
			case WAIT_TIMESTAMP:
				out(e, "\tif (asl_wait_timestamp(ctx, &time_%d))\t/* Timestamp */\n\t\tgoto failed;\n",
				    op->konst);
				break;
			case WAIT_SECONDS_PATH:
				emit_wait_path(e, "asl_wait_seconds_path", st->wait.path, "SecondsPath");
				break;
			case WAIT_TIMESTAMP_PATH:
				emit_wait_path(e, "asl_wait_timestamp_path", st->wait.path, "TimestampPath");
				break;
			}
			break;
		case OP_CHOICE:
			emit_choice(e, m, st);
			break;
		case OP_FAIL:
			out(e, "\tasl_fail_state(ctx, &fail_%d, in);\n\tgoto failed;\n", op->konst);
			break;
		case OP_SUCCEED:
			emit_leave(e, m, -1, "\t");
			break;
		case OP_GOTO:
			emit_leave(e, m, op->next, "\t");
			break;
		case OP_COUNT:
			die("bad op");
		}
	}
	if (handled)
		emit_recovery(e, m, st);
	e->fail = "failed";
	if (e->opt->line_directives) {
		out(e, "#line %d ", e->line + 2);
		c_literal(e, e->opt->c_name, strlen(e->opt->c_name), true);
		out(e, "\n");
	}
}

/*
** Which states need a label in the function being written: targets of a
** goto, the states its entry switch jumps to, and StartAt when it is not
** where the function begins.
*/
static bool *
labels_needed(struct emitter *e, const struct machine *m, int first)
{
	bool *t = arena_alloc((size_t)m->nstate * sizeof *t);
	int i, k, r;

	if (!e->split && m->start != first)
		t[m->start] = true;
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];

		if (!st->reachable || e->part[i] != e->cur_part)
			continue;
		if (e->split ? e->entry[i] : i != first)
			t[i] = true;	/* entered by a switch */
		for (k = 0; k < st->nop; k++) {
			const struct op *op = &st->ops[k];

			if (op->kind == OP_GOTO)
				t[op->next] = true;
			if (op->kind == OP_ENTER)
				for (r = 0; r < st->ncatch; r++)
					t[st->catch[r].next] = true;
			if (op->kind == OP_CHOICE) {
				for (r = 0; r < st->choice.nrule; r++)
					t[st->choice.rules[r]->next] = true;
				if (st->choice.dflt >= 0)
					t[st->choice.dflt] = true;
			}
		}
	}
	for (i = 0; i < m->nstate; i++)	/* others are reached by returning */
		if (e->part[i] != e->cur_part)
			t[i] = false;
	return t;
}

/*
** Split the reachable states of m into parts of at most PART_STATES, in
** source order, and find the states entered from outside their part
** (StartAt, and targets of transitions that cross parts; in fact every
** state, which --test-state can start at). Returns the number of parts.
*/
int
machine_parts(const struct machine *m, int **partp, bool **entryp)
{
	int *part = arena_alloc((size_t)m->nstate * sizeof *part);
	bool *entry = arena_alloc((size_t)m->nstate * sizeof *entry);
	int i, k, r, n = 0;

	for (i = 0; i < m->nstate; i++)
		part[i] = m->states[i]->reachable ? n++ / PART_STATES : -1;
	entry[m->start] = true;
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];

		if (st->reachable)
			entry[i] = true;
		for (k = 0; k < st->nop; k++) {
			const struct op *op = &st->ops[k];

			if (op->kind == OP_GOTO && part[op->next] != part[i])
				entry[op->next] = true;
			if (op->kind == OP_ENTER)
				for (r = 0; r < st->ncatch; r++)
					if (part[st->catch[r].next] != part[i])
						entry[st->catch[r].next] = true;
			if (op->kind != OP_CHOICE)
				continue;
			for (r = 0; r < st->choice.nrule; r++)
				if (part[st->choice.rules[r]->next] != part[i])
					entry[st->choice.rules[r]->next] = true;
			if (st->choice.dflt >= 0 && part[st->choice.dflt] != part[i])
				entry[st->choice.dflt] = true;
		}
	}
	*partp = part;
	*entryp = entry;
	return n == 0 ? 0 : (n - 1) / PART_STATES + 1;
}

/* The states of part e->cur_part, then the success and failure exits. */
static void
emit_body(struct emitter *e, const struct machine *m, bool split)
{
	const bool *t;
	int i, k, first = -1;
	bool succeeds = false;

	for (i = 0; i < m->nstate && first < 0; i++)
		if (e->part[i] == e->cur_part)
			first = i;
	t = labels_needed(e, m, first);
	if (split) {
		out(e, "\tswitch (*next) {\n");
		for (i = 0; i < m->nstate; i++) {
			if (e->part[i] != e->cur_part || !e->entry[i])
				continue;
			out(e, "\tcase %d:\n\t\tgoto %s;\n", i, state_label(m->states[i]));
		}
		out(e, "\tdefault:\t/* not reached: the dispatcher enters entries only */\n"
		    "\t\tasl_decref(in);\n\t\treturn NULL;\n\t}\n");
	} else {
		bool any = false;

		for (i = 0; i < m->nstate; i++) {
			if (!m->states[i]->reachable || i == first)
				continue;
			if (!any)
				out(e, "\n\t/* StartAt, or the state --test-state runs alone */\n"
				    "\tswitch (asl_start(ctx, %d)) {\n", m->start);
			any = true;
			out(e, "\tcase %d:\n\t\tgoto %s;\n", i, state_label(m->states[i]));
		}
		if (any)
			out(e, "\t}\n");
	}
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];

		if (e->part[i] != e->cur_part)
			continue;
		emit_state(e, m, st, t[i]);
		for (k = 0; k < st->nop; k++)
			if (st->ops[k].kind == OP_SUCCEED)
				succeeds = true;
	}
	out(e, "\n");
	if (succeeds)
		out(e, split ? "succeeded:\n\t*next = -1;\n\treturn in;\n" :
		    "succeeded:\n\treturn in;\n");
	out(e, "failed:\n\tasl_decref(v);\n\tasl_decref(in);\n\treturn NULL;\n}\n");
}

/*
** A machine is one function. A large one is split into parts of at most
** PART_STATES states, each its own function, and a dispatcher that calls
** the part holding the next state: C compilers slow down faster than
** linearly on one huge function, and a workflow of thousands of states
** should still build in seconds.
*/
static void
emit_machine(struct emitter *e, const struct machine *m)
{
	int i, nparts;

	out(e, "\n/* ---- machine %d: ", m->id);
	if (!m->owner) {
		out(e, "the top level");
	} else {
		if (m->owner->kind == STATE_PARALLEL) {
			for (i = 0; m->owner->parallel.branches[i] != m; i++)
				;
			out(e, "branch %d of \"", i);
		} else {
			out(e, "the item processor of \"");
		}
		c_comment(e, m->owner->name);
		out(e, "\"");
	}
	out(e, ", StartAt \"");
	c_comment(e, m->states[m->start]->name);
	out(e, "\" ---- */\n\nstatic const asl_state_info sd_%d[] = {\n", m->id);
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];

		out(e, "\t{ ");
		c_string(e, st->name, strlen(st->name));
		out(e, ", %s, %d, %d },\n", st->kind < STATE_COUNT ? state_type_enum[st->kind] : "0",
		    st->kind == STATE_TASK || st->kind == STATE_PARALLEL || st->kind == STATE_MAP,
		    st->kind == STATE_TASK &&
		    (st->task.pattern == PAT_CALLBACK || st->task.kind == RES_ACTIVITY));
	}
	out(e, "};\n");
	nparts = machine_parts(m, &e->part, &e->entry);
	if (nparts <= 1) {
		e->cur_part = 0;
		e->split = false;
		out(e, "\n/* Runs the machine on in (consumed); returns the output, or NULL. */\n"
		    "static json_t *\nsm_%d(asl_ctx *ctx, json_t *in)\n{\n"
		    "\tjson_t *v = NULL;\t/* the value the current state works on */\n", m->id);
		emit_body(e, m, false);
		return;
	}
	e->split = true;
	for (e->cur_part = 0; e->cur_part < nparts; e->cur_part++) {
		out(e, "\n/*\n** Part %d of machine %d. Runs from state *next (consumes in) until\n"
		    "** the machine ends (*next = -1) or leaves the part (*next = the state\n"
		    "** to enter); returns the value, or NULL when the execution failed.\n*/\n"
		    "static json_t *\nsm_%d_part_%d(asl_ctx *ctx, json_t *in, int *next)\n{\n"
		    "\tjson_t *v = NULL;\t/* the value the current state works on */\n\n",
		    e->cur_part, m->id, m->id, e->cur_part);
		emit_body(e, m, true);
	}
	out(e, "\n/* Runs the machine on in (consumed); returns the output, or NULL. */\n"
	    "static json_t *\nsm_%d(asl_ctx *ctx, json_t *in)\n{\n"
	    "\tstatic const int part[] = {\t/* the part of each state */", m->id);
	for (i = 0; i < m->nstate; i++)
		out(e, "%s%d", i == 0 ? "\n\t\t" : i % 16 ? ", " : ",\n\t\t", e->part[i]);
	out(e, "\n\t};\n\tint next = asl_start(ctx, %d);\t/* StartAt, or --test-state's */\n",
	    m->start);
	out(e, "\n\twhile (in && next >= 0) {\n\t\tswitch (part[next]) {\n");
	for (i = 0; i < nparts; i++)
		out(e, "\t\tcase %d:\n\t\t\tin = sm_%d_part_%d(ctx, in, &next);\n\t\t\tbreak;\n",
		    i, m->id, i);
	out(e, "\t\tdefault:\t/* not reached: only reachable states are entered */\n"
	    "\t\t\tasl_decref(in);\n\t\t\treturn NULL;\n\t\t}\n\t}\n\treturn in;\n}\n");
}

/*
** The S3 objects (s3://bucket/key) and buckets (s3://bucket) that
** ItemReaders and ResultWriters name as constants, for the bindings check
** at start-up; *n gets their number. A listing names its bucket.
*/
const char **
s3_names(const struct program *prog, int *n)
{
	const char **names;
	int i, k, nstate = 0;

	for (i = 0; i < prog->nmachine; i++)
		nstate += prog->machines[i]->nstate;
	names = arena_alloc(2 * (size_t)nstate * sizeof *names);	/* two a Map at most */
	*n = 0;
	for (i = 0; i < prog->nmachine; i++) {
		const struct machine *m = prog->machines[i];

		for (k = 0; m->reachable && k < m->nstate; k++) {
			const struct map *mp = &m->states[k]->map;

			if (m->states[k]->kind != STATE_MAP || !m->states[k]->reachable)
				continue;
			if (mp->reader && mp->reader->list && mp->reader->bucket)
				names[(*n)++] = arena_printf("s3://%s", mp->reader->bucket);
			else if (mp->reader && mp->reader->bucket && mp->reader->key)
				names[(*n)++] = arena_printf("s3://%s/%s", mp->reader->bucket,
							     mp->reader->key);
			if (mp->writer && mp->writer->bucket)
				names[(*n)++] = arena_printf("s3://%s", mp->writer->bucket);
		}
	}
	return names;
}

/* The table of s3_names; returns their number. */
static int
emit_s3_names(struct emitter *e, const struct program *prog)
{
	int i, n;
	const char **names = s3_names(prog, &n);

	if (!n)
		return 0;
	out(e, "/* The S3 names that must be bound, for the check at start-up. */\n"
	    "static const char *const s3_names[] = {\n");
	for (i = 0; i < n; i++) {
		out(e, "\t");
		c_string(e, names[i], strlen(names[i]));
		out(e, ",\n");
	}
	out(e, "};\n\n");
	return n;
}

void
emitc_program(const struct program *prog, const struct emit_options *opt, FILE *f)
{
	struct emitter e;
	const struct machine *m;
	int i, k, ns3;

	memset(&e, 0, sizeof e);
	e.fail = "failed";
	e.prog = prog;
	e.opt = opt;
	out(&e, "/* Generated by aslc%s%s from ", opt->no_version ? "" : " ",
	    opt->no_version ? "" : ASLC_VERSION);
	c_comment(&e, prog->file);
	out(&e, "; do not edit. */\n#include \"aslrt.h\"\n");
	/*
	** gcc's points-to analysis grows faster than quadratically with the
	** calls of one function that take static addresses; generated state
	** machines are made of those, and it buys them nothing.
	*/
	out(&e, "\n#if defined(__GNUC__) && !defined(__clang__) && !defined(__TINYC__)\n"
	    "#pragma GCC optimize(\"no-tree-pta\")\n#endif\n");
	/*
	** Constants longer than the 4095 characters C guarantees are normal
	** here, and every compiler aslc supports takes them.
	*/
	out(&e, "#if defined(__GNUC__) && !defined(__TINYC__)\n"
	    "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n#endif\n");

	out(&e, "\n/* ---- constants, as compact JSON; parsed once at start-up ---- */\n\n");
	out(&e, "static const char *const consts[] = {\n");
	for (i = 0; i < prog->nconst; i++) {
		out(&e, "\t/* %d */ ", i);
		c_string(&e, prog->consts[i], strlen(prog->consts[i]));
		out(&e, ",\n");
	}
	if (!prog->nconst)
		out(&e, "\tNULL\n");
	out(&e, "};\nstatic json_t *kvals[%d];\n", prog->nconst ? prog->nconst : 1);

	if (prog->nmachine > 1) {
		out(&e, "\n/* ---- the machines: the top level, then branches and item processors ---- */\n\n");
		for (i = 0; i < prog->nmachine; i++)
			if (prog->machines[i]->reachable)
				out(&e, "static json_t *sm_%d(asl_ctx *ctx, json_t *in);\n", i);
	}

	out(&e, "\n/* ---- paths, templates and the other tables of the states ---- */\n");
	for (k = 0; k < prog->nmachine; k++) {
		m = prog->machines[k];
		if (!m->reachable)
			continue;
		for (i = 0; i < m->nstate; i++)
			if (m->states[i]->reachable)
				emit_state_data(&e, m->states[i]);
	}

	for (k = 0; k < prog->nmachine; k++)
		if (prog->machines[k]->reachable)
			emit_machine(&e, prog->machines[k]);

	out(&e, "\n/* ---- the program ---- */\n\n"
	    "/* The machines and their states, for --test-state. */\n"
	    "static asl_machine_fn *const machines[] = {");
	for (k = 0; k < prog->nmachine; k++)
		out(&e, "%s%s", k ? ", " : " ", prog->machines[k]->reachable ?
		    arena_printf("sm_%d", k) : "NULL");
	out(&e, " };\nstatic const asl_state_info *const machine_states[] = {");
	for (k = 0; k < prog->nmachine; k++)
		out(&e, "%s%s", k ? ", " : " ", prog->machines[k]->reachable ?
		    arena_printf("sd_%d", k) : "NULL");
	out(&e, " };\nstatic const int machine_nstates[] = {");
	for (k = 0; k < prog->nmachine; k++)
		out(&e, "%s%d", k ? ", " : " ",
		    prog->machines[k]->reachable ? prog->machines[k]->nstate : 0);
	out(&e, " };\n\n");
	ns3 = emit_s3_names(&e, prog);
	if (prog->ntask) {
		out(&e, "/* The Task states, for the bindings check at start-up. */\n"
		    "static const asl_task_desc *const tasks[] = {\n");
		for (i = 0; i < prog->ntask; i++)
			out(&e, "\t&task_%d,\n", prog->tasks[i]->task.id);
		out(&e, "};\n\n");
	}
	if (opt->prefix)
		out(&e, "asl_program %s_program;\n\n", opt->prefix);	/* for -Wmissing-variable-declarations */
	out(&e, "asl_program %s_program = {\n\t.abi = ASLRT_ABI,\n\t.source = ",
	    opt->prefix ? opt->prefix : "aslg");
	c_string(&e, prog->file, strlen(prog->file));
	out(&e, ",\n\t.name = ");
	c_string(&e, prog->name, strlen(prog->name));
	out(&e, ",\n\t.run = sm_0,\n\t.consts = consts, .nconst = %d, .kvals = kvals,\n",
	    prog->nconst);
	out(&e, "\t.machines = machines, .machine_states = machine_states,\n"
	    "\t.machine_nstates = machine_nstates, .nmachine = %d,\n", prog->nmachine);
	if (prog->ntask)
		out(&e, "\t.tasks = tasks, .ntask = %d,\n", prog->ntask);
	if (opt->handlers)
		out(&e, "\t.handlers = aslh_handlers,\t/* the C handlers linked in */\n");
	if (prog->timeout)
		out(&e, "\t.timeout = %lld,\t/* TimeoutSeconds */\n", (long long)prog->timeout);
	if (ns3)
		out(&e, "\t.s3 = s3_names, .ns3 = %d,\n", ns3);
	out(&e, "\t.uses_context = %d,\n};\n", prog->uses_context);
	if (opt->prefix)
		out(&e, "\n/* One execution, inside the program that links this in (aslrt.h). */\n"
		    "int %s_run(const char *input, const asl_options *opt, asl_result *res);\n\n"
		    "int\n%s_run(const char *input, const asl_options *opt, asl_result *res)\n{\n"
		    "\treturn asl_execute(&%s_program, input, opt, res);\n}\n",
		    opt->prefix, opt->prefix, opt->prefix);
	else
		out(&e, "\n#ifndef ASLG_NO_MAIN\nint\nmain(int argc, char **argv)\n{\n"
		    "\treturn asl_main(argc, argv, &aslg_program);\n}\n#endif\n");
	fwrite(e.out.s, 1, e.out.len, f);
	sb_free(&e.out);
	strmap_free(&e.path_ids);
}

void
emitc_header(const struct program *prog, const struct emit_options *opt, FILE *f)
{
	struct emitter e;
	const char *p;
	char *guard = arena_printf("ASLC_%s_H", opt->prefix);

	memset(&e, 0, sizeof e);
	for (p = guard; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			guard[p - guard] = (char)(*p - 'a' + 'A');
	out(&e, "/* Generated by aslc%s%s from ", opt->no_version ? "" : " ",
	    opt->no_version ? "" : ASLC_VERSION);
	c_comment(&e, prog->file);
	out(&e, "; do not edit. */\n#ifndef %s\n#define %s\n\n#include <aslrt.h>\n\n"
	    "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n", guard, guard);
	out(&e, "/* The state machine \"");
	c_comment(&e, prog->name);
	out(&e, "\", compiled by aslc -c. */\nextern asl_program %s_program;\n\n", opt->prefix);
	out(&e, "/*\n** One execution of it: asl_execute(&%s_program, input, opt, res).\n"
	    "** input is JSON text (NULL: {}), opt NULL for the defaults; fills *res\n"
	    "** (release it with asl_result_free) and returns res->status.\n*/\n"
	    "int %s_run(const char *input, const asl_options *opt, asl_result *res);\n\n",
	    opt->prefix, opt->prefix);
	out(&e, "#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
	fwrite(e.out.s, 1, e.out.len, f);
	sb_free(&e.out);
}

