// The serial-harness protocol and the process runner, fed by real child processes (node
// scripts that print lines on a schedule and exit with chosen statuses), not by a mock:
// ordering, fail-fast patterns, silence, verdicts, exit-code conventions, timeouts, and
// the kill-on-parent-exit guarantee. Plus the QEMU command lines themselves.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanSerialText, HarnessOptions, KEYS, MENU_READY, runHarness } from '../../qemu/harness';
import { afterProgress, launchProcess, processCpuMs, qemuCommand, WALL_FACTOR } from '../../qemu/runner';

interface Step {
  /** Milliseconds after the previous step. */
  after: number;
  out: string;
}

/** A node script that writes `steps` to stdout on schedule, then exits or hangs. */
function printer(steps: Step[], end: { exit: number } | { hang: true }): string[] {
  const tail = 'exit' in end ? `process.exit(${end.exit})` : 'setInterval(() => {}, 1000)';
  const src = `
const steps = ${JSON.stringify(steps)};
let i = 0;
function next() {
  if (i >= steps.length) { ${tail}; return; }
  const s = steps[i++];
  setTimeout(() => { process.stdout.write(s.out); next(); }, s.after);
}
next();`;
  return ['-e', src];
}

async function harness(steps: Step[], end: { exit: number } | { hang: true }, opts: HarnessOptions = {}, timeoutMs = 20_000, progressTimers = false) {
  const proc = launchProcess(process.execPath, printer(steps, end), { timeoutMs, progressTimers });
  const t0 = performance.now();
  const r = await runHarness(proc, { silenceMs: 10_000, ...opts });
  return { r, elapsed: performance.now() - t0, pid: proc.pid! };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('cleanSerialText strips OVMF escape sequences and control characters', () => {
  assert.is(cleanSerialText('\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\x1b[01;01HBdsDxe: loading Boot0001'), 'BdsDxe: loading Boot0001');
  assert.is(cleanSerialText('\x1b[1m\x1b[33m[loader]\x1b[0m ok\r'), '[loader] ok');
  assert.is(cleanSerialText('a\x00b\x07c\td'), 'abc\td');
});

test('PASS run: lines cleaned, timestamps, timings, expectations, isa-debug-exit 33', async () => {
  const { r } = await harness(
    [
      { after: 0, out: '\x1b[2J\x1b[01;01HBdsDxe: starting Boot0001\r\n' },
      { after: 0, out: '[loader] hello\r\n[loa' },
      { after: 250, out: 'der] second\r\n' },
      { after: 1000, out: '[kernel] up\r\n' },
      { after: 100, out: '[kernel] PASS\r\n' },
    ],
    { exit: 33 },
    { exitConvention: 'isa-debug-exit', expect: ['[loader] hello', /^\[kernel\] up$/] },
  );
  assert.ok(r.ok, r.failure?.message);
  assert.is(r.verdict, 'pass');
  assert.equal(r.lines.map((l) => l.text), ['BdsDxe: starting Boot0001', '[loader] hello', '[loader] second', '[kernel] up', '[kernel] PASS']);
  assert.is(r.exit.code, 33);
  const t = r.timings;
  assert.ok(t.firstLoaderMs! > 0 && t.firstLoaderMs! < t.firstKernelMs! && t.firstKernelMs! < t.verdictMs! && t.verdictMs! <= t.exitMs);
  // The split line is stamped when its newline arrives, the kernel line 1 s after that.
  // Lines are stamped when read, and a busy machine can make the reader late by some
  // time, which shortens a gap: the bounds leave room for that.
  assert.ok(r.lines[2].tMs - r.lines[1].tMs >= 100, 'split line completed after its second half');
  assert.ok(t.firstKernelMs! - r.lines[2].tMs >= 500, `kernel line ${t.firstKernelMs} vs ${r.lines[2].tMs}`);
  assert.is(r.expectations[0].line!.text, '[loader] hello');
  assert.is(r.expectations[1].line!.text, '[kernel] up');
});

test('expectations must come in order', async () => {
  const { r } = await harness(
    [{ after: 0, out: '[kernel] a\n[kernel] b\n[kernel] PASS\n' }],
    { exit: 33 },
    { exitConvention: 'isa-debug-exit', expect: ['[kernel] b', '[kernel] a'] },
  );
  assert.not.ok(r.ok);
  assert.is(r.failure!.kind, 'expectation');
  assert.match(r.failure!.message, /expected line "\[kernel\] a" never came \(after "\[kernel\] b"\)/);
  // A string must match the whole line, not a part of it.
  const { r: r2 } = await harness([{ after: 0, out: '[kernel] abc\n[kernel] PASS\n' }], { exit: 33 }, { expect: ['[kernel] a'] });
  assert.is(r2.failure?.kind, 'expectation');
});

test('fail-fast on an exception dump: killed at once, the rest of the dump captured', async () => {
  const { r, elapsed, pid } = await harness(
    [
      { after: 0, out: '[kernel] mapping\n' },
      { after: 50, out: '!!!! X64 Exception Type - 0E(#PF - Page-Fault)  CPU Apic ID - 00000000 !!!!\n' },
      { after: 100, out: 'RIP  - FFFFFFFF80001234, CS  - 0000000000000038\n' },
    ],
    { hang: true },
    { drainMs: 400 },
  );
  assert.not.ok(r.ok);
  assert.is(r.failure!.kind, 'fail-pattern');
  assert.match(r.failure!.message, /OVMF CPU exception dump/);
  assert.is(r.failure!.line!.text.startsWith('!!!! X64 Exception Type'), true);
  assert.ok(r.lines.some((l) => l.text.startsWith('RIP')), 'lines during the drain are kept');
  assert.is(r.exit.killedBy, 'harness');
  assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  assert.not.ok(alive(pid), 'child is gone');
});

test('fail-fast patterns: panic, #GP, #UD, Synchronous Exception', async () => {
  for (const [line, name] of [
    ['panic at kernel-stub/main.ts:12: out of frames', /panic/],
    ['[kernel] trap #GP error code 0x10', /#GP/],
    ['[kernel] trap #UD at 0xffffffff80001000', /#UD/],
    ['Synchronous Exception at 0x000000005F8A1234', /AAVMF synchronous exception/],
  ] as const) {
    const { r } = await harness([{ after: 0, out: line + '\n' }], { hang: true }, { drainMs: 50 });
    assert.is(r.failure?.kind, 'fail-pattern', line);
    assert.match(r.failure!.message, name);
  }
});

test('silence longer than the limit fails', async () => {
  // On progress timers, as QEMU runs: a printer slow to start on a busy machine is not
  // silent, and once it idles its silence ends the run within WALL_FACTOR x the limit.
  const { r, elapsed } = await harness([{ after: 0, out: '[loader] waiting\n' }], { hang: true }, { silenceMs: 1000 }, 30_000, true);
  assert.is(r.failure?.kind, 'silence');
  assert.match(r.failure!.message, /no serial output for 1\.0 s \(last line: "\[loader\] waiting"\)/);
  assert.ok(elapsed >= 950 && elapsed < 1000 * WALL_FACTOR + 5000, `took ${elapsed} ms`);
  // Steady output keeps a slow run alive, past the wall-time bound of a single limit.
  const steady = Array.from({ length: 14 }, (_, i) => ({ after: 250, out: `[kernel] tick ${i}\n` }));
  const { r: r2 } = await harness([...steady, { after: 0, out: '[kernel] PASS\n' }], { exit: 33 }, { silenceMs: 700, exitConvention: 'isa-debug-exit' }, 20_000, true);
  assert.ok(r2.ok, r2.failure?.message);
});

test('[kernel] FAIL: <reason> is the verdict', async () => {
  const { r } = await harness([{ after: 0, out: '[kernel] FAIL: frame allocator returned 0x0\n' }], { exit: 35 }, { exitConvention: 'isa-debug-exit' });
  assert.not.ok(r.ok);
  assert.is(r.verdict, 'fail');
  assert.is(r.failReason, 'frame allocator returned 0x0');
  assert.is(r.failure!.kind, 'kernel-fail');
});

test('exit status must agree with the verdict', async () => {
  const { r } = await harness([{ after: 0, out: '[kernel] PASS\n' }], { exit: 35 }, { exitConvention: 'isa-debug-exit' });
  assert.is(r.failure?.kind, 'exit-code');
  assert.match(r.failure!.message, /exited with exit status 35 .*not 33/);
  const { r: r2 } = await harness([{ after: 0, out: '[kernel] PASS\n' }], { exit: 0 }, { exitConvention: 'psci' });
  assert.ok(r2.ok, r2.failure?.message);
  const { r: r3, elapsed } = await harness([{ after: 0, out: '[kernel] PASS\n' }], { hang: true }, { exitConvention: 'psci', afterVerdictMs: 400 });
  assert.is(r3.failure?.kind, 'exit-code');
  assert.match(r3.failure!.message, /did not power off \(PSCI SYSTEM_OFF\)/);
  assert.ok(elapsed < 4000);
  // A verdict line must be exact.
  const { r: r4 } = await harness([{ after: 0, out: '[kernel] PASS (almost)\n' }], { exit: 33 }, { exitConvention: 'isa-debug-exit' });
  assert.is(r4.failure?.kind, 'no-verdict');
  assert.match(r4.failure!.message, /exit status 33/);
});

/**
 * A fake loader: prints a menu (entry 1 selected), then echoes every byte it reads on stdin
 * as `[kernel] got "<bytes as JSON>"`; at a carriage return it passes (exit 33).
 */
const FAKE_MENU = `
const out = (s) => process.stdout.write(s + '\\n');
out("[loader] menu: 3 entries, default 'first'");
out('[loader] > 1 first [tsboot] \\\\tsboot\\\\kernel.elf');
out('[loader]   2 second one [linux] \\\\linux\\\\vmlinuz');
out("[loader]   3 broken [broken] 7:1: entry 'broken' has no path= line");
out('[loader] menu: up/down or 1-9 choose, Enter boots, e edits the command line');
let got = '';
process.stdin.on('data', (d) => {
  got += d.toString('latin1');
  if (got.includes('\\r')) { out('[kernel] got ' + JSON.stringify(got)); out('[kernel] PASS'); process.exit(33); }
});`;

async function fakeMenu(opts: HarnessOptions) {
  const proc = launchProcess(process.execPath, ['-e', FAKE_MENU], { timeoutMs: 10_000 });
  return runHarness(proc, { silenceMs: 5000, exitConvention: 'isa-debug-exit', ...opts });
}

test('keys: choose a menu entry by name with arrows or its digit; the menu is parsed', async () => {
  const r = await fakeMenu({ keys: [{ after: MENU_READY, choose: 'broken' }] });
  assert.ok(r.ok, r.failure?.message);
  assert.equal(r.typed, [KEYS.down + KEYS.down + KEYS.enter]);
  assert.ok(r.lines.some((l) => l.text === `[kernel] got ${JSON.stringify(KEYS.down + KEYS.down + KEYS.enter)}`));
  assert.equal(r.menu.map((m) => [m.number, m.name, m.state, m.selected]), [
    [1, 'first', 'tsboot', true], [2, 'second one', 'linux', false], [3, 'broken', 'broken', false],
  ]);
  const d = await fakeMenu({ keys: [{ after: MENU_READY, choose: 'second one', via: 'digit' }] });
  assert.ok(d.ok, d.failure?.message);
  assert.equal(d.typed, ['2' + KEYS.enter]);
});

test('keys: steps run in order, each after its own line; an unknown entry fails at once', async () => {
  const r = await fakeMenu({ silenceMs: 1500, keys: [{ after: MENU_READY, send: 'e' }, { send: 'x' }, { after: /^\[kernel\] never$/, send: KEYS.enter }] });
  assert.is(r.failure?.kind, 'silence', r.failure?.message);
  assert.equal(r.typed, ['e', 'x'], 'the untriggered step ran at once, the third waited');
  const u = await fakeMenu({ keys: [{ after: MENU_READY, choose: 'nope' }] });
  assert.is(u.failure?.kind, 'keys');
  assert.match(u.failure!.message, /cannot choose menu entry 'nope': the menu lists 1 first \[tsboot\], 2 second one \[linux\], 3 broken \[broken\]/);
});

test('[init] verdicts: power-off exit 0 on both architectures, and the kernel must have the loader\'s cmdline', async () => {
  const same = [{ after: 0, out: '[loader] cmdline: console=ttyS0 quiet\n[init] cmdline: console=ttyS0 quiet\n[init] PASS\n' }];
  const { r } = await harness(same, { exit: 0 }, { exitConvention: 'isa-debug-exit' });
  assert.ok(r.ok, r.failure?.message);
  assert.is(r.verdictBy, 'init');
  const { r: r2 } = await harness([{ after: 0, out: '[loader] cmdline: a b\n[init] cmdline: a\n[init] PASS\n' }], { exit: 0 }, { exitConvention: 'psci' });
  assert.is(r2.failure?.kind, 'expectation');
  assert.match(r2.failure!.message, /the kernel's command line is "a", but the loader passed "a b"/);
  const { r: r3 } = await harness([{ after: 0, out: '[init] FAIL: initrd payload corrupted\n' }], { exit: 0 }, { exitConvention: 'psci' });
  assert.is(r3.failure?.kind, 'kernel-fail');
  assert.match(r3.failure!.message, /\/init reported FAIL: initrd payload corrupted/);
});

test('[app] verdicts (tsboot/uefi): the same exit conventions as a kernel\'s; other tags are not verdicts', async () => {
  const { r } = await harness([{ after: 0, out: '[app] hello\r\n[app] PASS\r\n' }], { exit: 33 }, { exitConvention: 'isa-debug-exit' });
  assert.ok(r.ok, r.failure?.message);
  assert.is(r.verdictBy, 'app');
  const { r: r2 } = await harness([{ after: 0, out: '[app] PASS\n' }], { exit: 0 }, { exitConvention: 'isa-debug-exit' });
  assert.is(r2.failure?.kind, 'exit-code');
  assert.match(r2.failure!.message, /`\[app\] PASS` was printed but QEMU exited with exit status 0, not 33/);
  const { r: r3 } = await harness([{ after: 0, out: '[app] FAIL: no memory map\n' }], { exit: 0 }, { exitConvention: 'psci' });
  assert.is(r3.failure?.kind, 'kernel-fail');
  assert.match(r3.failure!.message, /the application reported FAIL: no memory map/);
  const { r: r4 } = await harness([{ after: 0, out: '[loader] PASS\n[app] PASSED\n' }], { exit: 0 }, { exitConvention: 'psci' });
  assert.is(r4.failure?.kind, 'no-verdict');
});

test('no verdict required: expected exit status checked', async () => {
  const { r } = await harness([{ after: 0, out: '[floor] hi' }], { exit: 33 }, { requireVerdict: false, expect: ['[floor] hi'], expectedExitCode: 33 });
  assert.ok(r.ok, r.failure?.message);
  assert.is(r.lines[0].text, '[floor] hi', 'a last line without newline is kept');
  const { r: r2 } = await harness([{ after: 0, out: '[floor] hi\n' }], { exit: 1 }, { requireVerdict: false, expectedExitCode: 33 });
  assert.is(r2.failure?.kind, 'exit-code');
});

test('progress timers: a starved process is not timed out by the clock; one that spins is, by its CPU time', async () => {
  // SIGSTOP stands for a process that gets no CPU, as on a machine busy with other work:
  // its limit counts progress, so only the wall-time bound (WALL_FACTOR x the limit) ends it.
  const stopped = launchProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 400, progressTimers: true });
  process.kill(stopped.pid!, 'SIGSTOP');
  const e = await stopped.exited;
  assert.is(e.killedBy, 'timeout');
  assert.ok(e.durationMs >= 400 * WALL_FACTOR - 50, `a process with no CPU was timed out after ${e.durationMs} ms of wall time`);
  // A spinning process makes progress at the clock's pace (or slower, on a busy machine).
  const spin = launchProcess(process.execPath, ['-e', 'for (;;) {}'], { timeoutMs: 60_000 });
  try {
    const cpu0 = processCpuMs(spin.pid!);
    assert.ok(cpu0 !== undefined, 'no CPU time in /proc for a running process');
    const t0 = performance.now();
    await new Promise<void>((resolve) => afterProgress(spin.pid!, 400, resolve));
    const wall = performance.now() - t0;
    const cpu = processCpuMs(spin.pid!)! - cpu0!;
    assert.ok(wall >= 400, `fired after ${wall} ms`);
    assert.ok(cpu >= 400 || wall >= 400 * WALL_FACTOR, `fired after ${cpu} ms of CPU and ${wall} ms of wall time`);
  } finally {
    spin.kill();
  }
});

test('hard timeout kills the process', async () => {
  const ticks = Array.from({ length: 40 }, (_, i) => ({ after: 100, out: `tick ${i}\n` }));
  const { r, elapsed, pid } = await harness(ticks, { hang: true }, {}, 800);
  assert.is(r.failure?.kind, 'timeout');
  assert.is(r.exit.killedBy, 'timeout');
  assert.is(r.exit.signal, 'SIGKILL');
  assert.ok(elapsed < 3000, `took ${elapsed} ms`);
  assert.not.ok(alive(pid));
});

test('a command that does not exist is a start error', async () => {
  const proc = launchProcess('tsboot-no-such-command', [], { timeoutMs: 5000 });
  const r = await runHarness(proc);
  assert.is(r.failure?.kind, 'start-error');
  assert.match(r.failure!.message, /tsboot-no-such-command is not installed/);
});

// QEMU writes serial output one byte at a time and non-blocking; when a write is refused
// the guest ends up dropping output (docs/firmware.md, "Serial output under load"). dd with
// oflag=nonblock writes the same way and fails on the first refused write. Through a pipe,
// a second without reading refused it after about 180 KB.
test('a writer that cannot wait is never refused, however late the harness reads', async () => {
  const lines = 50_000; // 750 KB, several times what a pipe holds
  const script = `yes '[kernel] line' | head -n ${lines} | dd bs=4096 iflag=fullblock oflag=nonblock status=none && echo '[kernel] PASS'`;
  const proc = launchProcess('sh', ['-c', script], { timeoutMs: 30_000 });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // not reading for 1 s
  const r = await runHarness(proc, { exitConvention: 'any' });
  assert.ok(r.ok, `${r.failure?.message}\n${r.exit.stderr}`);
  assert.is(r.exit.code, 0);
  assert.is(r.lines.filter((l) => l.text === '[kernel] line').length, lines);
  assert.is(r.lines.length, lines + 1);
});

test('the raw output can be kept in a file', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-harness-')), 'serial.log');
  try {
    const proc = launchProcess(process.execPath, printer([{ after: 0, out: '\x1b[2J[kernel] PASS\r\n' }], { exit: 33 }), { timeoutMs: 20_000, outputFile: file });
    const r = await runHarness(proc, { exitConvention: 'isa-debug-exit' });
    assert.ok(r.ok, r.failure?.message);
    assert.is(fs.readFileSync(file, 'latin1'), '\x1b[2J[kernel] PASS\r\n');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

/** Runs a node parent that launches a hanging child via the runner; returns both pids. */
function parentWithChild(thenWhat: string): Promise<{ parent: ReturnType<typeof spawn>; childPid: number }> {
  const runner = path.join(__dirname, '..', '..', 'qemu', 'runner.js');
  const src = `
const { launchProcess } = require(${JSON.stringify(runner)});
const p = launchProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 60000 });
console.log(p.pid);
${thenWhat}`;
  const parent = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    parent.stdout!.once('data', (d: Buffer) => resolve({ parent, childPid: Number(String(d).trim()) }));
    parent.on('error', reject);
  });
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

test('launched processes die with the parent: exit and SIGTERM', async () => {
  const a = await parentWithChild('setTimeout(() => process.exit(0), 200);');
  assert.ok(alive(a.childPid), 'child started');
  assert.ok(await waitGone(a.childPid, 5000), 'child killed when the parent exits');

  const b = await parentWithChild('setInterval(() => {}, 1000);');
  assert.ok(alive(b.childPid), 'child started');
  const exited = new Promise<number | null>((r) => b.parent.on('exit', (code) => r(code)));
  b.parent.kill('SIGTERM');
  assert.is(await exited, 128 + 15, 'parent exits 143 on SIGTERM');
  assert.ok(await waitGone(b.childPid, 5000), 'child killed when the parent gets SIGTERM');
});

test('unique: a loader line printed twice fails the run; distinct lines and other prefixes pass', async () => {
  const twice = [
    { after: 0, out: 'U-Boot\r\nU-Boot\r\n[loader] a\r\n[loader] b\r\n' },
    { after: 0, out: '[loader] b\r\n[kernel] PASS\r\n' },
  ];
  const { r } = await harness(twice, { exit: 0 }, { unique: /^\[(loader|kernel)\] / });
  assert.not.ok(r.ok);
  assert.is(r.failure?.kind, 'duplicate');
  assert.match(r.failure!.message, /1 line\(s\) printed twice, first: "\[loader\] b"/);
  const once = await harness([{ after: 0, out: 'U-Boot\r\nU-Boot\r\n[loader] a\r\n[loader] b\r\n[kernel] PASS\r\n' }], { exit: 0 }, { unique: /^\[(loader|kernel)\] / });
  assert.ok(once.r.ok, once.r.failure?.message);
});

test('qemuCommand: firmware, machine and disk bus choices', () => {
  const uboot = { code: '/u/u-boot.rom' };
  const x = qemuCommand({ arch: 'x86_64', firmware: uboot, machine: 'pc', disk: 'esp.img', diskBus: 'virtio' }).args.join(' ');
  for (const part of ['-machine pc', '-bios /u/u-boot.rom', '-drive if=none,id=esp,format=raw,file=esp.img', '-device virtio-blk-pci,drive=esp']) {
    assert.ok(x.includes(part), `x86_64 U-Boot args include ${part}: ${x}`);
  }
  assert.not.ok(x.includes('pflash'));
  const sb = qemuCommand({ arch: 'x86_64', firmware: { code: 'C', vars: 'V', smm: true }, disk: 'e', diskBus: 'nvme' }).args.join(' ');
  for (const part of ['-machine q35,smm=on', '-global driver=cfi.pflash01,property=secure,value=on', '-device nvme,serial=tsboot-esp,drive=esp']) {
    assert.ok(sb.includes(part), `secboot args include ${part}: ${sb}`);
  }
  assert.throws(() => qemuCommand({ arch: 'x86_64', firmware: { code: 'C', vars: 'V', smm: true }, machine: 'pc' }), /needs SMM, which OVMF supports only on q35/);
  const a = qemuCommand({ arch: 'aarch64', firmware: { code: '/u/u-boot.bin' }, disk: 'e', diskBus: 'usb' }).args.join(' ');
  for (const part of ['-bios /u/u-boot.bin', '-device usb-ehci,id=ehci', '-device usb-storage,bus=ehci.0,drive=esp']) {
    assert.ok(a.includes(part), `aarch64 args include ${part}: ${a}`);
  }
  assert.throws(() => qemuCommand({ arch: 'aarch64', firmware: uboot, machine: 'pc' }), /x86_64 machine type/);
});

test('qemuCommand: x86_64 and aarch64 command lines', () => {
  const fw = { code: '/fw/CODE.fd', vars: '/tmp/v,1/VARS.fd' };
  const x = qemuCommand({ arch: 'x86_64', firmware: fw, disk: 'esp.img' });
  assert.is(x.cmd, 'qemu-system-x86_64');
  const xs = x.args.join(' ');
  for (const part of [
    '-machine q35', '-cpu qemu64', '-m 256M', '-smp 1', '-accel tcg,thread=multi',
    '-drive if=pflash,format=raw,readonly=on,file=/fw/CODE.fd',
    '-drive if=pflash,format=raw,file=/tmp/v,,1/VARS.fd',
    '-drive format=raw,file=esp.img', '-device isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-boot menu=on,splash-time=0', '-serial stdio', '-display none', '-no-reboot', '-net none',
  ]) assert.ok(xs.includes(part), `x86_64 args include ${part}: ${xs}`);
  assert.not.ok(xs.includes(' -s -S'));

  const a = qemuCommand({ arch: 'aarch64', firmware: fw, disk: 'esp.img', memory: '1G', smp: 2, gdb: true, extraArgs: ['-cpu', 'max'] });
  assert.is(a.cmd, 'qemu-system-aarch64');
  const as = a.args.join(' ');
  for (const part of ['-M virt', '-cpu cortex-a72', '-m 1G', '-smp 2', '-accel tcg,thread=multi', '-drive if=none,id=esp,format=raw,file=esp.img', '-device virtio-blk-pci,drive=esp', '-boot menu=on,splash-time=0', '-s -S -cpu max']) {
    assert.ok(as.includes(part), `aarch64 args include ${part}: ${as}`);
  }
  assert.throws(() => qemuCommand({ arch: 'aarch64', firmware: fw, kvm: true }), /KVM cannot run an aarch64 guest/);
  assert.throws(() => qemuCommand({ arch: 'x86_64', firmware: fw, memory: 'lots' }), /invalid memory size/);
});

test.run();
