/* bench/tasks.h - the benchmark's Task handlers (tasks.c). */

struct task_error {
	const char *name, *cause;
};

/* A handler: the task's input (borrowed), the retries already made; a new
   result, or NULL with *e set. */
struct task {
	const char *name;
	json_t *(*fn)(json_t *in, int retry, struct task_error *e);
};

extern const struct task tasks[];	/* NULL-ended */

const struct task *task_named(const char *name);
