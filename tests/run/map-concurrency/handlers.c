/*
** C handlers for the map-concurrency test (map-nested-pool links to this
** file). Meet waits until as many calls as the input's "group" are in it
** at once, so it succeeds only if the Map really runs that many
** iterations together (alone, a call gives up after 20 s). It also fails
** if more calls than "most" are ever in it at once: MaxConcurrency must
** bound the iterations.
*/
#include "aslrt.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t met = PTHREAD_COND_INITIALIZER;
static int arrived, generation, inside;

static json_t *
meet(asl_call *call, json_t *input)
{
	int group = (int)json_integer_value(json_object_get(input, "group"));
	int most = (int)json_integer_value(json_object_get(input, "most"));
	int mine, over, late = 0;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&lock);
	over = ++inside > most;
	mine = generation;
	if (++arrived == group) {	/* the last of the group: all go on */
		arrived = 0;
		generation++;
		pthread_cond_broadcast(&met);
	}
	while (mine == generation && !late)
		late = pthread_cond_timedwait(&met, &lock, &until) != 0;
	inside--;
	pthread_mutex_unlock(&lock);
	if (over)
		return asl_call_fail(call, "Meet.TooMany", "more calls at once than MaxConcurrency");
	if (late)
		return asl_call_fail(call, "Meet.Alone", "the group never met");
	return json_incref(json_object_get(input, "item"));
}

ASL_HANDLERS(
	{ "Meet", meet }
);
