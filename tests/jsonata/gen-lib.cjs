#!/usr/bin/env node
'use strict';
// tests/jsonata/gen-lib.cjs - calls of the standard library's functions and
// what the reference implementation returns for each: writes lib.calls (one
// {"fn", "args"} per line; an argument {"v": value}, or {} for undefined)
// and lib.expected ({"value"}, {"undefined": true} or {"error": {code,
// message}}), which tests/unit/test_jnlib.c is held to.
//
//   npm install jsonata@2.0.6
//   JSONATA=node_modules/jsonata node tests/jsonata/gen-lib.cjs
//
// Each call is evaluated as `$f($a0, $a1, ...)` with the arguments bound as
// variables and no input document, as in a state machine. The calls are
// the hand-written ones below and, for each function, arguments drawn from
// a seeded pool of values of every type.
const fs = require('fs');
const path = require('path');
const jsonata = require(process.env.JSONATA || 'jsonata');
const version = require(path.join(path.dirname(require.resolve(process.env.JSONATA || 'jsonata')), 'package.json')).version;
if (version !== '2.0.6') {
  console.error(`gen-lib: jsonata ${version}, not 2.0.6 (the version AWS runs)`);
  process.exit(2);
}

const U = Symbol('undefined');
const fns = {
  sum: 1, count: 1, max: 1, min: 1, average: 1, string: 1, substring: 3, substringBefore: 2,
  substringAfter: 2, lowercase: 1, uppercase: 1, length: 1, trim: 1, pad: 3, join: 2, number: 1,
  floor: 1, ceil: 1, round: 2, abs: 1, sqrt: 1, power: 2, boolean: 1, not: 1, keys: 1, lookup: 2,
  append: 2, exists: 1, merge: 1, reverse: 1, type: 1, distinct: 1,
  contains: 2, split: 3, replace: 4, base64encode: 1, base64decode: 1, encodeUrlComponent: 1,
  encodeUrl: 1, decodeUrlComponent: 1, decodeUrl: 1, formatBase: 2, zip: 3, sort: 1, spread: 1,
};
const hand = [
  ['sum', [[1, 2, 3.5]]], ['sum', [[]]], ['sum', [5]], ['sum', [['a']]], ['sum', [[1, 'a']]], ['sum', [U]],
  ['count', [[1, 2]]], ['count', [U]], ['count', ['x']], ['max', [[3, 1, 7.5]]], ['max', [[]]], ['min', [[-1, -5]]],
  ['average', [[1, 2]]], ['average', [[]]],
  ['string', [1 / 3]], ['string', [1e21]], ['string', [123456789012345678]], ['string', [0.1]], ['string', [1e-7]],
  ['string', [-0.000001]], ['string', [{ b: 1, 2: 2, a: 3.123456789012345678, 1: [true, null] }]], ['string', ['é"\n\u0001']],
  ['string', [[1, 'a', { x: {} }]]], ['string', [null]], ['string', [true]], ['string', [100]], ['string', [U]],
  ['string', [2e-7]], ['string', [123.456e5]], ['string', [1.7976931348623157e308]], ['string', [5e-324]],
  ['substring', ['hello world', 3]], ['substring', ['hello', -3]], ['substring', ['hello', -30]], ['substring', ['hello', 1, 2]],
  ['substring', ['hello', 1, 0]], ['substring', ['hello', 1, -2]], ['substring', ['😀abc', 1, 2]], ['substring', ['héllo', 1.7, 2.2]],
  ['substring', ['hello', -3, 2]], ['substring', ['hello', 10]], ['substring', ['hello', 2, 100]], ['substring', [U, 1]],
  ['substringBefore', ['hello world', ' ']], ['substringBefore', ['hello', 'x']], ['substringBefore', ['hello', '']],
  ['substringAfter', ['hello world', 'o']], ['substringAfter', ['hello', 'x']], ['substringAfter', ['a😀b', '😀']],
  ['uppercase', ['straße éà']], ['lowercase', ['ÉÀ ABC Σ']], ['uppercase', ['abc']], ['lowercase', [U]],
  ['length', ['😀a']], ['length', ['']], ['length', ['héllo']], ['length', [1]],
  ['trim', ['  a \n\t b  ']], ['trim', ['']], ['trim', ['   ']], ['trim', ['a']],
  ['pad', ['abc', 6]], ['pad', ['abc', -6]], ['pad', ['abc', 6, 'xy']], ['pad', ['é', -4, 'xy']], ['pad', ['abc', 2]],
  ['pad', ['abc', 6, '']], ['pad', ['ab', 5, '😀']],
  ['join', [['a', 'b', 'c']]], ['join', [['a', 'b'], ', ']], ['join', [[]]], ['join', ['a']], ['join', [[1]]],
  ['number', ['42']], ['number', ['-3.5e2']], ['number', ['0x1F']], ['number', ['0b101']], ['number', ['0o17']],
  ['number', ['abc']], ['number', [true]], ['number', [false]], ['number', ['1e400']], ['number', [' 1']], ['number', ['1.']],
  ['number', [null]], ['number', [[1]]], ['number', [{}]], ['number', ['.5']],
  ['floor', [-2.5]], ['ceil', [-2.5]], ['abs', [-3]], ['round', [2.5]], ['round', [3.5]], ['round', [-2.5]], ['round', [3.14159, 2]],
  ['round', [1234.5, -2]], ['round', [0.125, 2]], ['round', [-0.4]], ['round', [1.005, 2]], ['round', [2.675, 2]],
  ['sqrt', [16]], ['sqrt', [2]], ['sqrt', [-1]], ['power', [2, 10]], ['power', [10, 400]], ['power', [2, 0.5]], ['power', [-8, 1 / 3]],
  ['boolean', [[0, '']]], ['boolean', [[0, 'a']]], ['boolean', [{}]], ['boolean', [[]]], ['boolean', [null]], ['boolean', ['false']],
  ['not', [0]], ['not', [[1]]], ['exists', [U]], ['exists', [null]],
  ['keys', [{ b: 1, 2: 2, a: 3, 1: 4 }]], ['keys', [[{ a: 1 }, { b: 2, a: 3 }]]], ['keys', ['x']], ['keys', [{}]], ['keys', [{ a: 1 }]],
  ['lookup', [{ a: 1 }, 'a']], ['lookup', [[{ a: 1 }, { a: [2, 3] }, { b: 4 }], 'a']], ['lookup', [{ a: 1 }, 'b']], ['lookup', [5, 'a']],
  ['append', [1, []]], ['append', [[1], [2, 3]]], ['append', [U, 5]], ['append', [1, 2]], ['append', [[], []]],
  ['merge', [[{ a: 1 }, { b: 2, a: 3 }]]], ['merge', [[]]], ['merge', [{ a: 1 }]], ['merge', [[1]]],
  ['reverse', [[1, 2, 3]]], ['reverse', ['abc']], ['reverse', [[]]],
  ['type', [1]], ['type', [null]], ['type', [[]]], ['type', [{}]], ['type', ['s']], ['type', [true]], ['type', [U]],
  ['distinct', [[1, 2, 1, '1', { a: 1 }, { a: 1.0 }, [1], [1]]]], ['distinct', [5]], ['distinct', [[]]],
  ['substring', ['hello']], ['pad', ['abc']], ['power', [2]], ['round', ['x']], ['join', [['a'], 1]], ['sum', [[1], 2]],
  ['string', [1, true]], ['uppercase', [1]], ['lookup', [{ a: 1 }]],
  ['string', [{ a: [1, {}, [2, { c: 'd' }]], b: [], 3: null }, true]], ['string', [[], true]], ['string', ['x', true]],
  ['string', [{}, true]], ['string', [[[]], true]], ['string', [{ a: 1 }, false]],
  ['contains', ['hello', 'ell']], ['contains', ['hello', 'xyz']], ['contains', ['hello', '']], ['contains', [U, 'a']],
  ['split', ['a,b,,c', ',']], ['split', ['a,b,c', ',', 2]], ['split', ['abc', '']], ['split', ['héllo', '']], ['split', ['abc', ',']],
  ['split', ['a,b', ',', 0]], ['split', ['a,b', ',', -1]], ['split', ['', ',']], ['split', ['', '']], ['split', ['a,b', ',', 1.5]],
  ['replace', ['hello world', 'o', '0']], ['replace', ['aaa', 'a', 'b', 2]], ['replace', ['aaa', '', 'b']], ['replace', ['abc', 'x', 'y']],
  ['replace', ['a$b', '$', '$$']], ['replace', ['aaa', 'a', 'b', 0]], ['replace', ['aaa', 'a', 'b', -1]], ['replace', ['aaaa', 'aa', 'b']],
  ['base64encode', ['hello']], ['base64encode', ['é']], ['base64encode', ['']], ['base64encode', ['ab']], ['base64encode', ['😀']],
  ['base64decode', ['aGVsbG8=']], ['base64decode', ['6Q==']], ['base64decode', ['']], ['base64decode', ['aGVsbG8']], ['base64decode', ['a!b@c']],
  ['encodeUrlComponent', ['a b&c=d/é?']], ['encodeUrl', ['https://x.com/a b?q=é&r=1#f']], ['encodeUrlComponent', ["-_.!~*'()"]],
  ['decodeUrlComponent', ['a%20b%26c%C3%A9']], ['decodeUrl', ['a%20b%26c%2F%C3%A9']], ['decodeUrlComponent', ['%E0%A4%A']],
  ['decodeUrlComponent', ['%']], ['decodeUrlComponent', ['%C3']], ['decodeUrlComponent', ['%C0%80']], ['decodeUrlComponent', ['%ED%A0%80']],
  ['decodeUrlComponent', ['%zz']], ['decodeUrl', ['%23%3F']],
  ['formatBase', [255, 16]], ['formatBase', [255]], ['formatBase', [-255, 2]], ['formatBase', [2.5, 2]], ['formatBase', [100, 36]],
  ['formatBase', [100, 1]], ['formatBase', [100, 37]], ['formatBase', [3.5]], ['formatBase', [1e21]], ['formatBase', [0, 16]],
  ['zip', [[1, 2, 3], [4, 5], [6, 7, 8]]], ['zip', [[1], []]], ['zip', [1, 2]], ['zip', [[1, 2]]],
  ['sort', [[3, 1, 2]]], ['sort', [['b', 'a', 'C']]], ['sort', [[1, 'a']]], ['sort', [[]]], ['sort', [5]], ['sort', [['😀', '\uffff', 'z']]],
  ['sort', [[2.5, -1, 2.5, 0]]], ['spread', [{ a: 1, b: 2 }]], ['spread', [[{ a: 1 }, { b: 2, c: 3 }]]], ['spread', [[]]], ['spread', [5]],
  ['spread', [[{}]]], ['spread', [[1, { a: 2 }]]], ['spread', [{}]],
];

