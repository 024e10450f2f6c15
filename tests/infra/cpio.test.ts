// The newc cpio writer (scripts/cpio.ts) behind the test initramfs (qemu/linux.ts), read
// back by GNU cpio as the independent oracle: names, types, modes, device numbers, sizes
// and contents, for sizes that need every amount of padding; plus the layout rules the
// kernel's unpacker relies on (4-byte aligned headers, the trailer).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cpioList, cpioNewc, CpioEntry } from '../../scripts/cpio';
import { initArchive, payloadArchive } from '../../qemu/linux';
import { tempDir } from './fixtures';

const ENTRIES: CpioEntry[] = [
  { name: 'dev', kind: 'dir', perm: 0o755 },
  { name: 'dev/console', kind: 'char', perm: 0o600, rdev: [5, 1] },
  { name: 'a', kind: 'file', perm: 0o644, data: Buffer.from('x') },
  { name: 'bb', kind: 'file', perm: 0o600, data: Buffer.from('yy') },
  { name: 'ccc', kind: 'file', perm: 0o755, data: Buffer.from('zzz') },
  { name: 'dddd', kind: 'file', perm: 0o644, data: Buffer.from('wwww') },
  { name: 'empty', kind: 'file', perm: 0o644, data: Buffer.alloc(0) },
  { name: 'dev/ünïcode name', kind: 'file', perm: 0o644, data: Buffer.from('utf-8 names\n') },
];

function gnuCpio(archive: string, args: string[]): string {
  const r = spawnSync('cpio', ['--quiet', ...args], { input: fs.readFileSync(archive), encoding: 'latin1' });
  if (r.status !== 0) throw new Error(`cpio ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('GNU cpio reads every entry back: types, modes, device numbers, sizes, contents', () => {
  const tmp = tempDir('cpio');
  try {
    const f = path.join(tmp.dir, 'a.cpio');
    fs.writeFileSync(f, cpioNewc(ENTRIES));
    const listing = gnuCpio(f, ['-itv', '-H', 'newc']).trim().split('\n');
    assert.is(listing.length, ENTRIES.length, listing.join('\n'));
    const want = ['drwxr-xr-x', 'crw-------', '-rw-r--r--', '-rw-------', '-rwxr-xr-x', '-rw-r--r--', '-rw-r--r--', '-rw-r--r--'];
    listing.forEach((l, i) => {
      assert.ok(l.startsWith(want[i]), `${ENTRIES[i].name}: ${l}`);
      assert.ok(Buffer.from(l, 'latin1').toString('utf8').endsWith(ENTRIES[i].name), `${ENTRIES[i].name}: ${l}`);
    });
    assert.match(listing[1], /\b5,\s+1\b/, 'dev/console is character device 5:1');
    for (const e of ENTRIES.filter((x) => x.kind === 'file')) {
      assert.is(gnuCpio(f, ['-i', '--to-stdout', '-H', 'newc', e.name]), e.data!.toString('latin1'), e.name);
    }
  } finally {
    tmp.remove();
  }
});

test('headers start 4-byte aligned, the archive ends with the trailer, the reader agrees', () => {
  const buf = cpioNewc(ENTRIES);
  assert.is(buf.length % 4, 0);
  let off = 0;
  let count = 0;
  while (true) {
    assert.is(off % 4, 0, `header at ${off}`);
    assert.is(buf.toString('latin1', off, off + 6), '070701');
    const size = parseInt(buf.toString('latin1', off + 54, off + 62), 16);
    const nameSize = parseInt(buf.toString('latin1', off + 94, off + 102), 16);
    const name = buf.toString('utf8', off + 110, off + 110 + nameSize - 1);
    if (name === 'TRAILER!!!') break;
    count++;
    off = Math.ceil((Math.ceil((off + 110 + nameSize) / 4) * 4 + size) / 4) * 4;
  }
  assert.is(count, ENTRIES.length);
  assert.equal(cpioList(buf).map((e) => e.name), ENTRIES.map((e) => e.name));
  assert.throws(() => cpioNewc([{ name: '/abs', kind: 'dir', perm: 0o755 }]), /must be relative/);
});

test('the test initramfs: /init executable with its /dev/console; the payload with its SHA-256', () => {
  const tmp = tempDir('cpio-init');
  try {
    const exe = path.join(tmp.dir, 'init');
    fs.writeFileSync(exe, Buffer.from('\x7fELF-not-really'));
    const init = cpioList(initArchive(exe));
    assert.equal(init.map((e) => [e.name, (e.mode & 0o170000).toString(8), (e.mode & 0o777).toString(8)]), [
      ['dev', '40000', '755'], ['dev/console', '20000', '600'], ['proc', '40000', '755'], ['init', '100000', '755'],
    ]);
    assert.equal(init[1].rdev, [5, 1]);
    const p = payloadArchive();
    const files = cpioList(p.cpio);
    const data = files.find((e) => e.name === 'payload/data.bin')!.data;
    assert.is(data.length, 65536);
    assert.is(files.find((e) => e.name === 'payload/data.sha256')!.data.toString(), p.sha256 + '\n');
  } finally {
    tmp.remove();
  }
});

test.run();
