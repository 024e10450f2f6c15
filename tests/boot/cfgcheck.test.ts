// The loader's boot.cfg parser (common/cfg.ts, messages from common/cfg-messages.ts),
// compiled for x86_64-linux and aarch64-linux (run under qemu-aarch64) through the
// tests/subset/cfgcheck driver and run on a table of good and bad files. Every error must
// come with its line, its column and its exact message, on both architectures alike;
// the entries the loader would see are checked too, and every error code the parser has
// (CfgErr) must be provoked by at least one case, found through its message template in
// common/cfg-messages.ts, so a new error cannot come without a test. Also: the example in
// docs/boot-protocol.md is docs/examples/boot.cfg, byte for byte, and parses cleanly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { Arch, linuxProgram, repoRoot, runnerFor } from '../lib/toolchain';
import { spawnSync } from 'child_process';

const ARCHES: Arch[] = ['x86_64', 'aarch64'];
const prog = linuxProgram(test, 'cfgcheck');

let fileNo = 0;

/** Runs cfgcheck on `content` for `loader` (the loader's architecture) with the binary of `host`. */
function run(content: string | Buffer, loader: Arch = 'x86_64', host: Arch = 'x86_64'): { code: number | null; lines: string[] } {
  const f = path.join(prog.dir, `case-${fileNo++}.cfg`);
  fs.writeFileSync(f, content);
  const r = runnerFor(host, prog.exe[host]);
  const p = spawnSync(r.cmd, [...r.args, f, loader], { encoding: 'utf8', timeout: 20_000 });
  return { code: p.status, lines: (p.stdout + p.stderr).trimEnd().split('\n') };
}

function errorsOf(lines: string[]): string[] {
  return lines.filter((l) => l.startsWith('boot.cfg:'));
}

const ENTRY = 'entry=k\nprotocol=tsboot\npath=/k.elf\n';
/** The characters UEFI file names (and FAT) exclude from a path. */
const EXCLUDED = ['"', '*', ':', '<', '>', '?', '|'];

