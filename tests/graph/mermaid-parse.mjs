// mermaid-parse.mjs FILE...: parse each Mermaid file with Mermaid's own
// parser (the npm package, under jsdom); exit 1 if one does not parse.
// Run by tests/cli.sh when MERMAID_MODULES names a directory where
// `npm install mermaid@11 jsdom` was run (Debian packages neither).
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';

const require = createRequire(path.join(process.env.MERMAID_MODULES, 'package.json'));
const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(require.resolve('mermaid'));
mermaid.initialize({ startOnLoad: false });
let bad = 0;
for (const f of process.argv.slice(2)) {
	try {
		await mermaid.parse(fs.readFileSync(f, 'utf8'));
	} catch (e) {
		bad++;
		console.log(`${f}: ${String(e.message || e).slice(0, 400)}`);
	}
}
process.exit(bad ? 1 : 0);
