/* Echo gives back its input. */
#include "aslrt.h"

static json_t *
echo(asl_call *call, json_t *input)
{
	(void)call;
	return json_incref(input);
}

ASL_HANDLERS({ "Echo", echo });