// name, file, the exact error lines cfgcheck must print (in order; none for a good file)
const CASES: [string, string | Buffer, string[]][] = [
  // ---- good files ---------------------------------------------------------------------
  ['minimal entry', ENTRY, []],
  ['every global key', 'timeout=0\ndefault=k\npaging=5\nverbose=no\n' + ENTRY, []],
  ['BOM, CRLF, indentation, tabs and blanks around keys and values',
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('timeout = 3\r\n\r\nentry=k\r\n\tprotocol\t=\ttsboot \r\n  path=  /k.elf\r\n')]), []],
  ['comments on their own lines, # inside values', '# top\n  # indented comment\nentry=k\nprotocol=tsboot\npath=/a#b.elf\ncmdline=x=#1 y\n', []],
  ['empty cmdline is allowed', ENTRY + 'cmdline=\n', []],
  ['UTF-8 paths and names', 'entry=kérnel ✓\nprotocol=tsboot\npath=/tsboot/kérnel-😀.elf\n', []],
  ['path of 254 bytes plus the implied leading backslash', `entry=k\nprotocol=tsboot\npath=${'p'.repeat(254)}\n`, []],
  ['a path of 127 characters (refused before: issue 13)', `entry=k\nprotocol=tsboot\npath=/${'a'.repeat(126)}\n`, []],
  ['linux cmdline of 1023 bytes', `entry=l\nprotocol=linux\npath=/v\ncmdline=${'c'.repeat(1023)}\n`, []],
  ['tsboot cmdline of 255 bytes', ENTRY + `cmdline=${'c'.repeat(255)}\n`, []],
  ['eight initrds', 'entry=l\nprotocol=linux\npath=/v\n' + [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `initrd=/i${i}\n`).join(''), []],
  ['same name on two architectures', 'entry=k\narch=x86_64\nprotocol=tsboot\npath=/a\nentry=k\narch=aarch64\nprotocol=tsboot\npath=/b\n', []],
  ['no newline at the end of the file', 'entry=k\nprotocol=efi\npath=/shell.efi', []],

  // ---- encoding -----------------------------------------------------------------------
  ['BOM in the middle of the file', ENTRY + 'cmdline=a\ufeffb\n', ['boot.cfg:4:10: error: byte order mark (U+FEFF) after the start of the file']],
  ['Latin-1 byte (what a Latin-1 editor writes for é)', Buffer.from('entry=k\nprotocol=tsboot\npath=/k\xe9.elf\n', 'latin1'),
    ['boot.cfg:3:8: error: invalid UTF-8 (byte 0xE9): boot.cfg must be UTF-8 text']],
  ['overlong encoding of /', Buffer.concat([Buffer.from(ENTRY + 'cmdline=a'), Buffer.from([0xc0, 0xaf]), Buffer.from('\n')]),
    ['boot.cfg:4:10: error: invalid UTF-8 (byte 0xC0): boot.cfg must be UTF-8 text']],
  ['UTF-16 surrogate encoded in UTF-8', Buffer.concat([Buffer.from(ENTRY + 'cmdline='), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]),
    ['boot.cfg:4:9: error: invalid UTF-8 (byte 0xED): boot.cfg must be UTF-8 text']],
  ['truncated sequence at the end of the file', Buffer.concat([Buffer.from(ENTRY + 'cmdline=ok '), Buffer.from([0xe2, 0x82])]),
    ['boot.cfg:4:12: error: invalid UTF-8 (byte 0xE2): boot.cfg must be UTF-8 text']],
  ['NUL inside cmdline', ENTRY + 'cmdline=quiet\0 x\n', ['boot.cfg:4:14: error: NUL byte: boot.cfg must be text']],
  ['control character', ENTRY + 'cmdline=a\x01\n', ['boot.cfg:4:10: error: control character 0x01: only blanks may surround keys and values']],
  ['DEL', ENTRY + 'cmdline=a\x7f\n', ['boot.cfg:4:10: error: control character 0x7F: only blanks may surround keys and values']],
  ['C1 control (U+0085) after a two-byte character: columns count characters', ENTRY + 'cmdline=é\u0085\n',
    ['boot.cfg:4:10: error: control character 0x85: only blanks may surround keys and values']],
  ['tab inside a value', ENTRY + 'cmdline=a\tb\n', ['boot.cfg:4:10: error: control character 0x09: only blanks may surround keys and values']],
  ['lone CR inside a line', ENTRY + 'cmdline=a\rb\n', ['boot.cfg:4:10: error: control character 0x0D: only blanks may surround keys and values']],

  // ---- keys ---------------------------------------------------------------------------
  ['line without =', ENTRY + 'quiet\n', ["boot.cfg:4:1: error: expected key=value, not 'quiet'"]],
  ['= without a key', ENTRY + '  =x\n', ['boot.cfg:4:3: error: expected key=value: the key is missing']],
  ['unknown key', ENTRY + 'colour=red\n',
    ["boot.cfg:4:1: error: unknown key 'colour' (entry keys: entry protocol path cmdline initrd sha256 arch; global: timeout default paging verbose)"]],
  ['key in upper case', ENTRY + 'PATH=/x\n', ["boot.cfg:4:1: error: unknown key 'PATH': keys are lower case, write 'path'"]],
  ['a required key in the wrong case is one error, not also a missing key', 'entry=k\nprotocol=tsboot\nPath=/k.elf\n',
    ["boot.cfg:3:1: error: unknown key 'Path': keys are lower case, write 'path'"]],
  ['entry key in mixed case', 'Entry=k\n', ["boot.cfg:1:1: error: unknown key 'Entry': keys are lower case, write 'entry'", 'boot.cfg: error: no entry= line: nothing to boot']],
  ['the old kernel= key (KERNEL= in upper case: issue 13)', 'KERNEL=/k.elf\n' + ENTRY,
    ["boot.cfg:1:1: error: 'KERNEL' is not a key: write an entry (entry=<name>, protocol=tsboot, path=<file>)"]],
  ['cmdline before any entry (the old grammar)', 'cmdline=quiet\n' + ENTRY,
    ["boot.cfg:1:1: error: 'cmdline' belongs to an entry: start one with entry=<name> above it"]],
  ['global key inside an entry', ENTRY + 'timeout=3\n', ["boot.cfg:4:1: error: 'timeout' is a global key: move it above the first entry="]],
  ['key given twice', ENTRY + 'path=/other\n', ["boot.cfg:4:1: error: 'path' is given twice (first on line 3)"]],
  ['global key given twice', 'timeout=1\ntimeout=2\n' + ENTRY, ["boot.cfg:2:1: error: 'timeout' is given twice (first on line 1)"]],
  ['empty path', 'entry=k\nprotocol=tsboot\npath=\n', ["boot.cfg:3:5: error: 'path' needs a value"]],
  ['end-of-line comment (the docs example that did not boot: issue 13)', 'entry=k\nprotocol=tsboot\npath=/k.elf   # the kernel\n',
    ["boot.cfg:3:15: error: '#' after a value: comments must be on lines of their own"]],

  // ---- values -------------------------------------------------------------------------
  ['path of 255 bytes plus the implied backslash', `entry=k\nprotocol=tsboot\npath=${'p'.repeat(255)}\n`,
    ["boot.cfg:3:6: error: the value of 'path' is too long (at most 254 bytes)"]],
  ['path with a character UEFI file names exclude', 'entry=k\nprotocol=tsboot\npath=/a:b\n', ["boot.cfg:3:8: error: ':' is not allowed in a file path"]],
  ['protocol in the wrong case', 'entry=k\nprotocol=Linux\npath=/v\n', ["boot.cfg:2:10: error: unknown protocol 'Linux' (tsboot, linux or efi)"]],
  ['negative timeout', 'timeout=-1\n' + ENTRY, ["boot.cfg:1:9: error: timeout must be a whole number of seconds from 0 to 3600, not '-1'"]],
  ['timeout too large', 'timeout=3601\n' + ENTRY, ["boot.cfg:1:9: error: timeout must be a whole number of seconds from 0 to 3600, not '3601'"]],
  ['timeout with a unit', 'timeout=5s\n' + ENTRY, ["boot.cfg:1:9: error: timeout must be a whole number of seconds from 0 to 3600, not '5s'"]],
  ['paging other than 4 or 5', 'paging=6\n' + ENTRY, ["boot.cfg:1:8: error: paging must be 4 or 5 (translation levels), not '6'"]],
  ['paging inside an entry', ENTRY + 'paging=5\n', ["boot.cfg:4:1: error: 'paging' is a global key: move it above the first entry="]],
  ['verbose other than yes or no', 'verbose=quiet\n' + ENTRY, ["boot.cfg:1:9: error: verbose must be yes or no, not 'quiet'"]],
  ['verbose in capitals', 'verbose=NO\n' + ENTRY, ["boot.cfg:1:9: error: verbose must be yes or no, not 'NO'"]],
  ['verbose inside an entry', ENTRY + 'verbose=no\n', ["boot.cfg:4:1: error: 'verbose' is a global key: move it above the first entry="]],
  ['verbose given twice', 'verbose=no\nverbose=yes\n' + ENTRY, ["boot.cfg:2:1: error: 'verbose' is given twice (first on line 1)"]],
  ['sha256 too short', ENTRY + 'sha256=abcd\n', ["boot.cfg:4:8: error: sha256 must be 64 hexadecimal digits, not 'abcd'"]],
  ['sha256 not hex', ENTRY + `sha256=${'g'.repeat(64)}\n`, [`boot.cfg:4:8: error: sha256 must be 64 hexadecimal digits, not '${'g'.repeat(39)}...'`]],
  ['unknown arch', ENTRY + 'arch=arm64\n', ["boot.cfg:4:6: error: unknown arch 'arm64' (x86_64 or aarch64)"]],
  ['nine initrds', 'entry=l\nprotocol=linux\npath=/v\n' + [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `initrd=/i${i}\n`).join(''),
    ['boot.cfg:12:8: error: more than 8 initrd= lines in one entry']],
  ['initrd for a tsboot kernel', ENTRY + 'initrd=/i\n', ['boot.cfg:4:1: error: initrd= is only for protocol=linux']],
  ['tsboot cmdline of 256 bytes', ENTRY + `cmdline=${'c'.repeat(256)}\n`,
    ['boot.cfg:4:1: error: a tsboot kernel takes at most 255 bytes of cmdline; this one has 256']],
  ['cmdline of 1024 bytes', `entry=l\nprotocol=linux\npath=/v\ncmdline=${'c'.repeat(1024)}\n`,
    ["boot.cfg:4:9: error: the value of 'cmdline' is too long (at most 1023 bytes)"]],
  ['entry name of 64 bytes', `entry=${'n'.repeat(64)}\nprotocol=efi\npath=/x\n`, ["boot.cfg:1:7: error: the value of 'entry' is too long (at most 63 bytes)"]],
  ['default name of 64 bytes', `default=${'n'.repeat(64)}\n` + ENTRY,
    ["boot.cfg:1:9: error: the value of 'default' is too long (at most 63 bytes)"]],
  ['initrd path of 255 bytes plus the implied backslash', `entry=l\nprotocol=linux\npath=/v\ninitrd=${'i'.repeat(255)}\n`,
    ["boot.cfg:4:8: error: the value of 'initrd' is too long (at most 254 bytes)"]],
  ['every character UEFI file names exclude, in path= and initrd=',
    EXCLUDED.map((c, i) => `entry=e${i}\nprotocol=linux\npath=/ok\ninitrd=/a${c}b\n`).join('') + 'entry=p\nprotocol=efi\npath=/x<y\n',
    [...EXCLUDED.map((c, i) => `boot.cfg:${4 * i + 4}:10: error: '${c}' is not allowed in a file path`),
      "boot.cfg:31:8: error: '<' is not allowed in a file path"]],
  ['empty values of keys other than cmdline', 'default=\nentry=k\nprotocol=\npath=/k\narch=\nsha256= \n',
    ["boot.cfg:1:8: error: 'default' needs a value", "boot.cfg:3:9: error: 'protocol' needs a value",
      "boot.cfg:5:5: error: 'arch' needs a value", "boot.cfg:6:7: error: 'sha256' needs a value"]],
  ['an entry without a name', 'entry=\nprotocol=efi\npath=/x\n', ["boot.cfg:1:6: error: 'entry' needs a value"]],
  ['a control character in the key', ENTRY + 'cmd\x02line=x\n',
    ['boot.cfg:4:4: error: control character 0x02: only blanks may surround keys and values']],
  ['NUL in the key', ENTRY + 'pa\0th=/x\n', ['boot.cfg:4:3: error: NUL byte: boot.cfg must be text']],
  ['entry keys before any entry', 'protocol=tsboot\narch=x86_64\nsha256=' + '0'.repeat(64) + '\n' + ENTRY,
    ["boot.cfg:1:1: error: 'protocol' belongs to an entry: start one with entry=<name> above it",
      "boot.cfg:2:1: error: 'arch' belongs to an entry: start one with entry=<name> above it",
      "boot.cfg:3:1: error: 'sha256' belongs to an entry: start one with entry=<name> above it"]],
  ['default= inside an entry', ENTRY + 'default=k\n',
    ["boot.cfg:4:1: error: 'default' is a global key: move it above the first entry="]],
  ['an entry key given twice, and paging= given twice', 'paging=4\npaging=5\n' + ENTRY + 'protocol=linux\n',
    ["boot.cfg:2:1: error: 'paging' is given twice (first on line 1)",
      "boot.cfg:6:1: error: 'protocol' is given twice (first on line 4)"]],
  ['initrd for an efi application', 'entry=e\nprotocol=efi\npath=/e\ninitrd=/i\n',
    ['boot.cfg:4:1: error: initrd= is only for protocol=linux']],

  // ---- entries and the file -----------------------------------------------------------
  ['entry without protocol and path', 'entry=k\ncmdline=x\n', ["boot.cfg:1:1: error: entry 'k' has no protocol= line", "boot.cfg:1:1: error: entry 'k' has no path= line"]],
  ['a bad path= line is not also reported missing', 'entry=k\nprotocol=tsboot\npath=/a|b\n', ["boot.cfg:3:8: error: '|' is not allowed in a file path"]],
  ['duplicate entry names', ENTRY + ENTRY, ["boot.cfg:4:1: error: entry name 'k' is used twice (first on line 1)"]],
  ['duplicate name, one of them for any architecture', ENTRY + 'entry=k\narch=aarch64\nprotocol=tsboot\npath=/b\n',
    ["boot.cfg:4:1: error: entry name 'k' is used twice (first on line 1)"]],
  ['seventeen entries', Array.from({ length: 17 }, (_, i) => `entry=e${i + 1}\nprotocol=efi\npath=/x\n`).join(''),
    ["boot.cfg:49:7: error: more than 16 entries: entry 'e17' and the lines after it are ignored"]],
  ['empty file', '', ['boot.cfg: error: no entry= line: nothing to boot']],
  ['only comments and globals', '# nothing\ntimeout=0\n', ['boot.cfg: error: no entry= line: nothing to boot']],
  ['default names no entry', 'default=nope\n' + ENTRY, ['boot.cfg:1:1: error: default=nope names no entry for this architecture']],
  ['default names an entry of the other architecture', 'default=a\nentry=a\narch=aarch64\nprotocol=efi\npath=/x\n' + ENTRY,
    ['boot.cfg:1:1: error: default=a names no entry for this architecture']],
];

