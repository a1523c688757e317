#!/usr/bin/env node
'use strict';
/*
** report.cjs - the Markdown tables of a bench/run.sh run, on stdout.
**
**	node report.cjs WORK
**
** WORK is run.sh's scratch directory: meta.txt, hf/ID.json (hyperfine's
** export), hf/ID.load (the load of other processes meanwhile),
** als/ID.jsonl (the peer's in-process times, one line per run) and
** rss/ID (peak RSS in KiB of the check run).
*/

const fs = require('fs');
const path = require('path');

const work = process.argv[2];
if (!work) {
	console.error('usage: report.cjs WORK');
	process.exit(64);
}
const file = (...p) => path.join(work, ...p);
const exists = (...p) => fs.existsSync(file(...p));

const meta = {};
for (const line of fs.readFileSync(file('meta.txt'), 'utf8').split('\n')) {
	const i = line.indexOf('=');
	if (i > 0)
		meta[line.slice(0, i)] = line.slice(i + 1);
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b), n = s.length;
	return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
/* hyperfine's median wall time of cell id, in seconds */
const wall = (id) => JSON.parse(fs.readFileSync(file('hf', `${id}.json`), 'utf8')).results[0].median;
const nruns = (id) => JSON.parse(fs.readFileSync(file('hf', `${id}.json`), 'utf8')).results[0].times.length;
/* the peer's median in-process execution time, in seconds */
const alsExec = (id) => median(fs.readFileSync(file('als', `${id}.jsonl`), 'utf8')
	.trim().split('\n').map((l) => JSON.parse(l).ms)) / 1000;
const rssMB = (id) => (exists('rss', id) ? Number(fs.readFileSync(file('rss', id), 'utf8')) / 1024 : NaN);
const load = (id) => {
	if (!exists('hf', `${id}.load`))
		return '';
	const l = JSON.parse(fs.readFileSync(file('hf', `${id}.load`), 'utf8'));
	const pct = Math.round(l.others_busy * 100);
	return `${pct}%${pct > 10 ? ' (noisy)' : ''}`;
};

const sec = (s) => (s >= 10 ? s.toFixed(1) : s >= 1 ? s.toFixed(2) : s.toFixed(3));
const int = (x) => Math.round(x).toLocaleString('en-US');
const mb = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const times = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

const out = [];
const p = (s = '') => out.push(s);

p('# aslc vs aws-local-stepfunctions: results');
p();
p(`${meta.date}; ${meta.cpus} cores (${meta.cpu_model}); ${meta.aslc}, commit ${meta.commit}; ` +
  `${meta.peer} on Node ${meta.node}; ${meta.hyperfine}. Medians of ${meta.runs} runs (aslc) ` +
  `and ${meta.peer_runs} runs (peer). Written by bench/run.sh.`);
p();
p('"wall" is one whole process as hyperfine times it: start-up, reading the input, the execution, ' +
  'printing the output (for the peer: Node start-up, require(), StateMachine validation, the execution). ' +
  '"execution" is the execution alone: for the peer, sm.run() to its result, timed inside the process ' +
  '(median over the same runs); for aslc, its wall minus the wall of the same executable on an input ' +
  'with no work (an estimate). Peak RSS from /usr/bin/time -v. "others" is the CPU share that other ' +
  'processes used on the machine during the cell.');
p();

/* ---- Map ---- */
const mapIn = JSON.parse(fs.readFileSync(file('in', 'map-c0.json'), 'utf8'));
const ITEMS = mapIn.chunks.length * mapIn.items.length;
p(`## Map over ${int(ITEMS)} items (map.asl.json: ${int(mapIn.chunks.length)} chunks × ` +
  `${int(mapIn.items.length)} items, 2 Pass states per item)`);
p();
p('| engine | MaxConcurrency | wall (s) | execution (s) | items/s (execution) | peak RSS (MB) | others |');
p('|---|---|---:|---:|---:|---:|---:|');
const mapBase = wall('aslc-map-empty');
const mapRow = (name, conc, id, exec) =>
	p(`| ${name} | ${conc} | ${sec(wall(id))} | ${sec(exec)} | ${int(ITEMS / exec)} | ${mb(rssMB(id))} | ${load(id)} |`);
