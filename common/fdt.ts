// A small flattened-device-tree (DTB) reader: just what the boot path needs from the
// firmware's tree on aarch64 —
//   - the first enabled PL011 (compatible "arm,pl011"): its `reg` (MMIO base and size);
//   - the PSCI node (compatible "arm,psci*"): its `method` ("hvc" or "smc");
//   - the CPUs (device_type "cpu"): their `reg` (the MPIDR affinity) when enabled and
//     started through PSCI (`enable-method` "psci" or none; "spin-table" is not supported).
// Format (Devicetree Specification v0.4, chapter 5): a big-endian header, then a structure
// block of 4-byte-aligned tokens (BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP,
// END) and a strings block holding property names.
//
// Every read is bounds-checked against the header's sizes (and the caller's limit), so a
// corrupt or truncated blob yields a status, never a fault: the kernel uses this before it
// has any other way to report a problem.

const FDT_MAGIC: u32 = 0xD00D_FEED;
const FDT_BEGIN_NODE: u32 = 1;
const FDT_END_NODE: u32 = 2;
const FDT_PROP: u32 = 3;
const FDT_NOP: u32 = 4;
const FDT_END: u32 = 9;

import { type CpuList, MPIDR_AFFINITY_MASK } from "./cpulist";
import { nameAt } from "./names";

/** Deepest node nesting followed (virt's tree is 4 deep; deeper nodes are skipped). */
const FDT_MAX_DEPTH = 16;
/** Upper bound on a blob we accept (the spec has none; firmware trees are a few KiB). */
const FDT_MAX_SIZE: u64 = 0x10_0000 * 16;

export const enum FdtStatus {
  Ok = 0,
  BadMagic = 1,
  BadHeader = 2,
  Truncated = 3,
  BadToken = 4,
  TooDeep = 5,
}

export const enum PsciMethod { None = 0, Hvc = 1, Smc = 2 }

export interface FdtInfo extends Struct {
  /** Ok, or why the blob was not (entirely) read; the fields hold what was found before. */
  status: FdtStatus;
  /** Total size from the header (0 when the header is bad). */
  totalSize: u32;
  version: u32;
  nodes: u32;
  uartFound: bool;
  uartBase: u64;
  uartSize: u64;
  psciFound: bool;
  psciMethod: PsciMethod;
  /** MPIDR affinities of the enabled CPUs, in tree order. */
  cpus: CpuList;
}

/** Per-depth state of the nodes currently open. */
interface FdtLevel extends Struct {
  addrCells: u32;   // #address-cells this node declares for its children (default 2)
  sizeCells: u32;   // #size-cells (default 1)
  pl011: bool;
  psci: bool;
  disabled: bool;
  regOff: u64;      // offset of this node's `reg` value in the blob (0: none)
  regLen: u32;
  method: PsciMethod;
  cpu: bool;        // device_type "cpu"
  notPsci: bool;    // an enable-method other than "psci"
}

function be32(p: Ptr<u8>, off: u64): u32 {
  return (u32(p[off]) << 24) | (u32(p[off + 1]) << 16) | (u32(p[off + 2]) << 8) | u32(p[off + 3]);
}

/** Reads `cells` (1 or 2) big-endian cells at off as one number. */
function beCells(p: Ptr<u8>, off: u64, cells: u32): u64 {
  if (cells == 1) return u64(be32(p, off));
  return (u64(be32(p, off)) << 32) | u64(be32(p, off + 4));
}

/** Whether the NUL-terminated string at p[off] (inside [off, end)) equals s. */
function strAt(p: Ptr<u8>, off: u64, end: u64, s: cstr): bool {
  let q: Ptr<u8> = cast<u8>(s);
  let i: u64 = 0;
  while (off + i < end) {
    let c: u8 = p[off + i];
    if (c != q[i]) return false;
    if (c == 0) return true;
    i++;
  }
  return false;
}

