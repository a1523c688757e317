#!/usr/bin/env node
'use strict';
// The peers' side of bench/compare.sh; bench/harness.c is the aslc side. From
// the aslc project's benchmark anchors (../shared/bench), with the workloads
// read from bench/workloads.
// Benchmark harness for local Amazon States Language engines ("peers").
//
//   node harness.cjs <peer> <workload> <size> [--count]
//
//   peer:     als       aws-local-stepfunctions (StateMachine API, local Task handlers)
//             statebox  @wmfs/statebox (in-memory DAO, module: resources)
//             sfl       stepfunctions-local (airware), driven in-process through its
//                       own dispatcher + redux store, i.e. what its HTTP server does
//   workload: trivial | loop | loop-big | loop-task | map | map-c8 | parallel |
//             order-ok | order-fail | intrinsics
//   size:     loop/loop-big/loop-task/intrinsics: N iterations (one execution;
//             loop-big carries a 1000-object payload in $.data)
//             map/map-c8: K items (one execution)
//             parallel/order-*: number of sequential executions
//             trivial: number of executions (use 1 for start-up)
//   node --expose-gc harness.cjs ...  (als only) also reports heap_live_mb: the
//             live heap after a full GC while the last execution is still referenced
//   --count   also count "states entered" through the engine's own hooks
//             (eventLogs for als, enteringState for statebox, history for sfl);
//             slower, use it to validate the analytic counts, not for timing.
//
// The npm packages are resolved from $ASLC_PEERS_DIR (default /tmp/aslc-peers),
// where bench/compare.sh installs them. Prints one JSON line.

const t0 = process.hrtime.bigint();
const path = require('path');
const fs = require('fs');
const { createRequire } = require('module');

// aws-local-stepfunctions 3.x calls Promise.withResolvers (Node >= 22) in Task
// states; shim it so the harness also runs on Node 20. The figures in
// docs/performance.md were taken on Node 22, where the shim is inactive.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const PEERS_DIR = process.env.ASLC_PEERS_DIR || '/tmp/aslc-peers';
const req = createRequire(path.join(PEERS_DIR, 'package.json'));
const BENCH_DIR = path.join(__dirname, '..', 'workloads');

const [peer, workload, sizeArg, ...flags] = process.argv.slice(2);
const size = Number(sizeArg || 1);
const COUNT = flags.includes('--count');
if (!peer || !workload) {
  console.error('usage: harness.cjs <als|statebox|sfl> <workload> <size> [--count]');
  process.exit(64);
}

const ms = (a, b) => Number(b - a) / 1e6;
const loadDef = (f) => JSON.parse(fs.readFileSync(path.join(BENCH_DIR, f), 'utf8'));

// ---------------------------------------------------------------- workloads
const DATA = { customer: 'c-42', tags: ['a', 'b', 'c'], amount: 12.5, nested: { x: 1, y: [1, 2, 3] } };
const ORDER_BASE = {
  customer: { id: 'c-42', name: 'Ada', tier: 'gold' },
  address: { street: '1 Main St', city: 'Springfield', zip: '12345' },
  lines: [
    { sku: 'SKU-1', qty: 2, price: 9.5 },
    { sku: 'SKU-2', qty: 1, price: 20 },
    { sku: 'SKU-3', qty: 5, price: 1.25 },
  ],
  card: 'visa-4242',
};
function bigData(p) {
  const items = new Array(p);
  for (let i = 0; i < p; i++) items[i] = { id: i, sku: `SKU-${i % 97}`, qty: (i % 5) + 1, price: (i % 13) + 0.5 };
  return { customer: 'c-42', items };
}
function mapInput(k) {
  const items = new Array(k);
  for (let i = 0; i < k; i++) items[i] = { id: i, sku: `SKU-${i % 97}`, qty: (i % 5) + 1, price: (i % 13) + 0.5 };
  return { batch: 'b7', items };
}
const INTRINSICS_SRC = {
  text: 'hello world from aslc',
  base: { a: 1, b: { c: 2 } },
  patch: { b: { d: 3 }, e: 4 },
  list: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  dups: [1, 1, 2, 3, 3, 4],
  csv: 'a,b,c,d,e',
  b64: 'aGVsbG8gd29ybGQ=',
  jsonText: '{"k":[1,2,3]}',
};

