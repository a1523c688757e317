/*
** Parameters with no path are one of the program's constants: the C
** handler gets a copy of its own, which it may keep (json_incref) past
** the program's end, not the constant itself.
*/
#include "aslrt.h"

static json_t *kept;

static json_t *
keep(asl_call *call, json_t *input)
{
	if (input->refcount == (size_t)-1)
		return asl_call_fail(call, "Constant", "the handler was given the program's constant");
	json_decref(kept);
	kept = json_incref(input);
	return json_pack("{s:O}", "input", input);
}

ASL_HANDLERS({ "Keep", keep });
