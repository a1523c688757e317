// Helper of tests/compare-validator.sh: in one node process, labels each
// definition with what AWS does, runs `aslc --check` and asl-validator on
// it, and prints the comparison. Arguments:
//   node compare-validator.cjs ROOT CONFORMANCE_DIR ASLC VALIDATOR_MODULE_DIR
// Exit status: 0 when aslc agrees with AWS on every recorded definition
// 1 when it does not, 2 on a setup error.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const [root, conf, aslc, validatorDir] = process.argv.slice(2);
if (!validatorDir) {
  console.error("usage: compare-validator.cjs ROOT CONFORMANCE_DIR ASLC VALIDATOR_MODULE_DIR");
  process.exit(2);
}
const aslValidator = require(validatorDir);
const validatorVersion = require(path.join(validatorDir, "package.json")).version;

// Categories, in the order they are printed. `recorded` ones decide the
// exit status.
const CAT = {
  recRej: { name: "AWS rejects (recorded: INVALID_DEFINITION)", aws: "reject", recorded: true },
  specRej: { name: "AWS rejects (by aslc's rule, from the spec: tests/invalid)", aws: "reject", recorded: false },
  recAcc: { name: "AWS accepts (recorded: the execution ran)", aws: "accept", recorded: true },
  docAcc: { name: "accepted by AWS per docs (examples, tests/run)", aws: "accept", recorded: false },
};
// JSONata definitions are shown apart, and count like the others.
const JSONATA = { reject: "JSONata, AWS rejects", accept: "JSONata, AWS accepts" };

const items = []; // {file, label, cat, aws, recorded, jsonata}

function ls(dir) {
  try { return fs.readdirSync(dir).sort(); } catch { return []; }
}

// Conformance cases: validation/ holds what AWS rejected at creation; every
// other case's expected.json records an execution that ran (SUCCEEDED or
// FAILED), so AWS accepted its definition.
const casesDir = path.join(conf, "cases");
if (!fs.existsSync(casesDir)) {
  console.error(`compare-validator: no conformance corpus at ${conf}`);
  process.exit(2);
}
for (const category of ls(casesDir)) {
  const cdir = path.join(casesDir, category);
  if (!fs.statSync(cdir).isDirectory()) continue;
  for (const id of ls(cdir)) {
    const def = path.join(cdir, id, "definition.json");
    const exp = path.join(cdir, id, "expected.json");
    if (!fs.existsSync(def) || !fs.existsSync(exp)) continue;
    const status = JSON.parse(fs.readFileSync(exp, "utf8")).status;
    let cat;
    if (status === "INVALID_DEFINITION") cat = CAT.recRej;
    else if (status === "SUCCEEDED" || status === "FAILED" || status === "TIMED_OUT" || status === "ABORTED") cat = CAT.recAcc;
    else { console.error(`compare-validator: ${category}/${id}: status ${status}, skipped`); continue; }
    items.push({ file: def, label: `conformance ${category}/${id}`, cat });
  }
}
// aslc's own definitions.
for (const f of ls(path.join(root, "tests/invalid")))
  if (f.endsWith(".asl.json")) items.push({ file: path.join(root, "tests/invalid", f), label: `tests/invalid/${f}`, cat: CAT.specRej });
for (const d of ls(path.join(root, "examples")))
  for (const f of ls(path.join(root, "examples", d)))
    if (f.endsWith(".asl.json")) items.push({ file: path.join(root, "examples", d, f), label: `examples/${d}/${f}`, cat: CAT.docAcc });
for (const d of ls(path.join(root, "tests/run"))) {
  const f = path.join(root, "tests/run", d, "machine.asl.json");
  if (fs.existsSync(f)) items.push({ file: f, label: `tests/run/${d}/machine.asl.json`, cat: CAT.docAcc });
}

function usesJsonata(v) {
  if (Array.isArray(v)) return v.some(usesJsonata);
  if (v && typeof v === "object")
    return Object.entries(v).some(([k, x]) => (k === "QueryLanguage" && x === "JSONata") || usesJsonata(x));
  return false;
}

function firstLine(s) {
  return (s || "").split("\n").find((l) => l.trim() !== "") || "";
}

