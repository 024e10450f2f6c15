// crc32: the plain JavaScript twin of bench/subset/crc32.ts, run by Node and compiled by
// porffor.
// Output format and clock: see bench/subset/lib.ts (performance.now() here).
'use strict';
// Node passes the arguments on the command line; porffor's native programs see no argv,
// so bench/run.ts gives porffor a copy of this file with the ARGS line replaced.
const ARGS = typeof process === 'object' && process.argv ? process.argv.slice(2).map(Number) : [];

function arg(i, dflt) {
  return ARGS.length > i && ARGS[i] > 0 ? ARGS[i] : dflt;
}

function makeTable() {
  // Int32Array and int32 arithmetic, as fast JS CRC-32 code is usually written: every
  // intermediate stays a 32-bit signed integer.
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      if ((c & 1) !== 0) c = -306674912 ^ (c >>> 1); // 0xEDB88320 as an int32
      else c = c >>> 1;
    }
    table[n] = c;
  }
  return table;
}

function fill(data, len) {
  let s = 0x12345678;
  for (let i = 0; i < len; i += 4) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = s & 0xff;
    data[i + 1] = (s >>> 8) & 0xff;
    data[i + 2] = (s >>> 16) & 0xff;
    data[i + 3] = s >>> 24;
  }
}

function crc32(table, data, crc, len) {
  let c = ~crc;
  for (let i = 0; i < len; i++) {
    c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  }
  return ~c;
}

/** An int32 as the unsigned number it stands for. */
function toUnsigned(x) {
  return x < 0 ? x + 4294967296 : x;
}

function main() {
  const mib = arg(0, 4);
  const reps = arg(1, 16);
  if (mib > 16) throw new Error('crc32: mib must be 1..16');
  const len = mib * 1024 * 1024;
  const table = makeTable();
  const data = new Uint8Array(len);
  fill(data, len);

  const t0 = performance.now();
  let crc = 0;
  for (let r = 0; r < reps; r++) {
    crc = crc32(table, data, crc, len);
  }
  const t1 = performance.now();

  console.log('checksum ' + toUnsigned(crc));
  console.log('ns ' + Math.round((t1 - t0) * 1e6));
}

main();
