#!/usr/bin/env node
'use strict';
// tests/jsonata/gen-eval.cjs - the evaluator's corpus and what the
// reference implementation makes of it: writes eval.cases (one JSON object
// per line: expr, data, bindings) and eval.expected (the result, or the
// error's code, per line), which unit/jsonata-eval holds aslc to.
//
//   npm install jsonata@2.0.6     (the version AWS runs)
//   JSONATA=node_modules/jsonata node tests/jsonata/gen-eval.cjs
//
// Every expression below runs on every data set, with the same variables
// bound as a workflow's would be.
const fs = require('fs');
const path = require('path');
const jsonata = require(process.env.JSONATA || 'jsonata');

const datasets = [
  undefined,
  {a: 1, b: [1, 2, 3], c: {d: 'x', e: [{f: 1}, {f: 2}]}, s: 'Hello World', n: null, t: true, z: 0, e: []},
  [{name: 'a', v: 3, g: 'p'}, {name: 'b', v: 1, g: 'q'}, {name: 'a', v: 2, g: 'p'}, {name: 'c', v: 5}],
  {m: [[1, 2], [3, [4, 5]]], o: {k1: {x: 1}, k2: {x: [2, 3]}, '10': {x: 4}, '2': {x: 5}}, w: {'a b': 1, 'c.d': 2}},
  42,
  'text',
  {items: [{id: 1, tags: ['x', 'y'], price: 9.99, qty: 2}, {id: 2, tags: [], price: 0.5, qty: 10},
           {id: 3, price: 100, qty: 1, tags: 'z'}], owner: {name: 'Ann', age: 31}},
  {Account: {Name: 'Firefly', Order: [
    {OrderID: 'order103', Product: [
      {Name: 'Bowler Hat', ID: 858383, SKU: '0406654608', Price: 34.45, Quantity: 2},
      {Name: 'Trilby hat', ID: 858236, SKU: '0406634348', Price: 21.67, Quantity: 1}]},
    {OrderID: 'order104', Product: [
      {Name: 'Bowler Hat', ID: 858383, SKU: '040657863', Price: 34.45, Quantity: 4},
      {Name: 'Cloak', ID: 345664, SKU: '0406654603', Price: 107.99, Quantity: 1}]}]}},
];

const bindings = {x: 5, arr: [1, 2, 3], obj: {a: 1, b: [true, false]}, str: 'abc', nul: null};

