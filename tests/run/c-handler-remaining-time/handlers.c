/*
** asl_call_remaining_ms: -1 when no timeout is set (the service's one-year
** maximum does not count), the task's TimeoutSeconds when it has one, the
** machine's when only it has one (c-handler-remaining-time-machine links
** to this file).
*/
#include "aslrt.h"

static json_t *
remaining(asl_call *call, json_t *input)
{
	int64_t left = asl_call_remaining_ms(call);

	(void)input;
	if (left == -1)
		return json_string("none");
	return json_string(left > 0 && left <= 5000 ? "within 5 s" : "out of range");
}

ASL_HANDLERS({ "Remaining", remaining });