for (const host of ARCHES) {
  test(`every case gives exactly its errors (cfgcheck built for ${host}-linux)`, () => {
    for (const [name, content, errors] of CASES) {
      const r = run(content, 'x86_64', host);
      assert.equal(errorsOf(r.lines), errors, `${name}:\n${r.lines.join('\n')}`);
      assert.is(r.code, errors.length === 0 ? 0 : 1, `${name}: exit status\n${r.lines.join('\n')}`);
    }
  });
}

/** The error codes (common/cfg.ts `CfgErr`) and their message templates (common/cfg-messages.ts `TEMPLATES`). */
function templates(): { codes: string[]; messages: Map<string, string> } {
  const cfgSrc = fs.readFileSync(path.join(repoRoot, 'common', 'cfg.ts'), 'utf8');
  const msgSrc = fs.readFileSync(path.join(repoRoot, 'common', 'cfg-messages.ts'), 'utf8');
  const body = /export const enum CfgErr \{([^}]*)\}/.exec(cfgSrc)![1];
  const codes = body.split(',').map((c) => c.replace(/=.*$/, '').trim()).filter((c) => c && c !== 'None');
  // TEMPLATES: one message per code, in CfgErr order from BadUtf8 on, each ending in \0.
  const list = /const TEMPLATES: cstr = "\\\n([\s\S]*?)";/.exec(msgSrc);
  assert.ok(list, 'no TEMPLATES list in common/cfg-messages.ts');
  const texts = list![1].split('\\0\\\n').filter((t) => t !== '');
  assert.is(texts.length, codes.length, `${texts.length} messages for ${codes.length} error codes`);
  const messages = new Map<string, string>(codes.map((c, i) => [c, texts[i]]));
  return { codes, messages };
}