/** Whether some entry of a string list (NUL-separated, `len` bytes at off) starts with s. */
function listHasPrefix(p: Ptr<u8>, off: u64, len: u64, s: cstr): bool {
  let q: Ptr<u8> = cast<u8>(s);
  let n: u64 = strlen(s);
  let i: u64 = 0;
  while (i < len) {
    let j: u64 = 0;
    while (j < n && i + j < len && p[off + i + j] == q[j]) j++;
    if (j == n) return true;
    // Skip to the next entry.
    while (i < len && p[off + i] != 0) i++;
    i++;
  }
  return false;
}

/** Whether the string list entry equals s exactly. */
function listHas(p: Ptr<u8>, off: u64, len: u64, s: cstr): bool {
  let i: u64 = 0;
  while (i < len) {
    if (strAt(p, off + i, off + len, s)) return true;
    while (i < len && p[off + i] != 0) i++;
    i++;
  }
  return false;
}

function levelReset(l: Ptr<FdtLevel>): void {
  l.addrCells = 2;
  l.sizeCells = 1;
  l.pl011 = false;
  l.psci = false;
  l.disabled = false;
  l.regOff = 0;
  l.regLen = 0;
  l.method = PsciMethod.None;
  l.cpu = false;
  l.notPsci = false;
}

/**
 * Scans the blob at `blob` (at most `limit` bytes may be read; 0 = trust the header up to
 * an internal cap). The first enabled PL011 and the first PSCI node win.
 */
export function fdtScan(blob: Ptr<u8>, limit: u64): FdtInfo {
  let info: FdtInfo = zeroed<FdtInfo>();
  info.status = scan(blob, limit, addressOf(info));
  return info;
}