const exprs = [
  // literals and arithmetic
  '1', '"s"', "'single'", 'true', 'false', 'null', '-5', '1.5e3', '0.1 + 0.2', '10 / 4', '10 % 3', '-7 % 3',
  '2 * 3 + 4', '2 * (3 + 4)', '1 / 0', '"a" + 1', '1 - "b"', '-"x"', '-a', 'a + 1', 'a * z', 'n + 1',
  '$x * 2', '$x / 3', '$x - $x', '$arr[0] + $arr[2]', '$nosuch + 1',
  // comparison and boolean
  '1 = 1', '1 = 1.0', '"a" = "a"', '1 != 2', '"a" < "b"', '"B" < "a"', '2 <= 2', '3 > "a"', 'a > 0', 'n = null',
  '[1,2] = [1,2]', '{"a":1} = {"a":1}', 'a = b', 'true and false', 'true or false', 'a and t', 'n or z',
  'e and true', '"" or 0', '$x > 3 and $x < 10', 'not', '1 in [1,2]', '"a" in "a"', '3 in $arr', 'b in b',
  'a < n', 'nosuch = 1', 'nosuch != 1', 's = "Hello World"', '$obj = {"a":1,"b":[true,false]}',
  // strings
  '"a" & "b"', '1 & 2', 'a & s', 'n & "x"', 'b & ""', 'c & "!"', '$str & $x', 'true & null', '0.1 + 0.2 & ""',
  // paths
  'a', 'b', 'c', 'c.d', 'c.e', 'c.e.f', 'c.e[0].f', 'c.e.f[0]', 'c.e[-1]', 'c.e[1].f', 'b[0]', 'b[-1]', 'b[5]',
  'b[1.7]', 'b[[0,2]]', 'b[$ > 1]', 'b[$ > 5]', 'b[true]', 'b[false]', 'b[]', 'a[]', 'c.e[f=2]', 'c.e[f>0].f',
  'nosuch', 'nosuch.deeper', 'c.nosuch', '*', 'c.*', '**', 'c.**', '**.f', 'o.*', 'o.*.x', 'o.k2.x[1]',
  'w.`a b`', 'w.`c.d`', 'm[0]', 'm[1][1]', 'm[[1]]', 'name', 'v', '$[0]', '$[-1].name', '$[v > 2].name',
  '$[v > 2]', 'name[0]', '$.name', '$$', '$', 'g', '$[g="p"].v', '$.v', 'items.id', 'items.tags', 'items.tags[0]',
  'items[tags="x"].id', 'items[qty > 1].price', 'items.(price * qty)', 'items[0]', 'items[-1].id', 'owner.name',
  'Account.Order.Product.Name', 'Account.Order.Product[0].Name', 'Account.Order[0].Product.Price',
  'Account.Order.Product[Price > 30].Name', 'Account.Order.OrderID[1]', 'Account.Order[1].OrderID',
  'Account.Order.Product.(Price * Quantity)', '$sum(Account.Order.Product.(Price * Quantity))',
  'Account.Order.Product.SKU[0]', 'Account.Order[0].Product[1].Name', 'Account.Order.Product[Quantity=1]',
  '$arr[1]', '$arr[$ >= 2]', '$obj.b[0]', '$obj.a', '$obj.nosuch', '$arr.foo', '$nul', '$str[0]',
  // constructors
  '[]', '[1, 2, [3, 4]]', '[a, b]', '[b]', '[nosuch]', '[1..3]', '[3..1]', '[1..$x]', '[0..2, 5]', '["a".."c"]',
  '{}', '{"k": a}', '{"k": nosuch}', '{"k": b, "l": [c.d]}', '{s: a}', '{"a": 1, "a": 2}',
  '$.{"n": name}', '${name: v}', '${g: name}', '${name: $sum(v)}', 'items{$string(id): price}', '{"x": $x}',
  '[1,2,3].$', '[1,2,3].($ * 2)', '[[1,2],[3]].$', '[{"a":1},{"a":2}].a', '(1; 2; 3)', '()',
  // conditionals, variables, blocks
  'a ? "y" : "n"', 'z ? "y" : "n"', 'nosuch ? 1', 'nosuch ? 1 : 2', 'b[0] = 1 ? "one" : "other"',
  '($y := 3; $y * $y)', '($y := a; $z := $y + 1; [$y, $z])', '($x := 1; $x)', '$x', '($a := [1,2]; $a[1])',
  // functions: aggregation and strings
  '$sum(b)', '$sum([])', '$count(b)', '$count(nosuch)', '$max(b)', '$min($arr)', '$average(b)', '$sum(s)',
  '$string(a)', '$string(c)', '$string(b, true)', '$length(s)', '$length(a)', '$substring(s, 6)',
  '$substring(s, -5, 3)', '$uppercase(s)', '$lowercase($str)', '$trim("  a  b ")', '$pad("x", 5, "-")',
  '$pad("x", -5)', '$contains(s, "World")', '$split(s, " ")', '$split("a,b,c", ",", 2)', '$join(["a","b"], "-")',
  '$join(name)', '$replace(s, "o", "0")', '$substringBefore(s, " ")', '$substringAfter(s, " ")',
  '$base64encode("hi")', '$base64decode("aGk=")', '$encodeUrlComponent("a b&c")', '$string(1e21)', '$string(0.1+0.2)',
  // numbers
  '$number("12")', '$number("0x1F")', '$number(true)', '$number("x")', '$floor(2.7)', '$ceil(-2.2)',
  '$round(2.5)', '$round(3.5)', '$round(1.2345, 2)', '$abs(-3)', '$sqrt(16)', '$power(2, 10)', '$power(-8, 1/3)',
  '$formatBase(255, 16)', '$string($x)',
  // booleans and types
  '$boolean(a)', '$boolean(e)', '$boolean(s)', '$not(t)', '$exists(a)', '$exists(nosuch)', '$type(a)',
  '$type(c)', '$type(b)', '$type(nosuch)', '$type(n)', '$type($uppercase)',
  // objects and arrays
  '$keys(c)', '$keys($)', '$lookup(c, "d")', '$merge([{"a":1},{"b":2}])', '$append(b, 4)', '$append(a, b)',
  '$reverse(b)', '$distinct([1,2,1,"a","a"])', '$zip([1,2],[3,4])', '$sort(b)', '$sort(["b","a","C"])',
  '$spread(c)', '$each(c, function($v, $k){$k})', '$sift(c, function($v){$type($v) = "string"})',
  '$keys(o)', '$each(o, function($v, $k){$k & "=" & $string($v.x)})',
  // higher-order functions and lambdas
  '$map(b, function($v){$v * 10})', '$map(b, function($v, $i){$i})', '$map(b, function($v, $i, $a){$count($a)})',
  '$map(b, $string)', '$filter(b, function($v){$v > 1})', '$filter($, function($v){$v.v > 1}).name',
  '$reduce(b, function($acc, $v){$acc + $v})', '$reduce(b, function($acc, $v){$acc + $v}, 100)',
  '$reduce([], function($a, $b){$a + $b})', '$single(b, function($v){$v = 2})', '$single(b)',
  '$sort($, function($l, $r){$l.v > $r.v}).name', '$sort(b, function($l, $r){$l < $r})',
  'function($x){$x + 1}(2)', '(function($x){$x * $x})(5)', '($sq := function($n){$n * $n}; $sq(4))',
  '($fact := function($n){$n <= 1 ? 1 : $n * $fact($n - 1)}; $fact(10))',
  '($fib := function($n){$n < 2 ? $n : $fib($n - 1) + $fib($n - 2)}; $fib(15))',
  '($loop := function($n, $acc){$n = 0 ? $acc : $loop($n - 1, $acc + $n)}; $loop(500, 0))',
  '($add := function($a, $b){$a + $b}; $add(1))', '($add := function($a, $b){$a + $b}; $inc := $add(1, ?); $inc(5))',
  '$substring(?, 0, 2)("hello")', '($first := $substring(?, 0, 1); $map(["ab","cd"], $first))',
  '"hello" ~> $uppercase', '"hello" ~> $uppercase()', '"a,b" ~> $split(",")', 'b ~> $sum()',
  '($f := $uppercase ~> $trim; $f("  x "))', '($twice := function($f){function($v){$f($f($v))}}; $twice(function($n){$n*3})(2))',
  'function($a, $b){$a + $b}(1, 2, 3)', '$nosuchfn(1)', 'a(1)', '$x(1)', 'uppercase("a")', '$uppercase(1)',
  '$sum("a")', '$count()', '$string()', '$map(b)', 'function($x)<n:n>{$x + 1}("a")', 'function($x)<n:n>{$x + 1}(2)',
  '$length()', 's.$length()', 's.$uppercase()', 'b.$string()', '$map([1,2], function($v){[$v, $v]})',
  '[1,2,3]^($)', '[3,1,2]^(>$)', '$^(v).name', '$^(>v, name).name', '$^(g).name', 'items^(>price).id',
  '[{"a":2},{"a":"x"}]^(a)', 'Account.Order.Product^(Price).Name', 'b^($)[0]',
  // regular expressions
  "$match(s, /o/)", "$match(s, /(\\w)o(\\w)?/)", "$match(s, /l+/, 1)", "$match(s, /x/)", "$match('ababbabbcc', /a(b+)/)",
  "$contains(s, /^hello/i)", "$contains(s, /^hello/)", "$contains('hello$world', /^hello\\$/)", "$contains(s, /W.r/)",
  "$split(s, /\\s+/)", "$split('a1b22c333', /[0-9]+/)", "$split('a1b22c', /\\d/, 2)", "$split('abc', /x*/)",
  "$replace(s, /o/, '0')", "$replace(s, /(\\w+) (\\w+)/, '$2 $1')", "$replace(s, /l/, '[$0]', 2)",
  "$replace(s, /(o)/, '$$$1')", "$replace(s, /[aeiou]/, function($m){$uppercase($m.match)})",
  "$replace('2024-01-05', /(\\d+)-(\\d+)-(\\d+)/, '$3/$2/$1')", "$replace(s, /x?/, '-')",
  "/a.c/i('xABCx')", "/^\\d{3}$/('123')", "$match('a.b|c', /\\.|\\|/)", "$match('The Cat', /\\bc/i)",
  "$match('aaa', /a*?/)", "$match('x1y22', /(?<d>\\d+)/)", "$match('abcabc', /(a)(?:b)(c)\\1?/)",
  "$match('foo bar', /o(?=\\s)/)", "$match('foo bar', /o(?!o)/)", "$replace('a.b.c', /\\./, '')",
  "$type(/x/)", "items[$contains($string(id), /[12]/)].price", "$filter(b, function($v){$contains($string($v), /[13]/)})",
  "$split('a, b;c', /[,;]\\s*/)", "$match('line1\\nline2', /^line\\d$/m)", "$match('tab\\there', /\\t/)",
  "$replace('aaa', /a{2}/, 'b')", "$match('x', /[^a-c]/)", "$match('ab', /(a)|(b)/)",
  "$match('bab', /(?:(?:ab)|(?:([a-c])|[ab]\s)){2}/)", "$match('aab ab x', /(?:(?=(\W))|\W??)(?:.|b)$/i)",
  "$match('aaaa', /(a)+/)", "$match('abab', /(?:(a)|b)+/)",
  // tuple streams: focus @, index #, parent %; the transform |...|
  "Account.Order@$o.Product@$p.{'order': $o.OrderID, 'product': $p.Name}",
  "Account.Order.Product#$i.{'i': $i, 'name': Name}", "Account.Order.Product.%.OrderID",
  "Account.Order.Product.{'name': Name, 'order': %.OrderID}", "Account.Order.Product.%.%.Name",
  "Account.Order@$o.Product[Price > 30]{$o.OrderID: $sum(Price)}", "Account.Order#$oi.Product#$pi.[$oi, $pi]",
  "Account.Order.Product^(Price)#$i.{'rank': $i, 'sku': SKU}", "Account.Order.Product[%.OrderID = 'order104'].Name",
  "$ ~> |Account.Order.Product|{'Price': Price * 2}|", "$ ~> |Account.Order.Product|{}, ['SKU', 'ID']|",
  "($ ~> |Account.Order.Product|{'Total': Price * Quantity}, 'Price'|).Account.Order.Product.Total",
  "items#$i[$i > 0].id", "items@$it.tags@$t.{'id': $it.id, 'tag': $t}", "b#$i.($ * $i)", "b#$i[$i > 0]",
  "$^(v)#$i.{'rank': $i, 'name': name}", "$#$i[$i < 2].name", "$@$x.v", "c.e@$e.{'f': $e.f}",
  "c.e#$i{$string($i): f}", "items@$it{$string($it.id): $it.qty}", "o.*@$k.x", "c ~> |e|{'g': f + 1}|",
  "$ ~> |**[f]|{'f': f * 10}|", "$ ~> |c|{}, 'd'|", "items ~> |$|{'total': price * qty}|", "c ~> |e|{}, 5|",
  "c ~> |e|5|", "$ ~> |nosuch|{'x': 1}|", "(|a|{}|)(c)", "$type(|a|{}|)",
  // $formatNumber
  "$formatNumber(12345.6, '#,###.00')", "$formatNumber(1234.5678, '00.000e0')", "$formatNumber(34.555, '#0.00;(#0.00)')",
  "$formatNumber(-34.555, '#0.00;(#0.00)')", "$formatNumber(0.14, '01%')", "$formatNumber(0.4857, '###.###\u2030')",
  "$formatNumber(1234.5678, '\u2460\u2460.\u2460\u2460\u2460e\u2460', {'zero-digit': '\u245f'})", "$formatNumber(-6, '000')",
  "$formatNumber(1234567.891, '#,##0.00')", "$formatNumber(1234567.891, '#,##,##0.0')", "$formatNumber(0, '#')",
  "$formatNumber(0.5, '#.#')", "$formatNumber(1e21, '#,###')", "$formatNumber(123, '0000')", "$formatNumber(1.5, '#')",
  "$formatNumber(2.5, '#')", "$formatNumber(-0.001, '0.00')", "$formatNumber(1234.5, '#.###,00', {'decimal-separator': ',', 'grouping-separator': '.'})",
  "$formatNumber(0.000123, '0.00e00')", "$formatNumber(98765, '#.##e0')", "$formatNumber(42, 'USD #0.00 net')",
  "$formatNumber(-42, '#0.00', {'minus-sign': '~'})", "$formatNumber(a, '#0')", "$formatNumber(nosuch, '#0')",
  "$formatNumber(1, '#,##0.00;(#,##0.00);zero')", "$formatNumber(1, '#.##.#')", "$formatNumber(1, '##%%')",
  "$formatNumber(1, '#%\u2030')", "$formatNumber(1, 'abc')", "$formatNumber(1, '#a#')", "$formatNumber(1, '#,.#')",
  "$formatNumber(1, '#,')", "$formatNumber(1, '#,,#')", "$formatNumber(1, '0#')", "$formatNumber(1, '.#0')",
  "$formatNumber(1, '#e0%')", "$formatNumber(1, '#ea')", "$formatNumber(1234.5, '#,##0.0#,#')",
  "$formatNumber(b, '0.0')", "$formatNumber(12.3456, '#.00%')", "$formatNumber(-1234.5, '#,##0.00')",
  // $formatInteger, and dates with pictures
  "$formatInteger(2789, 'w')", "$formatInteger(2789, 'W')", "$formatInteger(2789, 'Ww')", "$formatInteger(12, 'w;o')",
  "$formatInteger(101, 'Ww;o')", "$formatInteger(1999, 'I')", "$formatInteger(1999, 'i')", "$formatInteger(28, 'A')",
  "$formatInteger(703, 'a')", "$formatInteger(1234567, '#,##0')", "$formatInteger(1234567, '#;##0')", "$formatInteger(42, '000')",
  "$formatInteger(3, '0;o')", "$formatInteger(11, '#0;o')", "$formatInteger(22, '0;o')", "$formatInteger(-7, '00')",
  "$formatInteger(12345, '\u0660\u0660')", "$formatInteger(1234567890, '#,###,##0')", "$formatInteger(123456789, '0#00-00')",
  "$formatInteger(5, 'x')", "$formatInteger(5, '0\u0661')", "$formatInteger(1000000, 'w')", "$formatInteger(1000000000000001, 'w')",
  "$formatInteger(3.7, '0')", "$formatInteger(0, 'w')", "$formatInteger(90, 'w;o')",
  "$fromMillis(1704164645678, '[Y0001]-[M01]-[D01]')", "$fromMillis(1704164645678, '[H01]:[m01]:[s01].[f001]')",
  "$fromMillis(1704164645678, '[FNn], [D1o] [MNn] [Y]')", "$fromMillis(1704164645678, '[h]:[m01] [P]')",
  "$fromMillis(1704164645678, '[h]:[m01] [PN]')", "$fromMillis(1704164645678, '[D1] [MN,*-3] [Y0001]')",
  "$fromMillis(1704164645678, '[Y,2]')", "$fromMillis(1704164645678, '[d]')", "$fromMillis(1704164645678, '[W]')",
  "$fromMillis(1704164645678, '[w]')", "$fromMillis(1704164645678, '[X]-W[W01]-[F1]')", "$fromMillis(1609372800000, '[X]-W[W01]')",
  "$fromMillis(1609718400000, '[X]-W[W01] [x]')", "$fromMillis(1704164645678, '[Z]')", "$fromMillis(1704164645678, '[z]')",
  "$fromMillis(1704164645678, '[H01]:[m01] [Z]', '+0530')", "$fromMillis(1704164645678, '[H01]:[m01] [Z0000]', '-0800')",
  "$fromMillis(1704164645678, '[H01]:[m01] [Z01]', '-0130')", "$fromMillis(1704164645678, '[Y]-[M]-[D] [[literal]]')",
  "$fromMillis(1704164645678, '[MNn]', '+1400')", "$fromMillis(1704164645678, '[C] [E]')", "$fromMillis(1704164645678, '[YI]')",
  "$fromMillis(1704164645678, '[Mw]')", "$fromMillis(1704164645678, '[Dwo]')", "$fromMillis(1704164645678, '[Y0001')",
  "$fromMillis(1704164645678, '[Q]')", "$fromMillis(1704164645678, '[YN]')", "$fromMillis(1704164645678, '[Z00000]')",
  "$fromMillis(1704164645678, (), '+0200')", "$fromMillis(-62135596800000)", "$fromMillis(1704164645678, '[f01]')",
  "$fromMillis(1704164645678, '[H#0]h [m]m')", "$fromMillis(1704164645678, '[F,3-3]')", "$fromMillis(1704164645678, '[FNn,*-2]')",
  "$now('[Y]') = $now('[Y]')", "$type($now('[H01]'))",
  // $parseInteger, and $toMillis with a picture
  "$parseInteger('twelve thousand, four hundred and seventy-six', 'w')", "$parseInteger('12,345', '#,##0')",
  "$parseInteger('MCMLXXXIV', 'I')", "$parseInteger('mcmlxxxiv', 'i')", "$parseInteger('AB', 'A')", "$parseInteger('ab', 'a')",
  "$parseInteger('123rd', '#0;o')", "$parseInteger('007', '000')", "$parseInteger('\u0661\u0662', '\u0660\u0660')",
  "$parseInteger('one hundred', 'W')", "$parseInteger('twenty-first', 'w;o')", "$parseInteger('1 234', '# ##0')",
  "$parseInteger('x', '0')", "$parseInteger('12', 'x')", "$parseInteger(s, '#0')",
  "$toMillis('2024-01-02', '[Y0001]-[M01]-[D01]')", "$toMillis('02/01/2024 03:04', '[D01]/[M01]/[Y0001] [H01]:[m01]')",
  "$toMillis('2 January 2024', '[D1] [MNn] [Y0001]')", "$toMillis('2024-032', '[Y0001]-[d001]')",
  "$toMillis('3:04 pm, 2 Jan 2024', '[h]:[m01] [P], [D1] [MNn,3-3] [Y0001]')", "$toMillis('12:30 am', '[h]:[m01] [P]') > 0",
  "$toMillis('2024-01-02T03:04:05+0130', '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01][Z0000]')",
  "$toMillis('2024-01-02T03:04:05 GMT-05:00', '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01] [z]')",
  "$toMillis('2024', '[Y0001]')", "$toMillis('2024-01', '[Y0001]-[M01]')",
  "$toMillis('nonsense', '[Y0001]')", "$toMillis('2024-13-45', '[Y0001]-[M01]-[D01]')", "$toMillis('1984', '[YI]')",
  "$toMillis('2024-01-02', '[Y0001]-[M01]-[D01')", "$toMillis('2024-01-02 junk', '[Y0001]-[M01]-[D01] junk')",
  "$toMillis('12:00', '[H01]:[m01]') > 0", "$toMillis('2024-W05-3', '[X0001]-W[W01]-[F1]')", "$toMillis('2024-01-02', '[Y]-[M]-[D]')",
  "$toMillis('MMXXIV', '[YI]')", "$toMillis('2024 twelve', '[Y0001] [Dw]')", "$toMillis('2024-1-2', '[Y0001]-[M]-[D]')",
  // time and randomness, where the result does not depend on when or chance
  "$toMillis('2024-01-02T03:04:05.678Z')", "$toMillis('2024-01-02')", "$toMillis('2024-01-02T03:04:05+01:00')",
  "$toMillis('2024-01')", "$toMillis('x')", "$toMillis(s)", "$fromMillis(1704164645678)", "$fromMillis(-1)",
  "$fromMillis(1704164645678, (), '+0530')", "$fromMillis(1704164645678, (), '-0100')", "$fromMillis(a)",
  "$type($millis())", "$length($now())", "$now() = $now()", "$millis() = $millis()", "$random() < 1",
  "$count($shuffle(b))", "$sort($shuffle(b))", "$clone(c)", "$clone(b)",
  // errors
  '"a" < 1', '[1] < 2', '{"a":1}.a < 2', '$x & $uppercase', '{1: 2}', '{"a": 1}{"b": 2}', 'b{"k": $}',
  '$[0]{name: v}', '[1..1e8]', '[1.5..3]', '$error("boom")', '$assert(false, "no")', '$eval("1")',
];

