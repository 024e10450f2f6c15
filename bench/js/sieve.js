// sieve: the plain JavaScript twin of bench/subset/sieve.ts, run by Node and compiled by
// porffor. Output format and clock: see bench/subset/lib.ts.
'use strict';
// Node passes the arguments on the command line; porffor's native programs see no argv,
// so bench/run.ts gives porffor a copy of this file with the ARGS line replaced.
const ARGS = typeof process === 'object' && process.argv ? process.argv.slice(2).map(Number) : [];

function arg(i, dflt) {
  return ARGS.length > i && ARGS[i] > 0 ? ARGS[i] : dflt;
}

function main() {
  const millions = arg(0, 8);
  const reps = arg(1, 4);
  if (millions > 32) throw new Error('sieve: limit must be 1..32 million');
  const limit = millions * 1000000;
  const flags = new Uint8Array(limit + 1);

  const t0 = performance.now();
  let count = 0;
  let sum = 0;
  for (let r = 0; r < reps; r++) {
    flags[0] = 0;
    flags[1] = 0;
    for (let i = 2; i <= limit; i++) flags[i] = 1;
    for (let i = 2; i * i <= limit; i++) {
      if (flags[i] !== 0) {
        for (let j = i * i; j <= limit; j += i) flags[j] = 0;
      }
    }
    count = 0;
    sum = 0;
    for (let i = 0; i <= limit; i++) {
      if (flags[i] !== 0) {
        count++;
        sum += i;
      }
    }
  }
  const t1 = performance.now();

  // The exact sum stays below 2^53 (about 3e13 at the 32 million limit); print it mod 2^32
  // like the u32 sum of the other versions.
  console.log('checksum ' + count + ' ' + (sum % 4294967296));
  console.log('ns ' + Math.round((t1 - t0) * 1e6));
}

main();