mapRow('aslc', '0 (default: 40 threads)', 'aslc-map-c0', wall('aslc-map-c0') - mapBase);
mapRow('aslc', '1', 'aslc-map-c1', wall('aslc-map-c1') - mapBase);
mapRow('aslc', '2', 'aslc-map-c2', wall('aslc-map-c2') - mapBase);
mapRow('aws-local-stepfunctions', '0 (default: 40 at once, one thread)', 'als-map-c0', alsExec('als-map-c0'));
p();
p(`aslc start-up, reading the input and writing the output (no chunks): ${sec(mapBase)} s.`);
p();
{
	const aw = wall('aslc-map-c0'), pw = wall('als-map-c0');
	const ae = aw - mapBase, pe = alsExec('als-map-c0');
	p(`**Ratio aslc/peer, MaxConcurrency 0 in both:** wall ${(aw / pw).toFixed(4)} (aslc ${times(pw / aw)}× faster), ` +
	  `execution ${(ae / pe).toFixed(4)} (${times(pe / ae)}×); peak RSS ${(rssMB('aslc-map-c0') / rssMB('als-map-c0')).toFixed(3)}.`);
}
p();

/* ---- Parallel ---- */
const ROUNDS = JSON.parse(fs.readFileSync(file('in', 'parallel.json'), 'utf8')).n;
p(`## Parallel of 8 branches, ${int(ROUNDS)} rounds in one execution (parallel.asl.json)`);
p();
p('One round: the Parallel (8 branches × 3 Pass states), a Pass that counts and a Choice: 27 states entered.');
p();
p('| engine | threads | wall (s) | execution (s) | µs per round (execution) | rounds/s | peak RSS (MB) | others |');
p('|---|---|---:|---:|---:|---:|---:|---:|');
const parBase = wall('aslc-parallel-1');
const parRow = (name, threads, id, exec) =>
	p(`| ${name} | ${threads} | ${sec(wall(id))} | ${sec(exec)} | ${(exec / ROUNDS * 1e6).toFixed(1)} | ` +
	  `${int(ROUNDS / exec)} | ${mb(rssMB(id))} | ${load(id)} |`);
parRow('aslc', '--max-threads 40 (default): 8 per Parallel', 'aslc-parallel-t40', wall('aslc-parallel-t40') - parBase);
parRow('aslc', '--max-threads 2', 'aslc-parallel-t2', wall('aslc-parallel-t2') - parBase);
parRow('aslc', '--max-threads 1', 'aslc-parallel-t1', wall('aslc-parallel-t1') - parBase);
parRow('aws-local-stepfunctions', 'one (branches interleaved)', 'als-parallel', alsExec('als-parallel'));
p();
p(`aslc start-up and one round: ${sec(parBase)} s.`);
p();
{
	const pw = wall('als-parallel'), pe = alsExec('als-parallel');
	for (const t of [40, 1]) {
		const aw = wall(`aslc-parallel-t${t}`), ae = aw - parBase;
		p(`**Ratio aslc/peer, aslc --max-threads ${t}${t === 40 ? ' (default)' : ''}:** wall ${(aw / pw).toFixed(4)} ` +
		  `(aslc ${times(pw / aw)}× faster), execution per round ${(ae / pe).toFixed(4)} (${times(pe / ae)}×).`);
		p();
	}
}

/* ---- CPU ---- */
const cpuIn = JSON.parse(fs.readFileSync(file('in', 'cpu-mc1.json'), 'utf8'));
const K = cpuIn.items.length;
p(`## CPU-bound Task handlers: ${K} items × ${int(cpuIn.rounds)} rounds (cpu.asl.json)`);
p();
p('| engine | MaxConcurrency (= --max-threads) | wall (s) | items/s (wall) | vs MaxConcurrency 1 | others |');
p('|---|---:|---:|---:|---:|---:|');
const base1 = wall('aslc-cpu-mc1');
for (const mc of [1, 2, 4, 8]) {
	const id = `aslc-cpu-mc${mc}`, w = wall(id);
	p(`| aslc, C handler | ${mc} | ${sec(w)} | ${(K / w).toFixed(1)} | ${(base1 / w).toFixed(2)}× | ${load(id)} |`);
}
const pbase1 = alsExec('als-cpu-mc1');
for (const mc of [1, 8]) {
	const id = `als-cpu-mc${mc}`, w = wall(id), e = alsExec(id);
	p(`| aws-local-stepfunctions, JavaScript handler (reference) | ${mc} | ${sec(w)} | ` +
	  `${(K / w).toFixed(1)} (execution: ${(K / e).toFixed(1)}) | ${(pbase1 / e).toFixed(2)}× (execution) | ${load(id)} |`);
}
p();
p(`The machine has ${meta.cpus} cores. The peer runs every handler on Node's one JavaScript thread, ` +
  'whatever MaxConcurrency says; its rows are for reference (a different handler language).');
p();

process.stdout.write(out.join('\n'));