/** fdtScan's walk: fills `out` (zeroed) as it goes, returns the status. */
function scan(blob: Ptr<u8>, limit: u64, out: Ptr<FdtInfo>): FdtStatus {
  if (blob == null) return FdtStatus.BadHeader;
  if (limit != 0 && limit < 40) return FdtStatus.Truncated;
  if (be32(blob, 0) != FDT_MAGIC) return FdtStatus.BadMagic;
  let total: u64 = u64(be32(blob, 4));
  let offStruct: u64 = u64(be32(blob, 8));
  let offStrings: u64 = u64(be32(blob, 12));
  let version: u32 = be32(blob, 20);
  let sizeStrings: u64 = u64(be32(blob, 32));
  let sizeStruct: u64 = u64(be32(blob, 36));
  out.version = version;
  if (total < 40 || total > FDT_MAX_SIZE) return FdtStatus.BadHeader;
  if (limit != 0 && total > limit) return FdtStatus.Truncated;
  // Version 17 has size_dt_struct; 16 does not (then the struct block runs to the end).
  if (version < 17) sizeStruct = total - offStruct;
  if (offStruct >= total || (offStruct & 3) != 0 || sizeStruct > total - offStruct) return FdtStatus.BadHeader;
  if (offStrings > total || sizeStrings > total - offStrings) return FdtStatus.BadHeader;
  out.totalSize = u32(total);

  let lv: Arr<FdtLevel, 16> = zeroed<Arr<FdtLevel, 16>>();
  let depth: i32 = -1;            // index of the innermost open node
  let pos: u64 = offStruct;
  let end: u64 = offStruct + sizeStruct;
  while (true) {
    if (pos + 4 > end) return FdtStatus.Truncated;
    let tok: u32 = be32(blob, pos);
    pos += 4;
    if (tok == FDT_NOP) continue;
    if (tok == FDT_END) return depth == -1 ? FdtStatus.Ok : FdtStatus.Truncated;
    if (tok == FDT_BEGIN_NODE) {
      // The name, NUL-terminated, padded to 4 bytes.
      while (pos < end && blob[pos] != 0) pos++;
      if (pos >= end) return FdtStatus.Truncated;
      pos = (pos + 4) & ~u64(3);
      depth++;
      if (depth >= FDT_MAX_DEPTH) return FdtStatus.TooDeep;
      levelReset(addressOf(lv[depth]));
      out.nodes++;
      continue;
    }
    if (tok == FDT_END_NODE) {
      if (depth < 0) return FdtStatus.BadToken;
      let l: Ptr<FdtLevel> = addressOf(lv[depth]);
      if (l.pl011 && !l.disabled && !out.uartFound && l.regOff != 0 && depth > 0) {
        let parent: Ptr<FdtLevel> = addressOf(lv[depth - 1]);
        let ac: u32 = parent.addrCells;
        let sc: u32 = parent.sizeCells;
        if ((ac == 1 || ac == 2) && sc <= 2 && u64(l.regLen) >= u64(ac + sc) * 4) {
          out.uartFound = true;
          out.uartBase = beCells(blob, l.regOff, ac);
          out.uartSize = sc == 0 ? 0 : beCells(blob, l.regOff + u64(ac) * 4, sc);
        }
      }
      if (l.cpu && depth > 0) {
        let ac: u32 = lv[depth - 1].addrCells;
        if (l.disabled) out.cpus.disabled++;
        else if (l.notPsci || l.regOff == 0 || (ac != 1 && ac != 2) || u64(l.regLen) < u64(ac) * 4) out.cpus.unsupported++;
        else out.cpus.add(beCells(blob, l.regOff, ac) & MPIDR_AFFINITY_MASK);
      }
      if (l.psci && !l.disabled && !out.psciFound) {
        out.psciFound = true;
        out.psciMethod = l.method;
      }
      depth--;
      continue;
    }
    if (tok != FDT_PROP) return FdtStatus.BadToken;
    if (pos + 8 > end) return FdtStatus.Truncated;
    let len: u64 = u64(be32(blob, pos));
    let nameOff: u64 = u64(be32(blob, pos + 4));
    pos += 8;
    if (len > end - pos) return FdtStatus.Truncated;
    if (nameOff >= sizeStrings) return FdtStatus.BadHeader;
    let val: u64 = pos;
    pos = (pos + len + 3) & ~u64(3);
    if (depth < 0) return FdtStatus.BadToken;
    let cur: Ptr<FdtLevel> = addressOf(lv[depth]);
    let nm: u64 = offStrings + nameOff;
    let nmEnd: u64 = offStrings + sizeStrings;
    if (strAt(blob, nm, nmEnd, "compatible")) {
      if (listHas(blob, val, len, "arm,pl011")) cur.pl011 = true;
      if (listHasPrefix(blob, val, len, "arm,psci")) cur.psci = true;
    } else if (strAt(blob, nm, nmEnd, "reg")) {
      cur.regOff = val;
      cur.regLen = u32(len);
    } else if (strAt(blob, nm, nmEnd, "status")) {
      // "okay" (or the older "ok") enables; anything else ("disabled", "fail") does not.
      cur.disabled = !(listHas(blob, val, len, "okay") || listHas(blob, val, len, "ok"));
    } else if (strAt(blob, nm, nmEnd, "method")) {
      if (listHas(blob, val, len, "hvc")) cur.method = PsciMethod.Hvc;
      else if (listHas(blob, val, len, "smc")) cur.method = PsciMethod.Smc;
    } else if (strAt(blob, nm, nmEnd, "device_type")) {
      if (listHas(blob, val, len, "cpu")) cur.cpu = true;
    } else if (strAt(blob, nm, nmEnd, "enable-method")) {
      cur.notPsci = !listHas(blob, val, len, "psci");
    } else if (strAt(blob, nm, nmEnd, "#address-cells") && len == 4) {
      cur.addrCells = be32(blob, val);
    } else if (strAt(blob, nm, nmEnd, "#size-cells") && len == 4) {
      cur.sizeCells = be32(blob, val);
    }
  }
  return FdtStatus.Ok;
}

export function fdtStatusMessage(s: FdtStatus): cstr {
  return nameAt("\
ok\0\
not a flattened device tree (bad magic)\0\
device tree header is inconsistent\0\
device tree is truncated\0\
device tree structure block has a bad token\0\
device tree nests nodes too deeply\0\
",
    u64(s), "unknown device tree error");
}

export function psciMethodName(m: PsciMethod): cstr {
  if (m == PsciMethod.Hvc) return "hvc";
  if (m == PsciMethod.Smc) return "smc";
  return "none";
}
