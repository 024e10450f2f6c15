// memops: the plain JavaScript twin of bench/subset/memops.ts: TypedArray fill (memset)
// and set (memcpy) of 1 MiB, run by Node and compiled by porffor. Output format:
// bench/subset/lib.ts.
'use strict';
// Node passes the arguments on the command line; porffor's native programs see no argv,
// so bench/run.ts gives porffor a copy of this file with the ARGS line replaced.
const ARGS = typeof process === 'object' && process.argv ? process.argv.slice(2).map(Number) : [];

function arg(i, dflt) {
  return ARGS.length > i && ARGS[i] > 0 ? ARGS[i] : dflt;
}

const SIZE = 1024 * 1024;
const MASK = SIZE - 1;

function main() {
  const reps = arg(0, 2000);
  const src = new Uint8Array(SIZE);
  const dst = new Uint8Array(SIZE);

  const t0 = performance.now();
  let acc = 0;
  for (let r = 0; r < reps; r++) {
    src.fill(r & 0xff);
    src[(r * 4099) & MASK] = (r ^ 0x5a) & 0xff;
    dst.set(src);
    acc = (acc + dst[(r * 7919) & MASK] + dst[(r * 4099) & MASK]) >>> 0;
  }
  const t1 = performance.now();

  for (let i = 0; i < SIZE; i += 4096) acc = (acc + dst[i]) >>> 0;

  console.log('checksum ' + acc);
  console.log('ns ' + Math.round((t1 - t0) * 1e6));
}

main();