const { rand, pick } = require('./seeded.cjs')(7);
const pool = [
  U, null, true, false, 0, 1, -1, 2.5, -7.25, 1e21, 0.1, 1 / 3, 100, 3, -2,
  '', 'a', 'hello world', 'Héllo', '  spaced  out ', '42', '-1.5e3', '0x10', 'x,y,z', '😀b',
  [], [1, 2, 3], [3.5, -1], ['a', 'b'], ['x'], [1, 'a'], [{ a: 1 }, { b: 2 }], [[1], [2]],
  {}, { a: 1, b: 'two' }, { 10: 'ten', 2: 'two', z: 0 },
];
const generated = [];
for (const [fn, arity] of Object.entries(fns))
  for (let i = 0; i < 45; i++) {
    const n = Math.floor(rand() * (arity + 1));
    generated.push([fn, Array.from({ length: Math.max(n, 1) }, () => pick(pool))]);
  }

const calls = [...hand, ...generated];
(async () => {
  const lines = [], expected = [];
  for (const [fn, args] of calls) {
    const names = args.map((_, i) => `$a${i}`).join(', ');
    const bindings = {};
    args.forEach((a, i) => { if (a !== U) bindings[`a${i}`] = a; });
    let r;
    try {
      const v = await jsonata(`$${fn}(${names})`).evaluate(undefined, bindings);
      r = v === undefined ? { undefined: true } : { value: v };
    } catch (err) {
      if (!err.code) throw err;
      r = { error: { code: err.code, message: err.message } };
    }
    lines.push(JSON.stringify({ fn, args: args.map((a) => (a === U ? {} : { v: a })) }));
    expected.push(JSON.stringify(r));
  }
  fs.writeFileSync(path.join(__dirname, 'lib.calls'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(__dirname, 'lib.expected'), expected.join('\n') + '\n');
  console.log(`gen-lib: ${lines.length} calls of ${Object.keys(fns).length} functions`);
})();