// file, per-execution inputs, executions, analytic states-entered count
function workloadSpec(w, n) {
  switch (w) {
    case 'trivial':
      return { file: 'trivial.asl.json', runs: n, input: () => ({ a: 1 }), states: n };
    case 'loop':
      return { file: 'loop.asl.json', runs: 1, input: () => ({ counter: { value: 0 }, n, data: DATA }), states: 2 * n + 1 };
    case 'loop-big': // loop.asl.json with a 1000-object payload carried through every state
      return { file: 'loop.asl.json', runs: 1, input: () => ({ counter: { value: 0 }, n, data: bigData(1000) }), states: 2 * n + 1 };
    case 'loop-task':
      return { file: 'loop-task.asl.json', runs: 1, input: () => ({ counter: { value: 0 }, n, data: DATA }), states: 2 * n + 1 };
    case 'map':
      return { file: 'map.asl.json', runs: 1, input: () => mapInput(n), states: n + 2 };
    case 'map-c8':
      return { file: 'map-c8.asl.json', runs: 1, input: () => mapInput(n), states: n + 2 };
    case 'parallel':
      return { file: 'parallel.asl.json', runs: n, input: (r) => ({ orderId: `o-${r}`, ...ORDER_BASE }), states: 14 * n };
    case 'order-ok':
      return { file: 'order.asl.json', runs: n, input: (r) => ({ orderId: `o-${r}`, scenario: 'ok', ...ORDER_BASE }), states: 6 * n, expectFail: false };
    case 'order-fail':
      return { file: 'order.asl.json', runs: n, input: (r) => ({ orderId: `o-${r}`, scenario: 'shipFail', ...ORDER_BASE }), states: 7 * n, expectFail: true };
    case 'intrinsics':
      return { file: 'intrinsics-heavy.asl.json', runs: 1, input: () => ({ i: 0, n, src: INTRINSICS_SRC }), states: 2 * n + 1 };
    default:
      throw new Error(`unknown workload ${w}`);
  }
}

// ------------------------------------------------------------ task handlers
// Fixed-JSON handlers shared by all peers. flaky=true: ReserveInventory throws
// InventoryBusy on the first 2 attempts of each execution (keyed by orderId).
class TaskError extends Error {
  constructor(name, message) { super(message); this.name = name; }
}
const calls = { RefundCharge: 0, ReleaseInventory: 0, retries: 0 };
function makeHandlers(flaky) {
  const attempts = new Map();
  return {
    Increment: (inp) => ({ value: inp.value + 1 }),
    ValidateOrder: (inp) => ({
      valid: true,
      total: inp.lines.reduce((s, l) => s + l.qty * l.price, 0),
      checkedAt: '2024-01-01T00:00:00Z',
    }),
    ReserveInventory: (inp) => {
      if (flaky) {
        const a = (attempts.get(inp.orderId) || 0) + 1;
        if (a <= 2) { attempts.set(inp.orderId, a); calls.retries++; throw new TaskError('InventoryBusy', `busy (attempt ${a})`); }
        attempts.delete(inp.orderId);
      }
      return { reservationId: `r-${inp.orderId}`, lines: inp.lines.length };
    },
    ChargePayment: (inp) => ({ chargeId: `ch-${inp.orderId}`, amount: inp.amount, status: 'captured' }),
    ShipOrder: (inp) => {
      if (inp.scenario === 'shipFail') throw new TaskError('ShippingUnavailable', 'no carrier for zip');
      return { tracking: `1Z-${inp.orderId}`, carrier: 'UPS' };
    },
    RefundCharge: (inp) => { calls.RefundCharge++; return { refundId: `rf-${inp.chargeId}`, status: 'refunded' }; },
    ReleaseInventory: (inp) => { calls.ReleaseInventory++; return { released: true, orderId: inp.orderId }; },
  };
}

