#!/usr/bin/env node
'use strict';
// tests/jsonata/gen-parse.cjs - the parser's corpus and what the reference
// implementation makes of it: writes parse.exprs (one JSON string per line)
// and parse.expected (the tree, or the error, per line), which
// tests/jsonata/parse.sh holds aslc's parser to.
//
//   npm install jsonata@2.0.6     (the version AWS runs)
//   JSONATA=node_modules/jsonata node tests/jsonata/gen-parse.cjs
//
// The corpus is the hand-written expressions below, which cover every
// construct, and expressions generated from a seeded grammar, with
// mutations of them (cut short, a character inserted or removed) for the
// errors. Run again after changing either: the output is deterministic.
const fs = require('fs');
const path = require('path');
const jsonata = require(process.env.JSONATA || 'jsonata');
const version = require(path.join(path.dirname(require.resolve(process.env.JSONATA || 'jsonata')), 'package.json')).version;
if (version !== '2.0.6') {
  console.error(`gen-parse: jsonata ${version}, not 2.0.6 (the version AWS runs)`);
  process.exit(2);
}
const here = __dirname;

const hand = [
  // literals and paths
  '1', '-1', '1.5e3', '0.5', '1e-7', '"a"', "'b'", '"\\u00e9\\n\\t\\"\\\\\\/"', 'true', 'false', 'null',
  'a', 'a.b', 'a.b.c', '`a b`.c', '$', '$$', '$x', '$states.input', '$states.input.order.total',
  'a[0]', 'a[-1]', 'a[0][1]', 'a[]', 'a.b[]', 'a[].b', 'a[b > 1]', 'a[b > 1][0]', 'a.b[c = "x"].d',
  '*', 'a.*', '**', 'a.**.b', '%', 'a.b.%', 'a.b.%.c', 'a.(b)', 'a."b"', "a.'b c'",
  'a.b^(c)', 'a^(<c, >d)', 'a.b^(>$x)', 'a{b: c}', 'a.b{c: d, e: f}', 'a@$x.b', 'a#$i.b', 'a#$i[$i > 1]',
  'a.b@$x#$i', 'a[0]#$i', 'a.b.c@$c.d',
  // operators
  '1 + 2', '1 - 2 * 3', '(1 - 2) * 3', '7 / 2', '7 % 2', '-a', '- -1', '1 = 1', '1 != 2', '1 < 2',
  '1 <= 2', '1 > 2', '1 >= 2', '"a" & "b"', 'true and false', 'true or false', '1 in [1,2]',
  'a ? b : c', 'a ? b', 'a ? b : c ? d : e', '$x := 1', '$x := $y := 2', '($x := 1; $x + 1)',
  '[1..5]', '[1, 2..4, 6]', '[]', '[[1,2],[3]]', '{}', '{"a": 1, "b": [2]}', '{a: b}',
  '$f(1)', '$f()', '$f(1, 2, 3)', '$f(?, 1)', '$f(?, ?)', 'a ~> $f', 'a ~> $f(1) ~> $g',
  '$sum(a.b)', '$count(a[x])', '$string(1)', '$map([1,2], function($v) { $v * 2 })',
  'function($a, $b) { $a + $b }', 'λ($a) { $a }', 'function($a)<n:n> { $a }',
  'function($a, $b)<n-n?:n> { $a }', 'function($f)<f<n:n>:n> { $f(1) }', 'function($a)<a<s>:a> { $a }',
  '$fact := function($n) { $n <= 1 ? 1 : $n * $fact($n - 1) }',
  '|a|{"b": 1}|', '|a|{"b": 1}, ["c"]|', '$ ~> |a|{}|', '/ab+c/', '/ab+c/i', '/a\\/b/m', '$match("x", /x/)',
  '$contains(a, /b[/]c/)', 'a.b.$uppercase()', 'a.$string().b', 'a.b.$f().$g()',
  '/* comment */ 1', '1 /* c */ + 2', '"and".and', 'and', 'or', 'in', 'a.and.or', 'a[in]',
  '$states.input.items[price > 10].name', '$states.input.items#$i[$i < 2]',
  '{"total": $sum($states.input.items.(price * qty))}', '$states.context.Execution.Id',
  '$count($states.input) > 0 ? "yes" : "no"', '$x.y[0].z', '[$a, $b][0]', '($a; $b)', '()',
  'a.(b; c)', '$f(a)[0]', '$f(a).b', '$f(a)[0].b', 'a[$f(b)]', 'a[b][c]{d: e}', 'a.b{c: d}[0]',
  'a.b.c.%.%', 'a.b[%.c = 1]', 'a.b.{"x": %.c}', 'a.(%.b)', 'a.b^(%.c)',
  '"a" in $x', '1..2', '$a..$b', '[1..]', '$lookup($states.input, "a b")',
  // errors
  '', ' ', '(', ')', '1 +', '+ 1', 'a.', '.a', 'a..b', '[1,', '{"a"}', '{"a": }', '"abc', "'abc",
  '"\\q"', '"\\u12"', '"\\u12G4"', '`abc', '/* x', '//', '/abc', 'a[', 'a]', 'a[1', '(1 2)', '1 2',
  'a.1', 'a.true', 'a.null', 'a.-1', 'function(a) { a }', 'function($a)<x<n>> { 1 }',
  'function($a)<(sa<n>)> { 1 }', 'function($a) { ', '$x := ', '1 := 2', 'a @ b', 'a # b', 'a @ $x[0]',
  'a[0]@$x', 'a^(b)@$x', '%', '%.a', 'a{b:c}{d:e}', 'a{b:c}[0]', '!a', '~a', 'a ! b', 'a ~ b',
  '1e999', '[1..', '$f(1,', '$f(?', '|a|b', '|a|b|c', 'a ? ', 'a ? b :', '"a" "b"', 'a b',
  '?', ':', ';', ',', '..', '=', '@', '#', '^', '&', '**.a', '* *', '1 ^ 2', 'a.{', 'a.[', 'a.(', '{1: 2',
  // text beyond ASCII: positions count UTF-16 units, as the reference's
  'é.ü', '"😀" & a', 'a.`ü x`.b', '$ü', '$states.input.名前', '"😀😀" & é +', '"\\ud83d\\ude00" & x',
  '"\\ud83d" & x', 'a\u0000b', '"a\u0000b"', '"x" & ("y"', '\u00a0', 'a\u000bb', 'a\fb',
];

