// A damaged boot file (the self-extracting loader, linker/pack.ts): its stub must say so on
// ConOut and return EFI_COMPROMISED_DATA to the firmware, never start what it unpacked.
// Proof of the return: the firmware's boot manager reports that status ("BdsDxe: failed to
// start Boot000N ...: Compromised Data") and moves on; the run stops right after that line.
//
// Two kinds of damage: bytes of the LZMA stream overwritten (the decoder fails, or the
// check of what it produced does), on both architectures; and only the check value in the
// payload's header changed (the stream decodes, so only the check can catch it), on
// x86_64 in `npm test` and on both in `npm run test:matrix`, which also boots the damaged
// files under U-Boot's UEFI (which reports no boot-manager line: there the message and the
// absence of the loader are what is checked).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import { bootEsp, buildBoot, explain, tempDir } from '../boot/bootlib';
import { findPayload } from '../../linker/pack';
import type { Arch } from '../../scripts/paths';
import type { FirmwareName } from '../../ovmf/firmware';

const FULL = process.env.TSBOOT_MATRIX === '1';

const EFI_NAME: Record<Arch, string> = { x86_64: 'BOOTX64.EFI', aarch64: 'BOOTAA64.EFI' };
const DAMAGED = 'tsboot: this file is damaged; copy it again (EFI status 0x8000000000000021)';
const BDS_FAILED = /BdsDxe: failed to start Boot[0-9A-F]{4} .*: Compromised Data$/;

async function bootDamaged(
  arch: Arch, tag: string, firmware: FirmwareName, damage: (b: Buffer, payload: number, stream: number) => void,
): Promise<void> {
  const art = await buildBoot(arch);
  const dir = tempDir(`${arch}-loader-${tag}`);
  try {
    const bytes = Buffer.from(fs.readFileSync(art.loader));
    const p = findPayload(bytes);
    damage(bytes, p.offset, p.streamSize);
    const file = `${dir}/${EFI_NAME[arch]}`;
    fs.writeFileSync(file, bytes);
    const edk2 = firmware === 'edk2';
    const r = await bootEsp(arch, dir, [{ hostPath: file, espPath: `/EFI/BOOT/${EFI_NAME[arch]}` }], {
      firmware,
      requireVerdict: false,
      expect: edk2 ? [DAMAGED, BDS_FAILED] : [DAMAGED],
      stopWhen: edk2 ? BDS_FAILED : (l) => l.text.includes(DAMAGED),
      graceMs: edk2 ? 200 : 3000,
      timeoutMs: 90_000,
    });
    assert.ok(r.ok, explain(r));
    const texts = r.lines.map((l) => l.text);
    assert.is(texts.filter((t) => t.includes('this file is damaged')).length, 1, explain(r));
    assert.not.ok(texts.some((t) => t.startsWith('[loader]')), `the unpacked loader ran:\n${explain(r)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const STREAM = (b: Buffer, payload: number, stream: number): void => {
  const at = payload + 24 + Math.floor(stream / 2);
  for (let i = 0; i < 512; i++) b[at + i] = (i * 37 + 11) & 0xFF;
};
const CHECK = (b: Buffer, payload: number): void => {
  b.writeUInt32LE((b.readUInt32LE(payload + 20) ^ 1) >>> 0, payload + 20);
};

for (const firmware of (FULL ? ['edk2', 'uboot'] : ['edk2']) as FirmwareName[]) {
  for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
    test(`${arch} ${firmware}: 512 bytes of the LZMA stream overwritten: "the file is damaged", the firmware gets Compromised Data`, async () => {
      await bootDamaged(arch, 'stream', firmware, STREAM);
    });
    if (!FULL && arch !== 'x86_64') continue;
    test(`${arch} ${firmware}: the check value changed (the stream still decodes): "the file is damaged"`, async () => {
      await bootDamaged(arch, 'check', firmware, CHECK);
    });
  }
}

test.run();