for (const it of items) {
  const text = fs.readFileSync(it.file, "utf8");
  it.text = text;
  let json;
  try { json = JSON.parse(text); } catch (e) { json = undefined; }
  it.jsonata = json !== undefined && usesJsonata(json);
  it.group = it.jsonata ? JSONATA[it.cat.aws] : it.cat.name;
  it.aws = it.cat.aws;
  // aslc
  const r = spawnSync(aslc, ["--check", it.file], { encoding: "utf8" });
  it.aslcStatus = r.status;
  it.aslc = r.status === 0 ? "accept" : r.status === 1 ? "reject" : "error";
  it.aslcMsg = firstLine(r.stderr) || (r.error ? String(r.error) : "");
  // asl-validator, with its defaults (path and ARN checks on)
  if (json === undefined) { it.val = "reject"; it.valMsg = "not JSON"; }
  else {
    try {
      const res = aslValidator(json);
      it.val = res.isValid ? "accept" : "reject";
      it.valMsg = res.isValid ? "" : firstLine(res.errorsText("\n"));
    } catch (e) {
      it.val = "error"; it.valMsg = `exception: ${e.message}`;
    }
  }
}

// The table.
const groups = [CAT.recRej.name, CAT.specRej.name, JSONATA.reject, CAT.recAcc.name, CAT.docAcc.name, JSONATA.accept];
const pad = (s, n) => String(s).padStart(n);
console.log(`aslc --check (${aslc}) against asl-validator ${validatorVersion}; AWS is the reference\n`);
const head = ["total", "distinct", "aslc=AWS", "validator=AWS", "both", "neither"];
const w = 58;
console.log("category".padEnd(w) + head.map((h) => pad(h, 14)).join(""));
for (const g of groups) {
  const xs = items.filter((i) => i.group === g);
  if (xs.length === 0) { console.log(g.padEnd(w) + pad(0, 14)); continue; }
  const a = xs.filter((i) => i.aslc === i.aws), v = xs.filter((i) => i.val === i.aws);
  const both = xs.filter((i) => i.aslc === i.aws && i.val === i.aws).length;
  const neither = xs.filter((i) => i.aslc !== i.aws && i.val !== i.aws).length;
  const distinct = new Set(xs.map((i) => i.text)).size;
  console.log(g.padEnd(w) + [xs.length, distinct, a.length, v.length, both, neither].map((n) => pad(n, 14)).join(""));
}

// The two measures.
const plain = items;
function measure(title, xs, want) {
  const ok = xs.filter((i) => i.aslc === want).length;
  console.log(`  ${title}: ${ok} of ${xs.length}${ok === xs.length ? "" : "  <-- must be all"}`);
}
console.log("\nMeasures:");
const aRej = (i) => i.aws === "reject" && i.val === "reject";
measure("(a) AWS and asl-validator reject, aslc rejects (recorded)", plain.filter((i) => aRej(i) && i.cat.recorded), "reject");
measure("(a) AWS and asl-validator reject, aslc rejects (recorded + tests/invalid)", plain.filter(aRej), "reject");
measure("    AWS rejects, aslc rejects (recorded + tests/invalid, whatever asl-validator says)", plain.filter((i) => i.aws === "reject"), "reject");
measure("(b) AWS accepts, aslc accepts (recorded)", plain.filter((i) => i.aws === "accept" && i.cat.recorded), "accept");
measure("(b) AWS accepts, aslc accepts (recorded + examples, tests/run)", plain.filter((i) => i.aws === "accept"), "accept");

// aslc's disagreements, every one.
const bad = items.filter((i) => i.aslc !== i.aws);
console.log(`\naslc disagrees with AWS: ${bad.length}`);
for (const i of bad)
  console.log(`  ${i.label}\n    AWS ${i.aws}s; aslc ${i.aslc}s (exit ${i.aslcStatus})${i.aslcMsg ? ": " + i.aslcMsg : ""}`);
console.log("\nWhat aslc says of each recorded definition AWS rejects:");
for (const i of items.filter((i) => i.cat === CAT.recRej))
  console.log(`  ${i.label}\n    ${i.aslcMsg.replace(/^.*?:\d+:\d+: /, "")}`);

// asl-validator's disagreements: counts and a few examples; every one in
// aslc's own categories, whose AWS label is only our reading of the docs
// (asl-validator may be right there: look at each).
console.log("\nasl-validator disagrees with AWS:");
for (const g of groups) {
  const xs = items.filter((i) => i.group === g && i.val !== i.aws);
  if (xs.length === 0) continue;
  const ours = xs.every((i) => !i.cat.recorded);
  console.log(`  ${g}: ${xs.length}${ours ? " (all listed: check our label)" : ""}`);
  for (const i of ours ? xs : xs.slice(0, 3))
    console.log(`    e.g. ${i.label}\n         asl-validator ${i.val}s${i.valMsg ? ": " + i.valMsg.slice(0, 160) : ""}`);
}

process.exit(items.some((i) => i.cat.recorded && i.aslc !== i.aws) ? 1 : 0);