const { rand, pick } = require('./seeded.cjs')(20261121);
const names = ['a', 'b', 'price', 'items', 'Order', 'x1', '`sp ace`', '"quoted"', 'and', 'in'];
const vars = ['$', '$$', '$x', '$states', '$v', '$acc'];
const funcs = ['$sum', '$count', '$string', '$map', '$filter', '$reduce', '$f', '$substring', '$keys'];
const binops = ['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in', '~>'];
const gen = (d) => {
  if (d <= 0) return pick([() => pick(names), () => pick(vars), () => String(Math.floor(rand() * 100)),
    () => (rand() * 10).toFixed(2), () => JSON.stringify(pick(['s', 'a b', 'é', '\n'])), () => pick(['true', 'false', 'null'])])();
  const k = Math.floor(rand() * 22);
  switch (k) {
    case 0: case 1: return `${gen(d - 1)}.${gen(d - 2)}`;
    case 2: return `${gen(d - 1)}[${gen(d - 1)}]`;
    case 3: return `${gen(d - 1)} ${pick(binops)} ${gen(d - 1)}`;
    case 4: return `(${gen(d - 1)})`;
    case 5: return `${pick(funcs)}(${Array.from({ length: Math.floor(rand() * 3) }, () => gen(d - 1)).join(', ')})`;
    case 6: return `[${Array.from({ length: Math.floor(rand() * 3) }, () => gen(d - 1)).join(', ')}]`;
    case 7: return `{${Array.from({ length: Math.floor(rand() * 3) }, () => `${gen(d - 2)}: ${gen(d - 1)}`).join(', ')}}`;
    case 8: return `${gen(d - 1)} ? ${gen(d - 1)} : ${gen(d - 1)}`;
    case 9: return `function($v, $i) { ${gen(d - 1)} }`;
    case 10: return `${pick(vars)} := ${gen(d - 1)}`;
    case 11: return `(${gen(d - 1)}; ${gen(d - 1)})`;
    case 12: return `${gen(d - 1)}^(${pick(['', '<', '>'])}${gen(d - 1)})`;
    case 13: return `${gen(d - 1)}{${gen(d - 2)}: ${gen(d - 1)}}`;
    case 14: return `${gen(d - 1)}@$e.${gen(d - 2)}`;
    case 15: return `${gen(d - 1)}#$i[$i ${pick(['<', '='])} ${gen(d - 2)}]`;
    case 16: return `${gen(d - 1)}.%.${gen(d - 2)}`;
    case 17: return `-${gen(d - 1)}`;
    case 18: return `${gen(d - 1)}[]`;
    case 19: return `[${gen(d - 2)}..${gen(d - 2)}]`;
    case 20: return `${pick(funcs)}(?, ${gen(d - 1)})`;
    default: return `${gen(d - 1)}.**.${gen(d - 2)}`;
  }
};
const generated = [];
for (let i = 0; i < 1400; i++) generated.push(gen(1 + Math.floor(rand() * 4)));
const mutated = [];
for (let i = 0; i < 600; i++) {
  const e = pick(generated);
  const at = Math.floor(rand() * (e.length + 1));
  const m = Math.floor(rand() * 3);
  mutated.push(m === 0 ? e.slice(0, at) : m === 1 ? e.slice(0, at) + pick(['(', ')', '[', ']', '{', '}', ',', '.', ':', '"', '/', '$', '@', '#', '%', '?', '|']) + e.slice(at)
    : e.slice(0, at) + e.slice(at + 1));
}