// -------------------------------------------------------------------- peers
async function runAls(spec) {
  const tl = process.hrtime.bigint();
  const { StateMachine } = req('aws-local-stepfunctions');
  const tSetup = process.hrtime.bigint();
  const sm = new StateMachine(loadDef(spec.file)); // default: full ASL validation
  const handlers = makeHandlers(true);
  const runOpts = {
    overrides: {
      taskResourceLocalHandlers: handlers,
      retryIntervalOverrides: { ReserveInventory: 0, ChargePayment: 0 },
    },
  };
  const inputs = [];
  for (let r = 0; r < spec.runs; r++) inputs.push(spec.input(r));
  const tExec = process.hrtime.bigint();
  let entered = 0, failed = 0, last;
  for (let r = 0; r < spec.runs; r++) {
    const ex = sm.run(inputs[r], runOpts);
    let counter;
    if (COUNT) counter = (async () => { for await (const ev of ex.eventLogs) if (ev.type === 'StateEntered') entered++; })();
    try { last = await ex.result; } catch (e) { failed++; last = { error: e.name, cause: String(e.message).slice(0, 80) }; }
    if (COUNT) await counter;
    // with --expose-gc: live heap while the (last) execution object is still referenced
    if (r === spec.runs - 1 && global.gc) { global.gc(); heapLive = process.memoryUsage().heapUsed; }
  }
  const tEnd = process.hrtime.bigint();
  return { load_ms: ms(tl, tSetup), setup_ms: ms(tSetup, tExec), exec_ms: ms(tExec, tEnd), entered: COUNT ? entered : null, failed, last };
}

