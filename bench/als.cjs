#!/usr/bin/env node
'use strict';
/*
** als.cjs - run one execution of a definition on aws-local-stepfunctions
** (the npm package), for bench/run.sh.
**
**	node als.cjs DEF.asl.json INPUT.json [--output FILE]
**	node als.cjs --hash FILE
**
** The first form loads the package, builds a StateMachine (with its ASL
** validation), runs one execution and prints one JSON line:
**
**	{"ms": execution, "setup_ms": StateMachine construction,
**	 "load_ms": require() of the package, "status": "SUCCEEDED"|"FAILED",
**	 "sha256": hash of the output in canonical form, "output_bytes": ...}
**
** "ms" is only the execution (sm.run() to its result), without Node's
** start-up, the require() or reading the input. --output FILE writes the
** output JSON to FILE. When $ALS_LOG is set the line is also appended to
** that file, so a run under hyperfine (which discards stdout) still
** leaves its in-process time behind.
**
** The second form prints the canonical hash of the JSON in FILE: the
** runner hashes aslc's output the same way. Canonical: parsed, then
** printed with object keys sorted, so numbers are compared as values
** (1.0 and 1 are equal) and key order does not matter.
**
** Task states run local handlers, keyed by state name (the package's
** taskResourceLocalHandlers): "Spin" is the JavaScript twin of the C
** handler in cpu_handlers.c, with the same arithmetic on 32-bit words.
**
** The package is resolved from $ASLC_PEERS_DIR (default /tmp/aslc-peers).
*/

const t0 = process.hrtime.bigint();
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { createRequire } = require('module');

const ms = (a, b) => Number(b - a) / 1e6;

function canonical(v) {
	if (Array.isArray(v))
		return '[' + v.map(canonical).join(',') + ']';
	if (v && typeof v === 'object')
		return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
	return JSON.stringify(v);
}
const sha256 = (v) => crypto.createHash('sha256').update(canonical(v)).digest('hex');

/* spin: the same rounds as spin() in cpu_handlers.c. */
function spin(seed, rounds) {
	let x = (seed ^ 0x9e3779b9) >>> 0;
	for (let r = 0; r < rounds; r++) {
		x ^= x >>> 15;
		x = Math.imul(x, 0x2c1b3c6d);
		x ^= x >>> 12;
		x = Math.imul(x, 0x297a2d39);
		x ^= x >>> 15;
		x = (x + r) | 0;
	}
	return x >>> 0;
}

const handlers = {
	Spin: (input) => ({
		seed: input.seed,
		h: spin(input.seed, input.rounds).toString(16).padStart(8, '0'),
	}),
};

/*
** aws-local-stepfunctions 3.x calls Promise.withResolvers (Node >= 22) in
** Task states. run.sh uses Node 22; the shim only matters on older Nodes.
*/
if (typeof Promise.withResolvers !== 'function') {
	Promise.withResolvers = function withResolvers() {
		let resolve, reject;
		const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
		return { promise, resolve, reject };
	};
}

async function main(argv) {
	if (argv[0] === '--hash' && argv.length === 2) {
		console.log(sha256(JSON.parse(fs.readFileSync(argv[1], 'utf8'))));
		return 0;
	}
	const pos = [];
	let outFile = null;
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--output')
			outFile = argv[++i];
		else
			pos.push(argv[i]);
	}
	if (pos.length !== 2 || (outFile === undefined)) {
		console.error('usage: als.cjs DEF.asl.json INPUT.json [--output FILE]\n       als.cjs --hash FILE');
		return 64;
	}
	const def = JSON.parse(fs.readFileSync(pos[0], 'utf8'));
	const input = JSON.parse(fs.readFileSync(pos[1], 'utf8'));

	const tLoad = process.hrtime.bigint();
	const peers = process.env.ASLC_PEERS_DIR || '/tmp/aslc-peers';
	const req = createRequire(path.join(peers, 'package.json'));
	const { StateMachine } = req('aws-local-stepfunctions');
	const tSetup = process.hrtime.bigint();
	const sm = new StateMachine(def);
	const tRun = process.hrtime.bigint();
	let status = 'SUCCEEDED', output, error;
	try {
		output = await sm.run(input, { overrides: { taskResourceLocalHandlers: handlers } }).result;
	} catch (e) {
		status = 'FAILED';
		error = { error: e.name, cause: String(e.message).slice(0, 300) };
	}
	const tEnd = process.hrtime.bigint();

	const line = {
		ms: +ms(tRun, tEnd).toFixed(2),
		setup_ms: +ms(tSetup, tRun).toFixed(2),
		load_ms: +ms(tLoad, tSetup).toFixed(2),
		status,
	};
	if (status === 'SUCCEEDED') {
		const text = JSON.stringify(output);
		line.sha256 = sha256(output);
		line.output_bytes = Buffer.byteLength(text);
		if (outFile)
			fs.writeFileSync(outFile, text + '\n');
	} else {
		Object.assign(line, error);
	}
	line.node = process.version;
	line.total_ms = +ms(t0, process.hrtime.bigint()).toFixed(2);
	const text = JSON.stringify(line);
	if (process.env.ALS_LOG)
		fs.appendFileSync(process.env.ALS_LOG, text + '\n');
	console.log(text);
	return status === 'SUCCEEDED' ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
	console.error(e);
	process.exit(2);
});