const all = [...new Set([...hand, ...generated, ...mutated])];
const slot = (s) => ({ label: s.label, level: s.level, index: s.index });
const norm = (n) => {
  if (n === null || typeof n !== 'object') return n;
  const o = { type: n.type };
  if (n.value instanceof RegExp) o.value = { pattern: n.value.source, flags: n.value.flags };
  else if ('value' in n && n.type !== 'block' && n.type !== 'condition') o.value = n.value;
  if ('position' in n && n.type !== 'path') o.position = n.position;
  if (n.type === 'unary' && n.value === '{') o.lhs = n.lhs.map(([k, v]) => [norm(k), norm(v)]);
  else if (n.lhs) o.lhs = norm(n.lhs);
  if (n.rhs && n.type !== 'sort') o.rhs = norm(n.rhs);
  if (n.expression) o.expression = norm(n.expression);
  if (n.expr) o.expr = norm(n.expr);
  if (Array.isArray(n.expressions)) o.expressions = n.expressions.map(norm);
  if (Array.isArray(n.steps)) o.steps = n.steps.map(norm);
  if (Array.isArray(n.arguments)) o.arguments = n.arguments.map(norm);
  for (const k of ['procedure', 'body', 'condition', 'then', 'else', 'pattern', 'update', 'delete'])
    if (n[k] !== undefined) o[k] = norm(n[k]);
  if (n.signature) o.signature = { definition: n.signature.definition };
  if (n.predicate) o.predicate = n.predicate.map(norm);
  if (n.stages) o.stages = n.stages.map(norm);
  if (n.terms) o.terms = n.terms.map((t) => ({ descending: t.descending, expression: norm(t.expression) }));
  if (n.group) o.group = { lhs: n.group.lhs.map(([k, v]) => [norm(k), norm(v)]), position: n.group.position };
  for (const k of ['keepArray', 'keepSingletonArray', 'consarray', 'tuple', 'thunk'])
    if (n[k] === true) o[k] = true;
  for (const k of ['focus', 'nextFunction']) if (typeof n[k] === 'string') o[k] = n[k];
  if (typeof n.index === 'string' && n.type !== 'index') o.index = n.index;
  if (n.slot) o.slot = slot(n.slot);
  if (n.ancestor) o.ancestor = slot(n.ancestor);
  if (n.seekingParent) o.seekingParent = n.seekingParent.map(slot);
  return o;
};
const out = [];
for (const e of all) {
  let r;
  try {
    r = { ast: norm(jsonata(e).ast()) };
  } catch (err) {
    if (!err.code) throw err;
    r = { error: { code: err.code, position: err.position, token: err.token === undefined ? null : err.token,
      value: err.value === undefined ? null : err.value, message: err.message } };
  }
  out.push(JSON.stringify(r));
}
fs.writeFileSync(path.join(here, 'parse.exprs'), all.map((e) => JSON.stringify(e)).join('\n') + '\n');
fs.writeFileSync(path.join(here, 'parse.expected'), out.join('\n') + '\n');
console.log(`gen-parse: ${all.length} expressions, ${out.filter((l) => l.startsWith('{"error"')).length} of them errors`);