async function runStatebox(spec) {
  const tl = process.hrtime.bigint();
  const Statebox = req('@wmfs/statebox');
  // statebox has no States.MathAdd; shim it (two-argument addition) so loop.asl.json runs unchanged.
  const intrinsics = req('@wmfs/statebox/lib/state-machines/state-types/instrinsics');
  intrinsics.MathAdd = (a, b) => a + b;
  if (COUNT) {
    const SM = req('@wmfs/statebox/lib/state-machines/State-machine');
    const orig = SM.prototype.enteringState;
    SM.prototype.enteringState = function (d) { counted++; return orig.call(this, d); };
  }
  const tSetup = process.hrtime.bigint();
  const quiet = { info() {}, warning() {} };
  const sb = new Statebox({ messages: quiet });
  await sb.ready;
  // statebox has no Retry: bind non-flaky handlers (documented deviation).
  const h = makeHandlers(false);
  const modules = {};
  for (const [name, fn] of Object.entries(h)) {
    modules[name] = class {
      run(event, context) {
        let out;
        try { out = fn(event); } catch (e) { context.sendTaskFailure({ error: e.name, cause: e.message }); return; }
        context.sendTaskSuccess(out);
      }
    };
  }
  sb.createModuleResources(modules);
  let file = spec.file;
  if (file.startsWith('map')) file = 'map-statebox.asl.json'; // no ItemSelector/ItemProcessor support
  const def = JSON.parse(JSON.stringify(loadDef(file)).replace(/arn:aws:lambda:[^"]*:function:/g, 'module:'));
  await sb.createStateMachines({ bench: def }, {});
  const inputs = [];
  for (let r = 0; r < spec.runs; r++) inputs.push(spec.input(r));
  const tExec = process.hrtime.bigint();
  let failed = 0, last;
  for (let r = 0; r < spec.runs; r++) {
    const d = await sb.startExecution(inputs[r], 'bench', { sendResponse: 'COMPLETE' });
    if (d.status !== 'SUCCEEDED') failed++;
    last = d.status === 'SUCCEEDED' ? d.ctx : { status: d.status, error: d.errorCode };
  }
  const tEnd = process.hrtime.bigint();
  return { load_ms: ms(tl, tSetup), setup_ms: ms(tSetup, tExec), exec_ms: ms(tExec, tEnd), entered: COUNT ? counted : null, failed, last };
}
let counted = 0;
let heapLive = null;

async function runSfl(spec) {
  const tl = process.hrtime.bigint();
  const base = 'stepfunctions-local/src';
  const store = req(`${base}/store`);
  const { dispatch } = req(`${base}/dispatcher`);
  const { actions } = req(`${base}/constants`);
  const tSetup = process.hrtime.bigint();
  // Same path as its HTTP server's POST handler, minus express/HTTP.
  const call = (action, params) => {
    const result = dispatch(store.getState(), action, params, {});
    if (result.err) throw result.err;
    store.dispatch({ type: action, result });
    return result;
  };
  const created = call(actions.CREATE_STATE_MACHINE, {
    name: 'bench',
    definition: JSON.stringify(loadDef(spec.file)),
    roleArn: 'arn:aws:iam::123456789012:role/bench',
  });
  const smArn = created.response.stateMachineArn;
  let pending = null;
  store.subscribe(() => {
    if (pending && pending.exec.status !== 'RUNNING') { const p = pending; pending = null; p.resolve(); }
  });
  const inputs = [];
  for (let r = 0; r < spec.runs; r++) inputs.push(JSON.stringify(spec.input(r)));
  const tExec = process.hrtime.bigint();
  let failed = 0, last, entered = 0;
  for (let r = 0; r < spec.runs; r++) {
    const res = call(actions.START_EXECUTION, { stateMachineArn: smArn, name: `e${r}`, input: inputs[r] });
    const exec = res.execution;
    await new Promise((resolve) => { pending = { exec, resolve }; });
    if (exec.status !== 'SUCCEEDED') failed++;
    last = exec.output;
    if (COUNT) entered += exec.events.filter((e) => /StateEntered$/.test(e.type)).length;
  }
  const tEnd = process.hrtime.bigint();
  return { load_ms: ms(tl, tSetup), setup_ms: ms(tSetup, tExec), exec_ms: ms(tExec, tEnd), entered: COUNT ? entered : null, failed, last };
}

// Output checks: a peer that silently ignores a feature must not be timed.
function validate(w, n, out, p) {
  const need = (c, msg) => { if (!c) throw new Error(msg); };
  need(out && typeof out === 'object', 'no output object');
  switch (w) {
    case 'trivial': need(out.a === 1, 'a != 1'); break;
    case 'loop': case 'loop-task': case 'loop-big':
      need(out.counter && out.counter.value === n, `counter.value = ${JSON.stringify(out.counter).slice(0, 60)}`);
      need(out.data && out.data.customer === 'c-42', 'data lost'); break;
    case 'map': case 'map-c8': {
      need(Array.isArray(out.results) && out.results.length === n, 'results length');
      const want = p === 'statebox' ? `SKU-${(n - 1) % 97}-${n - 1}` : `b7-SKU-${(n - 1) % 97}-${n - 1}`;
      need(out.results[n - 1].label === want, `label ${out.results[n - 1].label} != ${want}`); break;
    }
    case 'parallel':
      need(Array.isArray(out.branches) && out.branches.length === 4, 'branches');
      need(out.branches[3].weight === 40 && out.branches[3].status && out.branches[3].status.ok === true, 'branch output'); break;
    case 'order-ok':
      need(out.notification && /^Order o-\d+ shipped with tracking 1Z-o-/.test(out.notification.message), 'notification'); break;
    case 'intrinsics':
      need(out.i === n && /^[0-9a-f]{64}$/.test(out.hash) && out.b64 === 'aGVsbG8gd29ybGQgZnJvbSBhc2xj', 'intrinsic results'); break;
    default: break;
  }
}

// --------------------------------------------------------------------- main
(async () => {
  const spec = workloadSpec(workload, size);
  const fn = { als: runAls, statebox: runStatebox, sfl: runSfl }[peer];
  if (!fn) throw new Error(`unknown peer ${peer}`);
  const r = await fn(spec);
  const tDone = process.hrtime.bigint();
  const expectFail = !!spec.expectFail;
  let ok = expectFail ? r.failed === spec.runs : r.failed === 0;
  let check = ok ? 'ok' : `unexpected failures: ${r.failed}/${spec.runs}`;
  if (ok && !expectFail) {
    try { validate(workload, size, r.last, peer); } catch (e) { ok = false; check = `wrong output: ${e.message}`; }
  }
  if (ok && expectFail && (calls.RefundCharge !== spec.runs || calls.ReleaseInventory !== spec.runs)) {
    ok = false; check = `compensation did not run: ${JSON.stringify(calls)}`;
  }
  const out = {
    peer, workload, size, runs: spec.runs,
    node: process.version,
    ok,
    check,
    states: spec.states,
    entered_counted: r.entered,
    load_ms: +r.load_ms.toFixed(2),
    setup_ms: +r.setup_ms.toFixed(2),
    exec_ms: +r.exec_ms.toFixed(2),
    states_per_s: Math.round(spec.states / (r.exec_ms / 1000)),
    total_in_process_ms: +ms(t0, tDone).toFixed(2),
    max_rss_kb: process.resourceUsage().maxRSS,
    heap_live_mb: heapLive === null ? undefined : +(heapLive / 1048576).toFixed(1),
    task_retries: calls.retries,
    last: process.env.ASLC_FULL_OUTPUT ? r.last : String(JSON.stringify(r.last)).slice(0, 160),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(ok ? 0 : 3);
})().catch((e) => { console.error(e); process.exit(2); });
