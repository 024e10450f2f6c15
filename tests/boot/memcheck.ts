// The kernel's memory summary checked against sources other than itself. Its parts
// (kernel + usable + reserved + ignored) add up to the total by construction, so each part
// is compared with what the firmware's memory map (as the loader lists it on serial, before
// the kernel runs) and other kernel lines say:
//   - total: every descriptor that is memory (not MMIO, not an uncacheable Reserved
//     window), exactly, in KiB;
//   - reserved: at least what the firmware keeps (runtime services, ACPI, Reserved,
//     Unusable …), and at most 2 MiB more (the loader's structures the kernel protects:
//     page tables, kernel stack, boot info);
//   - kernel: the map's tsboot-kernel pages plus the early allocator's metadata (its own
//     line), within 16 KiB;
//   - ignored: at least the map's usable memory below 1 MiB, at most 1 MiB (the HHDM
//     covers all memory of the boots tested);
//   - usable, at the first summary: the frame allocator's free frames (its own line).
// The docs' definition of each part: kernel-stub/mm/kmem.ts mmReport.

/** KiB of the firmware map by kind, from the loader's listing. */
export interface FirmwareMemory {
  totalKiB: number;
  /** Runtime services, ACPI, Reserved memory, Unusable, and other types the OS must keep. */
  keptKiB: number;
  kernelKiB: number;
  /** Conventional / loader / boot-services memory below 1 MiB (listed descriptors only). */
  usableBelow1MiBKiB: number;
}

const MMIO_TYPES = new Set(['MMIO', 'MMIOPortSpace']);
const USABLE_TYPES = new Set(['Conventional', 'LoaderCode', 'LoaderData', 'BootServicesCode', 'BootServicesData']);
const EFI_MEMORY_WB = 0x8n;

/** Parses the loader's `memory map:` listing (the first one in `texts`); undefined when absent. */
export function firmwareMemory(texts: string[]): FirmwareMemory | undefined {
  const start = texts.findIndex((t) => /^\[loader\] memory map: \d+ descriptors/.test(t));
  if (start < 0) return undefined;
  const fw: FirmwareMemory = { totalKiB: 0, keptKiB: 0, kernelKiB: 0, usableBelow1MiBKiB: 0 };
  for (const t of texts.slice(start + 1)) {
    const d = /^\[loader\] {3}0x([0-9a-f]+)-0x([0-9a-f]+) (\S+) pages=(\d+) attr=0x([0-9a-f]+)$/.exec(t);
    const bs = /^\[loader\] {3}and \d+ BootServicesCode\/Data descriptors, pages=(\d+)/.exec(t);
    if (bs) {
      fw.totalKiB += Number(bs[1]) * 4;
      continue;
    }
    if (!d) break;
    const [, base, , type, pages, attr] = d;
    const kib = Number(pages) * 4;
    const attrs = BigInt(`0x${attr}`);
    if (MMIO_TYPES.has(type)) continue;
    if (type === 'Reserved' && attrs !== 0n && (attrs & EFI_MEMORY_WB) === 0n) continue; // e.g. a PCIe ECAM window
    fw.totalKiB += kib;
    if (type === 'tsboot-kernel') fw.kernelKiB += kib;
    else if (USABLE_TYPES.has(type)) {
      const b = Number.parseInt(base, 16);
      if (b < 0x10_0000) fw.usableBelow1MiBKiB += Math.min(kib, (0x10_0000 - b) / 1024);
    } else fw.keptKiB += kib;
  }
  return fw;
}

export interface MemorySummary {
  totalKiB: number;
  kernelKiB: number;
  usableKiB: number;
  reservedKiB: number;
  ignoredKiB: number;
}

/** Every `[kernel] mm: exact:` line, in order. */
export function memorySummaries(texts: string[]): MemorySummary[] {
  return texts.flatMap((t) => {
    const m = /^\[kernel\] mm: exact: (\d+) KiB = (\d+) kernel \+ (\d+) usable \+ (\d+) reserved \+ (\d+) ignored \(KiB\)$/.exec(t);
    return m ? [{ totalKiB: +m[1], kernelKiB: +m[2], usableKiB: +m[3], reservedKiB: +m[4], ignoredKiB: +m[5] }] : [];
  });
}

/** What is wrong with the summaries of a boot's serial lines, compared with the firmware's map; empty when nothing. */
export function summaryProblems(texts: string[]): string[] {
  const fw = firmwareMemory(texts);
  const all = memorySummaries(texts);
  if (!fw) return ['no [loader] memory map listing on serial'];
  if (all.length === 0) return ['no [kernel] mm: exact: line'];
  const problems: string[] = [];
  const alloc = texts.map((t) => /^\[kernel\] mm: frame allocator: (\d+) free frames .* metadata (\d+) KiB at /.exec(t)).find((m) => m);
  if (!alloc) return ['no [kernel] mm: frame allocator: line'];
  const freeKiB = Number(alloc[1]) * 4;
  const metaKiB = Math.ceil(Number(alloc[2]) / 4) * 4;
  if (all[0].usableKiB !== freeKiB) problems.push(`usable ${all[0].usableKiB} KiB at the first summary, but the frame allocator started with ${freeKiB} KiB of free frames`);
  for (const [i, s] of all.entries()) {
    const at = `summary ${i + 1} of ${all.length}`;
    if (s.totalKiB !== fw.totalKiB) problems.push(`${at}: total ${s.totalKiB} KiB, the firmware's map holds ${fw.totalKiB} KiB of memory`);
    if (s.reservedKiB < fw.keptKiB) problems.push(`${at}: reserved ${s.reservedKiB} KiB, less than the ${fw.keptKiB} KiB the firmware keeps`);
    if (s.reservedKiB > fw.keptKiB + 2048) problems.push(`${at}: reserved ${s.reservedKiB} KiB, more than 2 MiB above the ${fw.keptKiB} KiB the firmware keeps`);
    const extra = s.kernelKiB - fw.kernelKiB - metaKiB;
    if (extra < 0 || extra > 16) problems.push(`${at}: kernel ${s.kernelKiB} KiB, but the image takes ${fw.kernelKiB} KiB and the allocator metadata ${metaKiB} KiB`);
    if (s.ignoredKiB < fw.usableBelow1MiBKiB || s.ignoredKiB > 1024) problems.push(`${at}: ignored ${s.ignoredKiB} KiB; the map has ${fw.usableBelow1MiBKiB} KiB of usable memory listed below 1 MiB (at most 1024 KiB may be ignored)`);
  }
  return problems;
}
