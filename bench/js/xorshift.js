// xorshift: the plain JavaScript twin of bench/subset/xorshift.ts, run by Node and
// compiled by porffor. JS numbers have no 64-bit integers (BigInt is far slower and
// porffor's is broken), so the 64-bit state and sum are kept as two u32 halves, the
// usual way to write 64-bit arithmetic in fast JS. Output format: bench/subset/lib.ts.
'use strict';
// Node passes the arguments on the command line; porffor's native programs see no argv,
// so bench/run.ts gives porffor a copy of this file with the ARGS line replaced.
const ARGS = typeof process === 'object' && process.argv ? process.argv.slice(2).map(Number) : [];

function arg(i, dflt) {
  return ARGS.length > i && ARGS[i] > 0 ? ARGS[i] : dflt;
}

function main() {
  const millions = arg(0, 100);
  const n = millions * 1000000;

  const t0 = performance.now();
  let hi = 0x9e3779b9, lo = 0x7f4a7c15;
  let sumHi = 0, sumLo = 0;
  for (let i = 0; i < n; i++) {
    // x ^= x << 13
    hi = (hi ^ ((hi << 13) | (lo >>> 19))) >>> 0;
    lo = (lo ^ (lo << 13)) >>> 0;
    // x ^= x >>> 7
    lo = (lo ^ ((lo >>> 7) | (hi << 25))) >>> 0;
    hi = (hi ^ (hi >>> 7)) >>> 0;
    // x ^= x << 17
    hi = (hi ^ ((hi << 17) | (lo >>> 15))) >>> 0;
    lo = (lo ^ (lo << 17)) >>> 0;
    // sum += x, carrying out of the low half
    const s = sumLo + lo;
    sumLo = s >>> 0;
    sumHi = (sumHi + hi + (s > 0xffffffff ? 1 : 0)) >>> 0;
  }
  const t1 = performance.now();

  console.log('checksum ' + sumHi + ' ' + sumLo + ' ' + hi + ' ' + lo);
  console.log('ns ' + Math.round((t1 - t0) * 1e6));
}

main();