/** A message template as a pattern for the line cfgcheck prints (%s a token, %d a number, %x a byte, %k a key). */
function templatePattern(t: string): RegExp {
  const esc = t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const body = esc.replace(/%s/g, '.*').replace(/%d/g, '\\d+').replace(/%x/g, '0x[0-9A-F]+')
    .replace(/%k/g, '[a-z0-9]+');
  return new RegExp(`^boot\\.cfg(:\\d+:\\d+)?: error: ${body}$`);
}

test('every error the parser can give is provoked by a case above, with its message and line', () => {
  const { codes, messages } = templates();
  assert.ok(codes.length >= 30, `only ${codes.length} error codes found in common/cfg.ts`);
  const expected = CASES.flatMap(([, , errors]) => errors);
  for (const code of codes) {
    const t = messages.get(code);
    assert.ok(t, `CfgErr.${code} has no message in common/cfg-messages.ts`);
    const re = templatePattern(t!);
    const hits = expected.filter((l) => re.test(l));
    assert.ok(hits.length > 0, `no case provokes CfgErr.${code} ("${t}")`);
    // Whole-file errors have no line; every other error names its line and column.
    const withLine = hits.some((l) => /^boot\.cfg:\d+:\d+: /.test(l));
    if (code !== 'NoEntries') assert.ok(withLine, `CfgErr.${code}: no case names its line`);
  }
});

