#!/usr/bin/env node
'use strict';
/*
** inputs.cjs - write the benchmark inputs into DIR (deterministic: the
** same files every time), for bench/run.sh.
**
**	node inputs.cjs DIR
**
** map-c{0,1,2}.json	map.asl.json: 100 chunks x the same 1,000 item
**			objects = 100,000 items; maxConcurrency 0, 1, 2
** map-empty.json	the same input with no chunks: start-up, reading
**			the input and writing the output, no items
** parallel.json	parallel.asl.json: 5,000 rounds of the Parallel
** parallel-1.json	one round: start-up and the work around the loop
** cpu-mc{1,2,4,8}.json	cpu.asl.json: 64 items of ROUNDS rounds each,
**			maxConcurrency 1, 2, 4, 8
**
** Sizes can be changed with the environment: MAP_CHUNKS (100),
** PAR_ROUNDS (5000), CPU_ITEMS (64), CPU_ROUNDS (8000000).
*/

const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
if (!dir) {
	console.error('usage: inputs.cjs DIR');
	process.exit(64);
}
fs.mkdirSync(dir, { recursive: true });
const num = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const write = (name, v) => fs.writeFileSync(path.join(dir, name), JSON.stringify(v) + '\n');

/* map: 1,000 item objects, reused by every chunk with its own base id */
const items = [];
for (let i = 0; i < 1000; i++)
	items.push({ id: i, sku: `SKU-${i % 97}`, qty: (i % 5) + 1, cents: (i % 13) * 100 + 50 });
const chunks = [];
for (let c = 0; c < num('MAP_CHUNKS', 100); c++)
	chunks.push(c * 1000);
for (const mc of [0, 1, 2])
	write(`map-c${mc}.json`, { batch: 'b7', maxConcurrency: mc, chunks, items });
write('map-empty.json', { batch: 'b7', maxConcurrency: 0, chunks: [], items });

/* parallel: an order that every branch reads a part of */
const order = {
	id: 'o-1',
	customer: { id: 'c-42', name: 'Ada', tier: 'gold' },
	extra: { tier: 'platinum', since: 2019 },
	address: '1 Main St,Springfield,12345',
	tags: ['new', 'gold', 'eu'],
	lines: [
		{ sku: 'SKU-1', qty: 2, cents: 950 },
		{ sku: 'SKU-2', qty: 1, cents: 2000 },
		{ sku: 'SKU-3', qty: 5, cents: 125 },
	],
};
write('parallel.json', { n: num('PAR_ROUNDS', 5000), order });
write('parallel-1.json', { n: 1, order });

/* cpu: seeds 1..K */
const seeds = [];
for (let i = 1; i <= num('CPU_ITEMS', 64); i++)
	seeds.push(i);
for (const mc of [1, 2, 4, 8])
	write(`cpu-mc${mc}.json`, { maxConcurrency: mc, rounds: num('CPU_ROUNDS', 8000000), items: seeds });
