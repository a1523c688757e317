/* bench/floor.h - map.asl.json and order.asl.json by hand (floor.c). */
#ifndef FLOOR_H
#define FLOOR_H

#include <jansson.h>

struct floor_counts {
	int retries, refunds, releases;
};

/* The output of one execution on doc (borrowed), or NULL if it failed. */
json_t *floor_order(json_t *doc, struct floor_counts *n);
json_t *floor_map(json_t *doc);

#endif