test('what the loader sees: entries, broken ones, arch filter, default, timeout', () => {
  const cfg = [
    'timeout=7',
    'default=linux',
    'entry=tsboot',
    '  protocol=tsboot',
    '  path=tsboot/kernel.elf',
    '  cmdline=console=ttyS0',
    '  sha256=' + '0123456789ABCDEF'.repeat(4),
    'entry=linux',
    '  arch=aarch64',
    '  protocol=linux',
    '  path=/linux/vmlinuz',
    '  initrd=/a.cpio',
    '  initrd=b.cpio',
    'entry=linux',
    '  arch=x86_64',
    '  protocol=linux',
    '  path=/linux/bzImage',
    '  Cmdline=quiet',
    '',
  ].join('\n');
  const x = run(cfg, 'x86_64');
  assert.equal(x.lines, [
    "boot.cfg:18:3: error: unknown key 'Cmdline': keys are lower case, write 'cmdline'",
    `entry 1 'tsboot' ok protocol=tsboot arch=any path=\\tsboot\\kernel.elf cmdline="console=ttyS0" sha256=${'0123456789abcdef'.repeat(4)}`,
    "entry 2 'linux' other-arch protocol=linux arch=aarch64 path=\\linux\\vmlinuz cmdline=\"\" initrd=\\a.cpio initrd=\\b.cpio",
    "entry 3 'linux' broken protocol=linux arch=x86_64 path=\\linux\\bzImage cmdline=\"\"",
    'timeout 7',
    'paging none',
    'verbose yes',
    "default 'linux'",
  ]);
  const a = run(cfg, 'aarch64');
  assert.is(a.lines[a.lines.length - 1], "default 'linux'");
  assert.ok(a.lines.includes("entry 2 'linux' ok protocol=linux arch=aarch64 path=\\linux\\vmlinuz cmdline=\"\" initrd=\\a.cpio initrd=\\b.cpio"), a.lines.join('\n'));
  // Without default=, the first entry for the architecture is preselected.
  const b = run('entry=a\narch=aarch64\nprotocol=efi\npath=/a\nentry=b\nprotocol=efi\npath=/b\n', 'x86_64');
  assert.is(b.lines[b.lines.length - 1], "default 'b'");
  assert.is(b.lines[b.lines.length - 4], 'timeout none');
  assert.is(run('paging=5\n' + ENTRY).lines.find((l) => l.startsWith('paging')), 'paging 5');
  assert.is(run('verbose=no\n' + ENTRY).lines.find((l) => l.startsWith('verbose')), 'verbose no');
  assert.is(run('verbose=yes\n' + ENTRY).lines.find((l) => l.startsWith('verbose')), 'verbose yes');
});

