// Decoding of ESR_ELx, the aarch64 exception syndrome: the exception class (EC, bits
// 31..26), the instruction length (IL, bit 25) and, for aborts, the fault status code
// (bits 5..0 of the ISS) and the access. Names follow the Arm Architecture Reference
// Manual (ESR_ELx, "Exception Class" and "DFSC/IFSC" encodings).

export const EC_UNKNOWN: u64 = 0x00;
export const EC_IABT_LOWER: u64 = 0x20;
export const EC_IABT_SAME: u64 = 0x21;
export const EC_DABT_LOWER: u64 = 0x24;
export const EC_DABT_SAME: u64 = 0x25;
export const EC_BRK: u64 = 0x3C;

export function esrClass(esr: u64): u64 {
  return (esr >> 26) & 0x3F;
}

/** The name of exception class `ec`. */
export function esrClassName(ec: u64): cstr {
  switch (ec) {
    case 0x00: return "unknown reason (undefined instruction)";
    case 0x01: return "trapped WFI or WFE";
    case 0x03: return "trapped MCR or MRC (coproc 0b1111, AArch32)";
    case 0x04: return "trapped MCRR or MRRC (coproc 0b1111, AArch32)";
    case 0x05: return "trapped MCR or MRC (coproc 0b1110, AArch32)";
    case 0x06: return "trapped LDC or STC (AArch32)";
    case 0x07: return "access to SME, SVE, Advanced SIMD or floating point trapped";
    case 0x08: return "trapped VMRS (AArch32)";
    case 0x09: return "trapped pointer authentication instruction";
    case 0x0A: return "trapped LD64B or ST64B*";
    case 0x0C: return "trapped MRRC (coproc 0b1110, AArch32)";
    case 0x0D: return "branch target exception";
    case 0x0E: return "illegal execution state";
    case 0x11: return "SVC (AArch32)";
    case 0x12: return "HVC (AArch32)";
    case 0x13: return "SMC (AArch32)";
    case 0x15: return "SVC";
    case 0x16: return "HVC";
    case 0x17: return "SMC";
    case 0x18: return "trapped MSR, MRS or system instruction";
    case 0x19: return "access to SVE trapped";
    case 0x1A: return "trapped ERET";
    case 0x1B: return "TSTART in a transaction";
    case 0x1C: return "pointer authentication failure";
    case 0x1D: return "access to SME trapped";
    case 0x1F: return "implementation defined exception to EL3";
    case 0x20: return "instruction abort from a lower exception level";
    case 0x21: return "instruction abort";
    case 0x22: return "PC alignment fault";
    case 0x24: return "data abort from a lower exception level";
    case 0x25: return "data abort";
    case 0x26: return "SP alignment fault";
    case 0x27: return "memory operation exception";
    case 0x28: return "trapped floating-point exception (AArch32)";
    case 0x2C: return "trapped floating-point exception";
    case 0x2F: return "SError interrupt";
    case 0x30: return "breakpoint from a lower exception level";
    case 0x31: return "breakpoint";
    case 0x32: return "software step from a lower exception level";
    case 0x33: return "software step";
    case 0x34: return "watchpoint from a lower exception level";
    case 0x35: return "watchpoint";
    case 0x38: return "BKPT (AArch32)";
    case 0x3A: return "vector catch (AArch32)";
    case 0x3C: return "BRK instruction";
  }
  return "unallocated exception class";
}

/** Whether FAR_ELx holds the faulting address for this class. */
export function esrHasFaultAddress(ec: u64): bool {
  return ec == EC_IABT_LOWER || ec == EC_IABT_SAME || ec == EC_DABT_LOWER || ec == EC_DABT_SAME
    || ec == 0x22 || ec == 0x34 || ec == 0x35;
}

export function esrIsAbort(ec: u64): bool {
  return ec == EC_IABT_LOWER || ec == EC_IABT_SAME || ec == EC_DABT_LOWER || ec == EC_DABT_SAME;
}

/** The kind of a data/instruction fault status code (DFSC/IFSC, ISS bits 5..0), without its level. */
export function esrFaultStatusName(fsc: u64): cstr {
  if (fsc <= 0x03) return "address size fault";
  if (fsc >= 0x04 && fsc <= 0x07) return "translation fault";
  if (fsc >= 0x08 && fsc <= 0x0B) return "access flag fault";
  if (fsc >= 0x0C && fsc <= 0x0F) return "permission fault";
  if (fsc == 0x10) return "synchronous external abort";
  if (fsc == 0x11) return "synchronous tag check fault";
  if (fsc == 0x13) return "synchronous external abort on a table walk, level -1";
  if (fsc >= 0x14 && fsc <= 0x17) return "synchronous external abort on a table walk";
  if (fsc == 0x18) return "synchronous parity or ECC error";
  if (fsc >= 0x1C && fsc <= 0x1F) return "synchronous parity or ECC error on a table walk";
  if (fsc == 0x21) return "alignment fault";
  if (fsc == 0x23) return "granule protection fault on a table walk, level -1";
  if (fsc >= 0x24 && fsc <= 0x27) return "granule protection fault on a table walk";
  if (fsc == 0x28) return "granule protection fault";
  if (fsc == 0x29) return "address size fault, level -1";
  if (fsc == 0x2B) return "translation fault, level -1";
  if (fsc == 0x30) return "TLB conflict abort";
  if (fsc == 0x31) return "unsupported atomic hardware update fault";
  if (fsc == 0x34) return "implementation defined fault (lockdown)";
  if (fsc == 0x35) return "implementation defined fault (unsupported exclusive or atomic access)";
  return "reserved fault status code";
}

/** Whether the fault status code carries a translation level in its low two bits. */
export function esrFaultStatusHasLevel(fsc: u64): bool {
  return fsc <= 0x0F || (fsc >= 0x14 && fsc <= 0x17) || (fsc >= 0x1C && fsc <= 0x1F) || (fsc >= 0x24 && fsc <= 0x27);
}

/**
 * Prints the ISS of an abort: `DFSC 0x05 translation fault, level 1; read` (the access
 * direction for data aborts; `on a stage 1 table walk` when S1PTW is set).
 */
export function esrPrintAbort(esr: u64): void {
  let ec: u64 = esrClass(esr);
  let fsc: u64 = esr & 0x3F;
  let data: bool = ec == EC_DABT_LOWER || ec == EC_DABT_SAME;
  print(`${data ? "DFSC " : "IFSC "}${hex(fsc, 2)} ${esrFaultStatusName(fsc)}`);
  if (esrFaultStatusHasLevel(fsc)) {
    print(`, level ${fsc & 3}`);
  }
  if (data) {
    // WnR (bit 6) is the direction; a cache maintenance operation (CM, bit 8) reports as a write.
    if ((esr & (1 << 8)) != 0) print("; cache maintenance");
    else print((esr & (1 << 6)) != 0 ? "; write" : "; read");
  } else {
    print("; instruction fetch");
  }
  if ((esr & (1 << 7)) != 0) print("; on a stage 1 table walk");
  if ((esr & (1 << 10)) != 0) print("; FAR not valid");
}
