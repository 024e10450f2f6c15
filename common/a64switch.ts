// The aarch64 switch to a new translation regime, shared by the loader (entering the
// kernel) and the kernel (each secondary CPU entering it, from PSCI CPU_ON with the MMU
// off): MAIR, TCR, TTBR0, TTBR1, SCTLR, then the stack and a branch to `entry` with one
// argument. Two ways through:
//   mode 0: stay at the current exception level: EL1, or EL2 with VHE (HCR_EL2.E2H = 1),
//           where the *_EL1 register names reach the EL2&0 regime. Break-before-make for
//           the whole regime: MMU off, TLBI, the registers, TLBI, MMU on.
//   mode 1: EL2 without VHE to EL1: program the EL1 registers from EL2 (the EL1 regime is
//           not live), HCR_EL2.RW, SPSR_EL2 = EL1h with DAIF masked, ELR_EL2 = entry,
//           SP_EL1 = the stack, eret.

/**
 * The switch itself, with a register interface (both callers branch here with the
 * registers loaded): x0 MAIR, x1 TCR, x2 TTBR0, x3 TTBR1, x4 SCTLR, x5 the stack top,
 * x6 the entry, x7 the entry's argument, x8 the mode (0 or 1, above); x9 is scratch.
 * Between MMU off and MMU on data accesses are Device-nGnRnE and would bypass the
 * (dirty) D-cache, so the sequence touches no memory at all, not even the stack.
 *
 * Naked and reached by a branch, so never inlined: TTBR0's identity map covers this
 * function's own pages (the instructions after MMU on are fetched through it), and an
 * inlined copy would run from pages the new TTBR0 does not map.
 * @symbol tsboot_a64_mmu_switch
 * @naked
 */
export function a64MmuSwitch(): void {
  // EL1 / VHE path first; "1:" is the EL2-without-VHE path (CPACR_EL1.FPEN; HCR_EL2.RW only;
  // CPTR_EL2 RES1 bits, no FP traps; CNTHCTL_EL2.EL1PCTEN|EL1PCEN; CNTVOFF_EL2=0 so
  // CNTVCT == CNTPCT; VPIDR/VMPIDR = MIDR/MPIDR; SPSR_EL2 = EL1h with DAIF masked).
  if (target.aarch64) asm(
    "msr daifset, #0xf\n\t\
cbnz x8, 1f\n\t\
mrs x9, sctlr_el1\n\t\
bic x9, x9, #1\n\t\
msr sctlr_el1, x9\n\t\
isb\n\t\
tlbi vmalle1\n\t\
dsb ish\n\t\
isb\n\t\
msr mair_el1, x0\n\t\
msr tcr_el1, x1\n\t\
msr ttbr0_el1, x2\n\t\
msr ttbr1_el1, x3\n\t\
isb\n\t\
tlbi vmalle1\n\t\
dsb ish\n\t\
isb\n\t\
msr sctlr_el1, x4\n\t\
isb\n\t\
mov sp, x5\n\t\
mov x0, x7\n\t\
mov x29, xzr\n\t\
mov x30, xzr\n\t\
br x6\n\
1:\n\t\
msr mair_el1, x0\n\t\
msr tcr_el1, x1\n\t\
msr ttbr0_el1, x2\n\t\
msr ttbr1_el1, x3\n\t\
msr sctlr_el1, x4\n\t\
msr sp_el1, x5\n\t\
mov x9, #0x300000\n\t\
msr cpacr_el1, x9\n\t\
mov x9, #0x80000000\n\t\
msr hcr_el2, x9\n\t\
mov x9, #0x33ff\n\t\
msr cptr_el2, x9\n\t\
msr hstr_el2, xzr\n\t\
mrs x9, cnthctl_el2\n\t\
orr x9, x9, #3\n\t\
msr cnthctl_el2, x9\n\t\
msr cntvoff_el2, xzr\n\t\
mrs x9, midr_el1\n\t\
msr vpidr_el2, x9\n\t\
mrs x9, mpidr_el1\n\t\
msr vmpidr_el2, x9\n\t\
isb\n\t\
tlbi vmalle1\n\t\
dsb ish\n\t\
isb\n\t\
mov x9, #0x3c5\n\t\
msr spsr_el2, x9\n\t\
msr elr_el2, x6\n\t\
mov x0, x7\n\t\
mov x29, xzr\n\t\
mov x30, xzr\n\t\
eret",
    "",
  );
}

/** Loads the switch's registers and branches to it; from code running normally. */
export function a64MmuSwitchTo(mair: u64, tcr: u64, ttbr0: u64, ttbr1: u64, sctlr: u64, stackTop: u64, entry: u64, arg: u64, mode: u64): never {
  if (target.aarch64) {
    asm("b tsboot_a64_mmu_switch", "{x0},{x1},{x2},{x3},{x4},{x5},{x6},{x7},{x8},~{memory}",
      mair, tcr, ttbr0, ttbr1, sctlr, stackTop, entry, arg, mode);
  }
  unreachable();
}