test('errors in one entry leave the others bootable', () => {
  const r = run('entry=good\nprotocol=tsboot\npath=/k\nentry=bad\nprotocol=tsboot\npath=/k # old comment\nentry=also-good\nprotocol=efi\npath=/e\n');
  assert.equal(r.lines.filter((l) => l.startsWith('entry')).map((l) => l.split(' ').slice(0, 4).join(' ')), [
    "entry 1 'good'", "entry 2 'bad'", "entry 3 'also-good'",
  ].map((s, i) => `${s} ${['ok', 'broken', 'ok'][i]}`));
});

test('more errors than the parser keeps are counted', () => {
  const r = run(ENTRY + Array.from({ length: 30 }, (_, i) => `bad${i}=x\n`).join(''));
  assert.is(errorsOf(r.lines).length, 25, r.lines.join('\n'));
  assert.is(errorsOf(r.lines)[24], 'boot.cfg: 6 more errors');
});

test('the example in docs/boot-protocol.md is docs/examples/boot.cfg and parses cleanly for both loaders', () => {
  const example = fs.readFileSync(path.join(repoRoot, 'docs', 'examples', 'boot.cfg'), 'utf8');
  const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'boot-protocol.md'), 'utf8');
  const m = /<!-- example: docs\/examples\/boot\.cfg -->\n```ini\n([\s\S]*?)```/.exec(doc);
  assert.ok(m, 'docs/boot-protocol.md has no block marked <!-- example: docs/examples/boot.cfg -->');
  assert.is(m![1], example, 'the block in docs/boot-protocol.md differs from docs/examples/boot.cfg');
  for (const arch of ARCHES) {
    const r = run(example, arch);
    assert.is(r.code, 0, r.lines.join('\n'));
    const own = r.lines.filter((l) => / ok protocol=/.test(l)).map((l) => l.split(' ')[2]);
    assert.equal(own, ["'tsboot'", "'linux'"], `${arch}: ${r.lines.join('\n')}`);
  }
});

test('every boot.cfg example in README.md and docs/*.md parses with no error for the loaders it names', () => {
  const docs = ['README.md', ...fs.readdirSync(path.join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  let blocks = 0;
  for (const doc of docs) {
    const text = fs.readFileSync(path.join(repoRoot, doc), 'utf8');
    for (const m of text.matchAll(/^```ini\n([\s\S]*?)^```$/gm)) {
      blocks++;
      const line = text.slice(0, m.index).split('\n').length;
      for (const arch of ARCHES) {
        const r = run(m[1], arch);
        assert.is(r.code, 0, `${doc}:${line} for the ${arch} loader:\n${r.lines.join('\n')}`);
      }
    }
  }
  assert.ok(blocks >= 2, `only ${blocks} boot.cfg examples found`);
});

test('usage errors exit 2', () => {
  const r = spawnSync(prog.exe.x86_64, [path.join(prog.dir, 'no-such.cfg')], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stdout, /cannot read the file/);
  const u = spawnSync(prog.exe.x86_64, [], { encoding: 'utf8' });
  assert.is(u.status, 2);
  assert.match(u.stdout, /usage: cfgcheck/);
});

test.run();
