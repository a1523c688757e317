#!/usr/bin/env node
'use strict';
// bench/compare-report.cjs OUT: the tables of bench/compare.sh's run, from
// OUT/raw.jsonl (one JSON line per run of a cell), OUT/startup-*.json and
// OUT/e2e.json (hyperfine), OUT/e2e-rss.jsonl and OUT/machine.txt.
const fs = require('fs');
const path = require('path');
const out = process.argv[2];
const read = (f) => fs.readFileSync(path.join(out, f), 'utf8');
const lines = (f) => read(f).split('\n').filter(Boolean).map((l) => JSON.parse(l));
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x, d = 0) => x === undefined || x === null || Number.isNaN(x) ? '' :
  Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const sig = (x) => x >= 100 ? fmt(x) : x >= 10 ? fmt(x, 1) : fmt(x, 2);

const raw = lines('raw.jsonl');
const NAMES = {
  als: 'aws-local-stepfunctions', statebox: '@wmfs/statebox', aslc: 'aslc', 'aslc-program': 'aslc, tasks as programs',
  'aslc-text': 'aslc, output as text too, nothing shared (--text)', 'aslc-floor': 'no engine: the work by hand in C + jansson (floor)',
};

// cells: engine label, workload, size -> runs
const cells = new Map();
for (const r of raw) {
  if (r.engine === 'aslc-sweep') continue;
  let label = r.engine;
  if (r.engine === 'aslc' && r.threads === 1) label = 'aslc --max-threads 1';
  const key = `${r.workload}|${r.size}`;
  if (!cells.has(key)) cells.set(key, new Map());
  const m = cells.get(key);
  if (!m.has(label)) m.set(label, []);
  m.get(label).push(r);
}
const stat = (runs) => ({
  n: runs.length,
  ok: runs.every((r) => r.ok),
  exec: median(runs.map((r) => r.exec_ms)),
  sps: median(runs.map((r) => r.states_per_s)),
  wall: median(runs.map((r) => r.wall_s)),
  rss: median(runs.map((r) => r.peak_rss_kb)) / 1024,
  states: runs[0].states,
  runs: runs[0].runs,
});

console.log('# aslc against the peer engines: one run of bench/compare.sh\n');
console.log(read('machine.txt').trim().split('\n').map((l) => `- ${l}`).join('\n'));
console.log(`
"exec" is the executions alone, timed inside the process (not building
their inputs nor checking outputs), median of the runs; states/s is states
entered (the history's StateEntered events) per second of it; "wall" and
"peak RSS" are the whole process's (/usr/bin/time), medians. The ratios
are aslc's states/s over the peer's, and the peer's peak RSS over aslc's,
both measured in this run.
`);
console.log('| workload | size | engine | runs | exec (ms) | states/s | wall (s) | peak RSS (MB) | speed: aslc is N× | RSS: aslc is 1/N |');
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
const ratios = [];
for (const [key, m] of cells) {
  const [w, size] = key.split('|');
  const base = m.get('aslc') ? stat(m.get('aslc')) : null;
  for (const [label, runs] of m) {
    const s = stat(runs);
    let speed = '', mem = '';
    if (base && !label.startsWith('aslc')) {
      speed = `**${sig(base.sps / s.sps)}×**`;
      mem = `**${sig(s.rss / base.rss)}**`;
      ratios.push({ w, size, peer: label, speed: base.sps / s.sps, mem: s.rss / base.rss });
    }
    const sizeText = /order|parallel/.test(w) ? `${fmt(+size)} executions` : /map/.test(w) ? `${fmt(+size)} items` : `${fmt(+size)} it.`;
    console.log(`| ${w} | ${sizeText} | ${NAMES[label] || label}${s.ok ? '' : ' (CHECK FAILED)'} | ${s.n} | ${sig(s.exec)} | ${fmt(s.sps)} | ${sig(s.wall)} | ${sig(s.rss)} | ${speed} | ${mem} |`);
  }
}

