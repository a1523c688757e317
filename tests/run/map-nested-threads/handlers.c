/*
** C handlers for the map-nested-threads test. Work counts the calls in
** it at once and keeps the peak; each call stays 30 ms, so calls that
** can run together do. Peak tells whether the peak stayed within
** "most" (the process's --max-threads) and rose above one.
*/
#include "aslrt.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int inside, peak;

static json_t *
work(asl_call *call, json_t *input)
{
	struct timespec ms30 = { 0, 30000000 };

	(void)call;
	pthread_mutex_lock(&lock);
	if (++inside > peak)
		peak = inside;
	pthread_mutex_unlock(&lock);
	nanosleep(&ms30, NULL);
	pthread_mutex_lock(&lock);
	inside--;
	pthread_mutex_unlock(&lock);
	return json_incref(input);
}

static json_t *
peak_of(asl_call *call, json_t *input)
{
	int most = (int)json_integer_value(json_object_get(input, "most")), p;

	(void)call;
	pthread_mutex_lock(&lock);
	p = peak;
	pthread_mutex_unlock(&lock);
	return json_pack("{s:b, s:b}", "withinMaxThreads", p <= most, "concurrent", p > 1);
}

ASL_HANDLERS(
	{ "Work", work },
	{ "Peak", peak_of }
);