// Does r hold a function anywhere? A workflow cannot output one: aslc
// reports such a result as a function, whatever its depth.
function holdsFunction(r, depth = 0) {
  if (typeof r === 'function' || (r && (r._jsonata_lambda || r._jsonata_function)))
    return true;
  if (r && typeof r === 'object' && depth < 100)
    return Object.values(r).some(v => holdsFunction(v, depth + 1));
  return false;
}

async function main() {
  const dir = __dirname;
  const cases = [], expected = [];
  for (const e of exprs) {
    for (const d of datasets) {
      const c = {expr: e};
      if (d !== undefined) c.data = d;
      c.bindings = bindings;
      let out;
      try {
        const r = await jsonata(e).evaluate(d, bindings);
        if (holdsFunction(r))
          out = {function: true};
        else
          out = r === undefined ? {undefined: true} : {value: JSON.parse(JSON.stringify(r))};
      } catch (err) {
        out = {error: {code: err.code || 'JS'}};
      }
      cases.push(JSON.stringify(c));
      expected.push(JSON.stringify(out));
    }
  }
  fs.writeFileSync(path.join(dir, 'eval.cases'), cases.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'eval.expected'), expected.join('\n') + '\n');
  console.log(`${cases.length} cases`);
  // The stress corpus: stress.py's cases, the reference's results.
  const stress = require('child_process').execFileSync('python3', [path.join(dir, 'stress.py')],
                                                       {maxBuffer: 1 << 28}).toString();
  const out = [];
  for (const line of stress.trim().split('\n')) {
    const c = JSON.parse(line);
    let o;
    try {
      const r = await jsonata(c.expr).evaluate(c.data, c.bindings);
      if (holdsFunction(r))
        o = {function: true};
      else
        o = r === undefined ? {undefined: true} : {value: JSON.parse(JSON.stringify(r))};
    } catch (err) {
      o = {error: {code: err.code || 'JS'}};
    }
    out.push(JSON.stringify(o));
  }
  fs.writeFileSync(path.join(dir, 'stress.expected'), out.join('\n') + '\n');
  console.log(`${out.length} stress cases`);
}
main();
