// tests/jsonata/seeded.cjs - a seeded random generator (mulberry32), so
// that the generated corpora are the same on every run.
'use strict';

module.exports = function seeded(seed) {
  const rand = () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { rand, pick: (a) => a[Math.floor(rand() * a.length)] };
};
