// What a boot with several CPUs must show on serial, shared by the boot tests and the
// matrix: every CPU QEMU was given online, the shared-state checks passed on all of them
// with every console line whole (and the permission probes on each CPU at once), and the memory test's four patterns on one CPU and on
// all of them, with the injected fault (when asked for) found by every pattern in both
// runs at its address and bit, and nothing else found. Each returns a list of problems
// (empty: all good) so that a test can print them with the serial log.

export interface MemtestSummary {
  pattern: string;
  mibOne: number;
  mibAll?: number;
  cpus?: number;
  speedup?: number;
  errors: number;
}

/** `hung`: CPUs told to stop at their entry (tsboot.smp.hang): they must be reported after
 *  the bounded wait, and the others come online. Returns the problems found. */
export function checkSmp(lines: string[], cpus: number, hung: number[] = []): string[] {
  const problems: string[] = [];
  const n = cpus - hung.length;
  const online = n === 1 ? '[kernel] smp: 1 CPU online' : `[kernel] smp: ${n} CPUs online`;
  if (!lines.includes(online)) problems.push(`no line "${online}"`);
  for (let i = 1; i < cpus; i++) {
    const re = hung.includes(i)
      ? new RegExp(`^\\[kernel\\] smp: CPU ${i} \\(id 0x[0-9a-f]+\\) did not start: no report within 2000 ms( \\(it ran the real-mode trampoline\\))?; left out$`)
      : new RegExp(`^\\[kernel\\] smp: CPU ${i} \\(id 0x[0-9a-f]+\\) online after \\d+ us, stack top 0xffffffffd0[0-9a-f]{6}$`);
    if (!lines.some((l) => re.test(l))) problems.push(`CPU ${i}: no line matching ${re}`);
  }
  cpus = n;
  for (const name of ['spin lock', 'frames', 'console', 'permissions']) {
    const l = lines.find((x) => x.startsWith(`[kernel] smp test ${name}: `) && !/CPU \d+ of/.test(x));
    if (!l) problems.push(`no smp test ${name} verdict`);
    else if (!l.endsWith(': pass')) problems.push(`smp test ${name} failed: ${l}`);
    else if (!l.includes(`${cpus} CPU`)) problems.push(`smp test ${name} did not run on ${cpus} CPUs: ${l}`);
  }
  // Every console line of the concurrent test whole, each CPU's three lines once.
  const seen = new Set<string>();
  for (const l of lines) {
    if (!l.includes('smp test console: CPU')) continue;
    const m = /^\[kernel\] smp test console: CPU (\d+) of (\d+), line (\d) of 3, whole$/.exec(l);
    if (!m || Number(m[2]) !== cpus) { problems.push(`console line mangled: ${JSON.stringify(l)}`); continue; }
    seen.add(`${m[1]}:${m[3]}`);
  }
  if (seen.size !== cpus * 3) problems.push(`expected ${cpus * 3} whole console lines, found ${seen.size}`);
  return problems;
}

const PATTERNS = ['own address', 'moving inversions 0/1', 'moving inversions random', 'modulo 20'];

/** Checks the memory test's lines; `inject` when the command line asked for a fault. */
export function checkMemtest(lines: string[], cpus: number, inject?: { pa?: bigint; bit: number }): { problems: string[]; summaries: MemtestSummary[] } {
  const problems: string[] = [];
  const summaries: MemtestSummary[] = [];
  let pa = inject?.pa;
  if (inject) {
    const m = lines.map((l) => /^\[kernel\] memtest: fault injection: bit (\d+) of the word at (0x[0-9a-f]+) flips after each pattern's first writes$/.exec(l)).find(Boolean);
    if (!m) problems.push('no fault injection line');
    else {
      if (Number(m[1]) !== inject.bit) problems.push(`injected bit ${m[1]}, asked for ${inject.bit}`);
      if (pa !== undefined && BigInt(m[2]) !== pa) problems.push(`injected at ${m[2]}, asked for 0x${pa.toString(16)}`);
      pa = BigInt(m[2]);
    }
  }
  const runs = cpus > 1 ? [1, cpus] : [1];
  for (const name of PATTERNS) {
    const esc = name.replace(/\//g, '\\/');
    const re = new RegExp(`^\\[kernel\\] memtest ${esc}: 1 CPU (\\d+) MiB/s(?:, (\\d+) CPUs (\\d+) MiB/s, speedup (\\d+\\.\\d\\d)x)?, (\\d+) errors(?: \\((\\d+) injected\\))?: (pass|FAIL)$`);
    const m = lines.map((l) => re.exec(l)).find(Boolean);
    if (!m) { problems.push(`no result line for ${name}`); continue; }
    summaries.push({ pattern: name, mibOne: Number(m[1]), mibAll: m[3] ? Number(m[3]) : undefined, cpus: m[2] ? Number(m[2]) : undefined, speedup: m[4] ? Number(m[4]) : undefined, errors: Number(m[5]) });
    if (m[7] !== 'pass') problems.push(`${name} failed`);
    if (cpus > 1 && Number(m[2]) !== cpus) problems.push(`${name} did not run on ${cpus} CPUs`);
    const wantErrors = inject ? runs.length : 0;
    if (Number(m[5]) !== wantErrors) problems.push(`${name}: ${m[5]} errors, expected ${wantErrors}`);
    if (inject && pa !== undefined) {
      for (const n of runs) {
        const tag = n === 1 ? '1 CPU' : `${n} CPUs`;
        const err = new RegExp(`^\\[kernel\\] memtest ${esc} \\(${tag}\\): error at 0x${pa.toString(16)} bit ${inject.bit}: expected 0x[0-9a-f]+, read 0x[0-9a-f]+ \\(the injected fault\\)$`);
        if (!lines.some((l) => err.test(l))) problems.push(`${name} on ${tag} did not report the injected fault`);
      }
    }
  }
  if (!lines.some((l) => /^\[kernel\] memtest: \d+ MiB, 4 patterns, \d+ errors(, \d+ injected faults found)?: pass$/.test(l))) problems.push('no passing memtest summary line');
  if (lines.some((l) => /^\[kernel\] memtest .*error at/.test(l) && !l.endsWith('(the injected fault)'))) problems.push('an error that was not the injected fault');
  return { problems, summaries };
}

/** One line per pattern for the test's log: bandwidths and the speedup. */
export function describeMemtest(s: MemtestSummary[]): string {
  return s.map((x) => `${x.pattern}: 1 CPU ${x.mibOne} MiB/s${x.cpus ? `, ${x.cpus} CPUs ${x.mibAll} MiB/s, speedup ${x.speedup!.toFixed(2)}x` : ''}`).join('; ');
}
