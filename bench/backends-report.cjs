#!/usr/bin/env node
'use strict';
/*
** backends-report.cjs - bench/backends.md from the results of
** bench/backends.sh in WORK (meta.txt, hf/*.json from hyperfine, bin/).
**
**	node backends-report.cjs WORK > backends.md
*/
const fs = require('fs');
const path = require('path');

const work = process.argv[2];
const meta = Object.fromEntries(fs.readFileSync(path.join(work, 'meta.txt'), 'utf8')
	.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const hf = (id) => JSON.parse(fs.readFileSync(path.join(work, 'hf', id + '.json'), 'utf8')).results[0];
const med = (id) => hf(id).median;
const ms = (s) => (s >= 1 ? s.toFixed(2) + ' s' : s >= 0.1 ? (s * 1000).toFixed(0) + ' ms'
	: (s * 1000).toFixed(1) + ' ms');
const cpu = (id) => { const r = hf(id); return r.user + r.system; };
const spread = (id) => { const r = hf(id); return `${ms(r.min)}–${ms(r.max)}`; };
const ratio = (a, b) => (a / b >= 10 ? (a / b).toFixed(0) : (a / b).toFixed(1)) + '×';
const kb = (f) => (fs.statSync(path.join(work, 'bin', f)).size / 1024).toFixed(0) + ' KiB';

function countStates(states) {
	let n = 0;
	for (const s of Object.values(states)) {
		n++;
		for (const b of s.Branches || [])
			n += countStates(b.States);
		const p = s.ItemProcessor || s.Iterator;
		if (p)
			n += countStates(p.States);
	}
	return n;
}
const root = path.dirname(__dirname);
const defs = {
	hello: path.join(root, 'examples/hello/hello.asl.json'),
	order: path.join(root, 'examples/order/order.asl.json'),
	transcode: path.join(root, 'examples/transcode/transcode.asl.json'),
	gen500: path.join(work, 'gen500.asl.json'),
	map: path.join(__dirname, 'map.asl.json'),
	cpu: path.join(__dirname, 'cpu.asl.json'),
};
const nstates = (wf) => countStates(JSON.parse(fs.readFileSync(defs[wf], 'utf8')).States);
const label = {
	hello: 'examples/hello',
	order: 'examples/order + handlers.c',
	transcode: 'examples/transcode + handlers.c',
	gen500: 'gen500 (generated) + gen500_handlers.c',
	map: `map.asl.json, ${Number(meta.map_items).toLocaleString('en')} items`,
	cpu: `cpu.asl.json + cpu_handlers.c, ${meta.cpu}`,
};
const B = ['cc-O2', 'cc-O0', 'tcc', 'llvm-O2', 'llvm-O0'];
const BN = { 'cc-O2': 'cc -O2', 'cc-O0': 'cc -O0', tcc: 'tcc', 'llvm-O2': 'llvm -O2', 'llvm-O0': 'llvm -O0' };
const out = [];
const p = (s = '') => out.push(s);

p('# aslc backends: compile latency and run time');
p();
p(`${meta.date}; ${meta.cpus} cores (${meta.cpu_model}), ${meta.mem}, ${meta.os}; ` +
	`${meta.aslc}, commit ${meta.commit}; ${meta.cc}; ${meta.tcc}; ${meta.llvm || 'LLVM 15'}; ` +
	`${meta.peer} on Node ${meta.node}; ${meta.hyperfine}. ` +
	`Medians of ${meta.runs} runs (${meta.slow_runs} for the cc and llvm compiles of gen500, the map and cpu runs ` +
	`and the peer) after ${meta.warmup} warmup runs, wall time of the whole process. ` +
	`Load average before / after: ${meta.load_before} / ${meta.load_after} (other work shared the machine; ` +
	`wall times of a few ms are noisy, CPU times less so). Written by bench/backends.sh.`);
p();
p('Reproduce: `make bench-backends` (or `bench/backends.sh`; the peer must be installed, ' +
	'as `make bench` does). Raw hyperfine JSON, executables and outputs stay in `BENCH_WORK`.');
p();
p('The five builds: `--backend=cc` (-O2, the default) and `--backend=cc -O0` write C and run cc; ' +
	'`--backend=tcc` compiles the C in memory with libtcc; `--backend=llvm` (-O2, the default) and ' +
	'`--backend=llvm -O0` build LLVM IR with the LLVM-C API, run the new pass manager at that level, ' +
	'emit an object and link it with cc. With llvm, handler files (.c) are still compiled by cc, ' +
	'at the same -O level.');
p();
p('## 1. Compile latency (definition → executable)');
p();
p('| workflow | states | cc -O2 (default) | cc -O0 | tcc | llvm -O2 | llvm -O0 | cc -O2 / tcc | cc -O2 / llvm -O2 |');
p('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const wf of ['hello', 'order', 'transcode', 'gen500']) {
	const m = B.map((b) => med(`compile-${wf}-${b}`));
	p(`| ${label[wf]} | ${nstates(wf)} | ${m.map(ms).join(' | ')} | ${ratio(m[0], m[2])} | ${ratio(m[0], m[3])} |`);
}
p();
p('## 2. Run time of the executable');
p();
p('Each build runs the same input; every output is checked to be the same as cc -O2\'s before timing. ' +
	'order: cases/happy-path (with handlers.c, `--max-threads 1`); transcode: its input.json and inbox/; ' +
	'gen500: an input that walks every segment (Prep, Score, Route, one of Low/Mid/High/Recover, Join: ' +
	'5 Catches and several Retries on the way), the Parallel and the Map; `--clock=virtual` so retry intervals ' +
	'take no time. The runtime (libaslrt.a) is built by cc -O2 in every case: the builds differ ' +
	'only in the generated code (C, or LLVM IR for llvm) and in how the handler files are compiled ' +
	'(by tcc with tcc, by cc at the build\'s -O level otherwise, llvm included: the cpu row measures ' +
	'cc\'s code for the handler under llvm too).');
p();
p('Each cell: median wall time (mean CPU time, user + system).');
p();
p(`| workflow | ${B.map((b) => BN[b]).join(' | ')} |`);
p(`|---|${B.map(() => '---:').join('|')}|`);
const RW = ['hello', 'order', 'transcode', 'gen500', 'map', 'cpu'];
for (const wf of RW) {
	const ids = B.map((b) => `run-${wf}-${b}`);
	p(`| ${label[wf]} | ${ids.map((id) => `${ms(med(id))} (${ms(cpu(id))})`).join(' | ')} |`);
}
p();
p('CPU time of each build relative to cc -O2\'s (above 1× is slower), and the size of the executables.');
p();
const OTHER = B.slice(1);
p(`| workflow | ${OTHER.map((b) => `${BN[b]} / cc -O2`).join(' | ')} | size ${B.map((b) => BN[b]).join(' / ')} |`);
p(`|---|${OTHER.map(() => '---:').join('|')}|---:|`);
for (const wf of RW) {
	const base = cpu(`run-${wf}-cc-O2`);
	p(`| ${wf} | ${OTHER.map((b) => ratio(cpu(`run-${wf}-${b}`), base)).join(' | ')} | ` +
		`${B.map((b) => kb(`${wf}-${b}`).replace(' KiB', '')).join(' / ')} KiB |`);
}
p();
p('## 3. hello in a test loop');
p();
p('One execution of examples/hello on its input.json, from nothing to its output.');
p();
const loop = [
	['loop-exe', 'the executable alone (built beforehand, cc -O2)'],
	['loop-run', '`aslc run hello.asl.json -- --input input.json` (compile in memory + run)'],
	['loop-tcc', '`aslc --backend=tcc` to a file, then run it'],
	['loop-cc', '`aslc` (cc -O2) to a file, then run it'],
	['loop-llvm', '`aslc --backend=llvm` (-O2) to a file, then run it'],
	['loop-als', 'aws-local-stepfunctions: `node als.cjs hello.asl.json input.json` (start-up + run)'],
];
const peer = med('loop-als');
p('| how | median | range | peer / this |');
p('|---|---:|---:|---:|');
for (const [id, what] of loop)
	p(`| ${what} | ${ms(med(id))} | ${spread(id)} | ${ratio(peer, med(id))} |`);
p();

/*
** The recommendation, with this run's numbers. Every comparison that a
** different machine or run could turn round is phrased from the numbers.
*/
const c = (wf, b) => med(`compile-${wf}-${b}`);
const r = (wf, b) => cpu(`run-${wf}-${b}`);
/* a against b, as durations: "3.0× faster than", "2.1× slower than" or "about as fast as" (within 10%) */
const vs = (a, b) => (a < b / 1.1 ? `${ratio(b, a)} faster than` : a > b * 1.1 ? `${ratio(a, b)} slower than`
	: 'about as fast as');
const between = (x, lo, hi) => (lo < hi ? lo < x && x < hi : hi < x && x < lo);
const items = Number(meta.map_items).toLocaleString('en');
const small = ['hello', 'order', 'transcode', 'gen500'];
const smallCpu = small.flatMap((wf) => B.map((b) => r(wf, b)));
const sLo = Math.min(...smallCpu), sHi = Math.max(...smallCpu);
/* the widest spread across the builds of one workflow (0.3 ms or less counts as none: noise) */
const spreadOf = (wf) => { const v = B.map((b) => r(wf, b)); return Math.max(...v) - Math.min(...v) <= 3e-4 ? 1
	: Math.max(...v) / Math.min(...v); };
const sSpread = Math.max(...small.map(spreadOf));
const cpuBest = B.reduce((best, b) => (r('cpu', b) < r('cpu', best) ? b : best), 'cc-O2');
const fastestBuild = B.reduce((best, b) => (c('gen500', b) < c('gen500', best) ? b : best), 'cc-O2');
const within = (a, b) => a <= b * 1.1 || a - b <= 3e-4;	/* 10%, or 0.3 ms: noise */
const llvmBuildsFaster = c('gen500', 'llvm-O2') < c('gen500', 'cc-O2') / 1.1;
const llvmRunsAsFast = ['map', 'cpu', 'gen500'].every((wf) => within(r(wf, 'llvm-O2'), r(wf, 'cc-O2')));

const rec = [];
rec.push(`**Keep cc -O2 as the default for built executables; use tcc (\`--backend=tcc\`, \`aslc run\`) ` +
	`where the build is on the critical path.**`);
rec.push(`tcc builds ${vs(c('order', 'tcc'), c('order', 'cc-O2'))} cc -O2 on the order example ` +
	`(${ms(c('order', 'tcc'))} against ${ms(c('order', 'cc-O2'))}) and ${vs(c('gen500', 'tcc'), c('gen500', 'cc-O2'))} ` +
	`cc -O2 on 500 states (${ms(c('gen500', 'tcc'))} against ${ms(c('gen500', 'cc-O2'))}); ` +
	(between(c('gen500', 'cc-O0'), c('gen500', 'tcc'), c('gen500', 'cc-O2'))
		? `cc -O0 sits in between (${ms(c('gen500', 'cc-O0'))}).`
		: `cc -O0 takes ${ms(c('gen500', 'cc-O0'))}.`) +
	(fastestBuild === 'tcc' ? ' tcc is the fastest of the five builds there.'
		: ` The fastest of the five builds there is ${BN[fastestBuild]} (${ms(c('gen500', fastestBuild))}).`));
rec.push(`What tcc costs is the speed of the C it compiles, and how much that matters depends on where the work is: ` +
	(sSpread < 1.5
		? `the example workflows and gen500 each take about the same CPU time whatever built them ` +
		  `(${ms(sLo)} to ${ms(sHi)} across the workflows: start-up dominates), `
		: `the example workflows and gen500 take ${ms(sLo)} to ${ms(sHi)} of CPU time, up to ` +
		  `${ratio(sSpread, 1)} apart between the builds of one workflow, `) +
	`and the Map of ${items} items takes ${ratio(r('map', 'tcc'), r('map', 'cc-O2'))} the CPU time with tcc ` +
	`(${ms(r('map', 'tcc'))} against ${ms(r('map', 'cc-O2'))}): its work is in the runtime, which is always built by ` +
	`cc -O2, and the generated code is thin glue. Where C does the work, a CPU-bound handler compiled by tcc takes ` +
	`${ratio(r('cpu', 'tcc'), r('cpu', 'cc-O2'))} the CPU time of cc -O2's (${ms(r('cpu', 'tcc'))} against ` +
	`${ms(r('cpu', 'cc-O2'))}; cc -O0: ${ms(r('cpu', 'cc-O0'))}).`);
rec.push(`**The llvm backend** builds 500 states in ${ms(c('gen500', 'llvm-O2'))} at -O2 ` +
	`(${ms(c('gen500', 'llvm-O0'))} at -O0): ${vs(c('gen500', 'llvm-O2'), c('gen500', 'cc-O2'))} cc -O2 and ` +
	`${vs(c('gen500', 'llvm-O2'), c('gen500', 'tcc'))} tcc. On the order example it takes ` +
	`${ms(c('order', 'llvm-O2'))}, ${vs(c('order', 'llvm-O2'), c('order', 'cc-O2'))} cc -O2 ` +
	`(${ms(c('order', 'cc-O2'))}) and ${vs(c('order', 'llvm-O2'), c('order', 'tcc'))} tcc ` +
	`(${ms(c('order', 'tcc'))}); its floor is the cc link, and cc for the handler files, which it still runs. ` +
	`Its executables take ${ratio(r('map', 'llvm-O2'), r('map', 'cc-O2'))} cc -O2's CPU time on the Map ` +
	`(${ms(r('map', 'llvm-O2'))}), ${ratio(r('gen500', 'llvm-O2'), r('gen500', 'cc-O2'))} on gen500 ` +
	`(${ms(r('gen500', 'llvm-O2'))}) and ${ratio(r('cpu', 'llvm-O2'), r('cpu', 'cc-O2'))} on the CPU-bound handler ` +
	`(${ms(r('cpu', 'llvm-O2'))}, but that handler is compiled by cc under llvm too); llvm -O0's take ` +
	`${ratio(r('map', 'llvm-O0'), r('map', 'cc-O2'))} on the Map and ${ratio(r('cpu', 'llvm-O0'), r('cpu', 'cc-O2'))} ` +
	`on the handler (cc -O0's code). ` +
	(llvmBuildsFaster && llvmRunsAsFast
		? `So in this run llvm -O2 gives cc -O2's run times (within 10%) for less build time on 500 states: a candidate ` +
		  `for the default once it has the cc backend's track record, though ` +
		  (c('gen500', 'tcc') < c('gen500', 'llvm-O2') ? 'tcc still builds faster.' : 'it even builds faster than tcc here.')
		: llvmBuildsFaster
			? `So in this run llvm -O2 builds 500 states faster than cc -O2 but its executables are slower by more than 10% ` +
			  `on at least one workload: a middle ground, not a replacement for cc -O2.`
			: llvmRunsAsFast
				? `So in this run llvm -O2 matches cc -O2's run times (within 10%) but does not build 500 states ` +
				  `faster (by more than 10%): it gives no reason to change the default.`
				: `So in this run llvm -O2 neither builds 500 states faster than cc -O2 nor runs as fast (within 10%): ` +
				  `it gives no reason to change the default.`));
rec.push(`An executable is built once and run many times, often in production, so the default should ` +
	`stay an optimising compiler with a track record; in an edit–run or test loop the build is paid on every run, and ` +
	`\`aslc run\` does build + run of hello in ${ms(med('loop-run'))}, ` +
	`${vs(med('loop-run'), med('loop-als'))} the interpreter's start-up + run (${ms(med('loop-als'))}), ` +
	`${vs(med('loop-run'), med('loop-cc'))} a cc -O2 build + run (${ms(med('loop-cc'))}) and ` +
	`${vs(med('loop-run'), med('loop-llvm'))} an llvm -O2 build + run (${ms(med('loop-llvm'))})` +
	(med('loop-run') < med('loop-als') ? ': it can replace aws-local-stepfunctions there.' : '.') +
	' The default is not changed by this benchmark.');
p('## Recommendation');
p();
p(rec.slice(0, 3).join(' '));
p();
p(rec[3]);
p();
p(rec[4]);
p();
process.stdout.write(out.join('\n'));
