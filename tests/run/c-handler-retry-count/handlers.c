/*
** asl_call_retry_count is $$.State.RetryCount: the handler fails twice,
** then reports both, which must agree on every attempt.
*/
#include "aslrt.h"

static json_t *
busy(asl_call *call, json_t *input)
{
	int n = asl_call_retry_count(call);
	json_t *ctx = asl_call_context(call);
	json_int_t c = json_integer_value(json_object_get(json_object_get(ctx, "State"),
							  "RetryCount"));

	(void)input;
	if (c != n)
		return asl_call_fail(call, "Mismatch", "asl_call_retry_count differs from $$");
	if (n < 2)
		return asl_call_fail(call, "Busy", n ? "second attempt" : "first attempt");
	return json_pack("{s:i, s:I}", "retryCount", n, "contextRetryCount", c);
}

ASL_HANDLERS({ "Busy", busy });
