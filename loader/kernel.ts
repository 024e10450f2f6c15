// Reading, checking (sha256=, the ELF validator) and placing a tsboot kernel ELF.

import { type EfiFile, EFI_SUCCESS, EFI_NOT_FOUND, EFI_LOAD_ERROR, EFI_OUT_OF_RESOURCES, TSBOOT_KERNEL_MEMORY } from "../common/uefi";
import { type EfiFileData, efiReadFile, efiFreePages, efiAllocPagesFor } from "./efi";
import { log, logSerial, logText, logError } from "./log";
import { archElfMachine, archName } from "./arch/index";
import { type CfgEntry, cfgPathText } from "../common/cfg";
import { verifyFile } from "./verify";
import {
  type ElfImage, type ElfLimits, type Elf64Phdr, ElfStatus, elfValidate, elfLoad, elfStatusMessage, elfFieldName, elfReadPhdr,
  PT_LOAD, PF_R, PF_W, PF_X,
} from "../common/elf";
import { KERNEL_LINK_BASE } from "../common/bootinfo";
import { nameAt } from "../common/names";

/** The kernel window is the top 2 GiB (what -mcmodel=kernel can address). */
const KERNEL_MAX_SPAN: u64 = 0x4000_0000;

export interface LoadedKernel extends Struct {
  img: ElfImage;
  /** Physical base of the pages backing [img.vbase, img.vend). */
  phys: u64;
  pages: u64;
  /** The file as read (kept until segments are mapped, for their program headers). */
  file: EfiFileData;
}

/**
 * Reads entry e's kernel file, checks its sha256 (when boot.cfg gives one), validates it
 * and copies its segments into pages of the OS memory type TSBOOT_KERNEL_MEMORY. Returns
 * EFI_SUCCESS, EFI_NOT_FOUND (no kernel file), EFI_SECURITY_VIOLATION (sha256 mismatch),
 * EFI_LOAD_ERROR (not a valid kernel) or another firmware error, after logging why.
 */
export function loadKernel(root: Ptr<EfiFile>, e: Ptr<CfgEntry>, k: Ptr<LoadedKernel>): u64 {
  let path: cstr = cfgPathText(addressOf(e.path));
  efiReadFile(root, path, true, addressOf(k.file));
  if (k.file.status == EFI_NOT_FOUND) {
    logError(`kernel file ${path} not found on the boot volume (EFI_NOT_FOUND)`);
    log(`hint: copy the kernel to ${path} on the ESP, or change path= in \\tsboot\\boot.cfg`);
    return EFI_NOT_FOUND;
  }
  if (k.file.status != EFI_SUCCESS) return k.file.status;
  logSerial(`kernel file ${path}: ${k.file.size} bytes at ${hex(k.file.base)}`);
  let v: u64 = verifyFile(e, k.file.base, k.file.size);
  if (v != EFI_SUCCESS) {
    releaseKernelFile(k);
    return v;
  }

  let lim: ElfLimits = zeroed<ElfLimits>();
  lim.machine = archElfMachine();
  lim.vmin = KERNEL_LINK_BASE;
  lim.maxSpan = KERNEL_MAX_SPAN;
  let st: ElfStatus = elfValidate(ptr<u8>(k.file.base), k.file.size, addressOf(lim), addressOf(k.img));
  if (st != ElfStatus.Ok) {
    logText(`[loader] error: ${path} is not a valid ${archName()} kernel: ${elfStatusMessage(st)}\n` +
      `[loader]   detail: check ${u64(st)}`);
    if (k.img.badIndex >= 0) {
      logText(`, program header ${u64(k.img.badIndex)}`);
    }
    if (k.img.otherIndex >= 0) {
      logText(`, overlapping program header ${u64(k.img.otherIndex)}`);
    }
    logText(`, ${elfFieldName(k.img.badField)} = ${hex(k.img.badValue)}\n`);
    releaseKernelFile(k);
    return EFI_LOAD_ERROR;
  }
  logSerial(`kernel ELF ok: entry ${hex(k.img.entry)}, ${k.img.loadCount} PT_LOAD segments spanning ` +
    `${hex(k.img.vbase)}-${hex(k.img.vend)}`);

  k.pages = (k.img.vend - k.img.vbase) >> 12;
  k.phys = efiAllocPagesFor(k.pages, TSBOOT_KERNEL_MEMORY, "the kernel image of", path);
  if (k.phys == 0) {
    releaseKernelFile(k);
    return EFI_OUT_OF_RESOURCES;
  }
  elfLoad(ptr<u8>(k.file.base), addressOf(k.img), ptr<u8>(k.phys));
  logSerial(`kernel loaded at phys ${hex(k.phys)} (${k.pages} pages)`);
  return EFI_SUCCESS;
}

/** Program header i of the loaded kernel's file (valid until releaseKernelFile). */
export function kernelPhdr(k: Ptr<LoadedKernel>, i: u32, out: Ptr<Elf64Phdr>): void {
  out[0] = elfReadPhdr(ptr<u8>(k.file.base), k.img.phoff, i);
}

export function releaseKernelFile(k: Ptr<LoadedKernel>): void {
  if (k.file.base != 0) efiFreePages(k.file.base, k.file.pages);
  k.file.base = 0;
}

/** "R-X" style flags of a program header, for the log (PF_R 4, PF_W 2, PF_X 1 index the list). */
export function segmentFlags(flags: u32): cstr {
  return nameAt("---\0--X\0-W-\0-WX\0R--\0R-X\0RW-\0RWX\0", u64(flags & (PF_R | PF_W | PF_X)), "---");
}

export function isLoad(ph: Ptr<Elf64Phdr>): bool { return ph.type == PT_LOAD && ph.memsz != 0; }