// the floor: what the peers' figures allow an engine built on jansson
const floors = [];
for (const [key, m] of cells) {
  if (!m.get('aslc-floor') || !m.get('als')) continue;
  const [w, size] = key.split('|');
  const f = stat(m.get('aslc-floor')), a = stat(m.get('aslc')), p = stat(m.get('als'));
  floors.push({ w, size, fspeed: f.sps / p.sps, fmem: p.rss / f.rss, aslc: f.exec ? a.exec / f.exec : NaN });
}
if (floors.length) {
  console.log('\n## The jansson floor\n');
  console.log('The same work written by hand in C with jansson, with no engine around it (bench/floor.c): how far an engine whose values are jansson\'s could go at best.\n');
  console.log('| workload | size | floor is N× faster than aws-local-stepfunctions | floor uses 1/N of its memory | aslc\'s time over the floor\'s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of floors) console.log(`| ${r.w} | ${fmt(+r.size)} | ${sig(r.fspeed)} | ${sig(r.fmem)} | ${sig(r.aslc)} |`);
}

// start-up and end to end
const hf = (f) => JSON.parse(read(f)).results;
console.log('\n## Start-up and end to end (hyperfine, whole process)\n');
console.log('| command | median (ms) | min (ms) | max (ms) | runs |');
console.log('|---|---:|---:|---:|---:|');
const startup = [...hf('startup-aslc.json'), ...hf('startup-peer.json')];
for (const r of [...startup, ...hf('e2e.json')])
  console.log(`| ${r.command} | ${sig(r.median * 1e3)} | ${sig(r.min * 1e3)} | ${sig(r.max * 1e3)} | ${r.times.length} |`);
const a = startup.find((r) => r.command.startsWith('aslc')), l = startup.find((r) => r.command.startsWith('local-sfn'));
if (a && l) console.log(`\nStart-up of a one-state workflow: aslc ${sig(a.median * 1e3)} ms, local-sfn ${sig(l.median * 1e3)} ms: **${sig(l.median / a.median)}×** faster.`);
console.log('\nPeak RSS, whole process: ' + lines('e2e-rss.jsonl').map((r) => `${r.exe} ${sig(r.peak_rss_kb / 1024)} MB`).join('; ') + '.');

// ratio summary
if (ratios.length) {
  console.log('\n## Ratios in this run\n');
  console.log('| workload | size | peer | aslc is N× faster | aslc uses 1/N of the memory |');
  console.log('|---|---:|---|---:|---:|');
  for (const r of ratios) console.log(`| ${r.w} | ${fmt(+r.size)} | ${NAMES[r.peer] || r.peer} | ${sig(r.speed)} | ${sig(r.mem)} |`);
}

// growth
const sweep = raw.filter((r) => r.engine === 'aslc-sweep');
if (sweep.length) {
  console.log('\n## Growth (aslc): time and memory as the work doubles\n');
  console.log('| workload | what grows | size | exec (ms) | × previous | µs per state | peak RSS (MB) | × previous |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  const groups = new Map();
  for (const r of sweep) {
    const g = r.workload;
    const size = r.workload === 'loop-big' ? r.payload : r.size;
    if (!groups.has(g)) groups.set(g, new Map());
    const m = groups.get(g);
    if (!m.has(size)) m.set(size, []);
    m.get(size).push(r);
  }
  const what = { loop: 'iterations', map: 'items', 'loop-big': 'payload items (≈ 50 bytes each) carried through 2,001 states', parallel: 'executions', 'order-ok': 'executions' };
  for (const [g, m] of groups) {
    let prev = null;
    for (const [size, runs] of [...m].sort((x, y) => x[0] - y[0])) {
      const s = stat(runs);
      console.log(`| ${g} | ${what[g] || ''} | ${fmt(size)} | ${sig(s.exec)} | ${prev ? sig(s.exec / prev.exec) : ''} | ${(s.exec * 1000 / s.states).toFixed(3)} | ${sig(s.rss)} | ${prev ? sig(s.rss / prev.rss) : ''} |`);
      prev = s;
    }
  }
}
