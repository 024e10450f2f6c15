// x86_64 control-register and MSR bits that both the loader and the kernel read or set
// (Intel SDM vol. 3, 2.5 "Control Registers" and 2.2.1 "Extended Feature Enable Register").

/** IA32_EFER: long mode and no-execute. */
export const MSR_EFER: u32 = 0xC000_0080;
export const EFER_LMA: u64 = 1 << 10;
export const EFER_NXE: u64 = 1 << 11;
/** IA32_PAT: memory types of the page-table PAT/PCD/PWT combinations. */
export const MSR_PAT: u32 = 0x277;
/** CR0.WP: supervisor writes honour read-only pages. */
export const CR0_WP: u64 = 1 << 16;
