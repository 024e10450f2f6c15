// Raw UEFI bindings (UEFI 2.10 spec layouts) as subset structs. This module is the "raw"
// layer: exact C layouts, every firmware entry point as an Efiapi function pointer (a
// protocol function that takes its protocol first is an EfiMethod: `p.F(args)` passes p), no
// policy. It is shared: loader/efi.ts builds the checked boot-services helpers on top, and
// the kernel uses the runtime-services part (kernel-stub/mm/runtime.ts).
//
// Pointer-sized fields (UINTN, handles, pointers) are 64 bits on both x86_64 and aarch64.
// Entries the loader never calls are still declared (as Ptr<void>) so every later field
// sits at its spec offset; offsets are noted where a mistake would be silent.

import { nameAt } from "./names";

export type EfiStatus = u64;
export type EfiHandle = Ptr<void>;

export const EFI_SUCCESS: u64 = 0;
export const EFI_ERROR_BIT: u64 = 0x8000_0000_0000_0000;
export const EFI_LOAD_ERROR: u64 = 0x8000_0000_0000_0001;
export const EFI_INVALID_PARAMETER: u64 = 0x8000_0000_0000_0002;
export const EFI_UNSUPPORTED: u64 = 0x8000_0000_0000_0003;
export const EFI_BAD_BUFFER_SIZE: u64 = 0x8000_0000_0000_0004;
export const EFI_BUFFER_TOO_SMALL: u64 = 0x8000_0000_0000_0005;
export const EFI_NOT_READY: u64 = 0x8000_0000_0000_0006;
export const EFI_DEVICE_ERROR: u64 = 0x8000_0000_0000_0007;
export const EFI_WRITE_PROTECTED: u64 = 0x8000_0000_0000_0008;
export const EFI_OUT_OF_RESOURCES: u64 = 0x8000_0000_0000_0009;
export const EFI_VOLUME_CORRUPTED: u64 = 0x8000_0000_0000_000A;
export const EFI_VOLUME_FULL: u64 = 0x8000_0000_0000_000B;
export const EFI_NO_MEDIA: u64 = 0x8000_0000_0000_000C;
export const EFI_MEDIA_CHANGED: u64 = 0x8000_0000_0000_000D;
export const EFI_NOT_FOUND: u64 = 0x8000_0000_0000_000E;
export const EFI_ACCESS_DENIED: u64 = 0x8000_0000_0000_000F;
export const EFI_NO_RESPONSE: u64 = 0x8000_0000_0000_0010;
export const EFI_NO_MAPPING: u64 = 0x8000_0000_0000_0011;
export const EFI_TIMEOUT: u64 = 0x8000_0000_0000_0012;
export const EFI_NOT_STARTED: u64 = 0x8000_0000_0000_0013;
export const EFI_ALREADY_STARTED: u64 = 0x8000_0000_0000_0014;
export const EFI_ABORTED: u64 = 0x8000_0000_0000_0015;
export const EFI_ICMP_ERROR: u64 = 0x8000_0000_0000_0016;
export const EFI_TFTP_ERROR: u64 = 0x8000_0000_0000_0017;
export const EFI_PROTOCOL_ERROR: u64 = 0x8000_0000_0000_0018;
export const EFI_INCOMPATIBLE_VERSION: u64 = 0x8000_0000_0000_0019;
export const EFI_SECURITY_VIOLATION: u64 = 0x8000_0000_0000_001A;
export const EFI_CRC_ERROR: u64 = 0x8000_0000_0000_001B;
export const EFI_END_OF_MEDIA: u64 = 0x8000_0000_0000_001C;
export const EFI_END_OF_FILE: u64 = 0x8000_0000_0000_001F;
export const EFI_INVALID_LANGUAGE: u64 = 0x8000_0000_0000_0020;
export const EFI_COMPROMISED_DATA: u64 = 0x8000_0000_0000_0021;

export interface EfiGuid extends Struct { Data1: u32; Data2: u16; Data3: u16; Data4: Arr<u8, 8> }

export interface EfiTableHeader extends Struct {
  Signature: u64;
  Revision: u32;
  HeaderSize: u32;
  CRC32: u32;
  Reserved: u32;
}

// ---- memory ---------------------------------------------------------------------------
export const enum EfiAllocateType { AnyPages = 0, MaxAddress = 1, Address = 2 }

export const enum EfiMemoryType {
  Reserved = 0,
  LoaderCode = 1,
  LoaderData = 2,
  BootServicesCode = 3,
  BootServicesData = 4,
  RuntimeServicesCode = 5,
  RuntimeServicesData = 6,
  Conventional = 7,
  Unusable = 8,
  AcpiReclaim = 9,
  AcpiNvs = 10,
  MemoryMappedIo = 11,
  MemoryMappedIoPortSpace = 12,
  PalCode = 13,
  Persistent = 14,
  Unaccepted = 15,
}

/** One descriptor. The firmware's stride is the DescriptorSize it returns (48 on OVMF),
 *  never sizeof(EfiMemoryDescriptor) (40). */
export interface EfiMemoryDescriptor extends Struct {
  Type: u32;
  Pad: u32;
  PhysicalStart: u64;  // offset 8
  VirtualStart: u64;
  NumberOfPages: u64;
  Attribute: u64;      // offset 32
}

export const EFI_MEMORY_UC: u64 = 0x1;
export const EFI_MEMORY_WC: u64 = 0x2;
export const EFI_MEMORY_WT: u64 = 0x4;
export const EFI_MEMORY_WB: u64 = 0x8;
export const EFI_MEMORY_UCE: u64 = 0x10;
export const EFI_MEMORY_WP: u64 = 0x1000;
export const EFI_MEMORY_RP: u64 = 0x2000;
export const EFI_MEMORY_XP: u64 = 0x4000;
export const EFI_MEMORY_NV: u64 = 0x8000;
export const EFI_MEMORY_MORE_RELIABLE: u64 = 0x10000;
export const EFI_MEMORY_RO: u64 = 0x20000;
export const EFI_MEMORY_SP: u64 = 0x40000;
export const EFI_MEMORY_RUNTIME: u64 = 0x8000_0000_0000_0000;

/** An OS-defined memory type (0x80000000..0xFFFFFFFF are reserved for OS loaders): the
 *  loader allocates the kernel's segments with it so they can be told apart in the final map. */
export const TSBOOT_KERNEL_MEMORY: u32 = 0x8000_5453;

// ---- boot services --------------------------------------------------------------------
export type AllocatePagesFn = Efiapi<(type: u32, memoryType: u32, pages: u64, memory: Ptr<u64>) => EfiStatus>;
export type FreePagesFn = Efiapi<(memory: u64, pages: u64) => EfiStatus>;
export type GetMemoryMapFn = Efiapi<(mapSize: Ptr<u64>, map: Ptr<EfiMemoryDescriptor>, mapKey: Ptr<u64>, descSize: Ptr<u64>, descVersion: Ptr<u32>) => EfiStatus>;
export type AllocatePoolFn = Efiapi<(poolType: u32, size: u64, buffer: Ptr<Ptr<void>>) => EfiStatus>;
export type FreePoolFn = Efiapi<(buffer: Ptr<void>) => EfiStatus>;
export type HandleProtocolFn = Efiapi<(handle: EfiHandle, protocol: Ptr<EfiGuid>, iface: Ptr<Ptr<void>>) => EfiStatus>;
export type ExitFn = Efiapi<(image: EfiHandle, status: EfiStatus, dataSize: u64, data: Ptr<u16>) => EfiStatus>;
export type ExitBootServicesFn = Efiapi<(image: EfiHandle, mapKey: u64) => EfiStatus>;
export type StallFn = Efiapi<(microseconds: u64) => EfiStatus>;
export type SetWatchdogTimerFn = Efiapi<(timeout: u64, code: u64, dataSize: u64, data: Ptr<u16>) => EfiStatus>;
export type OpenProtocolFn = Efiapi<(handle: EfiHandle, protocol: Ptr<EfiGuid>, iface: Ptr<Ptr<void>>, agent: EfiHandle, controller: EfiHandle, attributes: u32) => EfiStatus>;
export type CloseProtocolFn = Efiapi<(handle: EfiHandle, protocol: Ptr<EfiGuid>, agent: EfiHandle, controller: EfiHandle) => EfiStatus>;
export type LocateProtocolFn = Efiapi<(protocol: Ptr<EfiGuid>, registration: Ptr<void>, iface: Ptr<Ptr<void>>) => EfiStatus>;
export type EfiEvent = Ptr<void>;
export type CreateEventFn = Efiapi<(type: u32, tpl: u64, notify: Ptr<void>, context: Ptr<void>, event: Ptr<EfiEvent>) => EfiStatus>;
export type SetTimerFn = Efiapi<(event: EfiEvent, type: u32, triggerTime: u64) => EfiStatus>;
export type WaitForEventFn = Efiapi<(count: u64, events: Ptr<EfiEvent>, index: Ptr<u64>) => EfiStatus>;
export type CloseEventFn = Efiapi<(event: EfiEvent) => EfiStatus>;
/** EFI_SUCCESS when the event was signaled (and clears it), EFI_NOT_READY when not. */
export type CheckEventFn = Efiapi<(event: EfiEvent) => EfiStatus>;
export type InstallProtocolInterfaceFn = Efiapi<(handle: Ptr<EfiHandle>, protocol: Ptr<EfiGuid>, ifaceType: u32, iface: Ptr<void>) => EfiStatus>;
export type UninstallProtocolInterfaceFn = Efiapi<(handle: EfiHandle, protocol: Ptr<EfiGuid>, iface: Ptr<void>) => EfiStatus>;
/** LoadImage with SourceBuffer set: the image is taken from memory, FilePath only names it. */
export type LoadImageFn = Efiapi<(bootPolicy: u8, parent: EfiHandle, path: Ptr<EfiDevicePath>, source: Ptr<void>, size: u64, image: Ptr<EfiHandle>) => EfiStatus>;
export type StartImageFn = Efiapi<(image: EfiHandle, exitDataSize: Ptr<u64>, exitData: Ptr<Ptr<u16>>) => EfiStatus>;
export type UnloadImageFn = Efiapi<(image: EfiHandle) => EfiStatus>;

/** CreateEvent type of a timer event; SetTimer type of a one-shot relative timer (100 ns units). */
export const EVT_TIMER: u32 = 0x8000_0000;
export const TIMER_RELATIVE: u32 = 2;
export const TPL_CALLBACK: u64 = 8;
/** InstallProtocolInterface's only interface type. */
export const EFI_NATIVE_INTERFACE: u32 = 0;
/** Fills `*buffer` with a pool allocation of `*count` handles (free it with FreePool). */
export type LocateHandleBufferFn = Efiapi<(searchType: u32, protocol: Ptr<EfiGuid>, key: Ptr<void>, count: Ptr<u64>, buffer: Ptr<Ptr<EfiHandle>>) => EfiStatus>;
/** EFI_LOCATE_SEARCH_TYPE ByProtocol. */
export const EFI_LOCATE_BY_PROTOCOL: u32 = 2;

export type RaiseTplFn = Efiapi<(newTpl: u64) => u64>;
export type RestoreTplFn = Efiapi<(oldTpl: u64) => void>;
export type SignalEventFn = Efiapi<(event: EfiEvent) => EfiStatus>;
export type ReinstallProtocolInterfaceFn = Efiapi<(handle: EfiHandle, protocol: Ptr<EfiGuid>, oldIface: Ptr<void>,
  newIface: Ptr<void>) => EfiStatus>;
export type RegisterProtocolNotifyFn = Efiapi<(protocol: Ptr<EfiGuid>, event: EfiEvent,
  registration: Ptr<Ptr<void>>) => EfiStatus>;
/** `*size` is in bytes, in and out; EFI_BUFFER_TOO_SMALL sets it to what is needed. */
export type LocateHandleFn = Efiapi<(searchType: u32, protocol: Ptr<EfiGuid>, key: Ptr<void>, size: Ptr<u64>,
  buffer: Ptr<EfiHandle>) => EfiStatus>;
export type LocateDevicePathFn = Efiapi<(protocol: Ptr<EfiGuid>, path: Ptr<Ptr<EfiDevicePath>>,
  device: Ptr<EfiHandle>) => EfiStatus>;
export type InstallConfigurationTableFn = Efiapi<(guid: Ptr<EfiGuid>, table: Ptr<void>) => EfiStatus>;
export type GetNextMonotonicCountFn = Efiapi<(count: Ptr<u64>) => EfiStatus>;
/** `drivers` is a null-terminated list of driver image handles (or null). */
export type ConnectControllerFn = Efiapi<(controller: EfiHandle, drivers: Ptr<EfiHandle>,
  remainingPath: Ptr<EfiDevicePath>, recursive: bool) => EfiStatus>;
export type DisconnectControllerFn = Efiapi<(controller: EfiHandle, driver: EfiHandle, child: EfiHandle) => EfiStatus>;
/** EFI_OPEN_PROTOCOL_INFORMATION_ENTRY. */
export interface EfiOpenProtocolInformationEntry extends Struct {
  AgentHandle: EfiHandle; ControllerHandle: EfiHandle; Attributes: u32; OpenCount: u32;
}
export type OpenProtocolInformationFn = Efiapi<(handle: EfiHandle, protocol: Ptr<EfiGuid>,
  entries: Ptr<Ptr<EfiOpenProtocolInformationEntry>>, count: Ptr<u64>) => EfiStatus>;
export type ProtocolsPerHandleFn = Efiapi<(handle: EfiHandle, guids: Ptr<Ptr<Ptr<EfiGuid>>>,
  count: Ptr<u64>) => EfiStatus>;
export type CalculateCrc32Fn = Efiapi<(data: Ptr<void>, size: u64, crc: Ptr<u32>) => EfiStatus>;
export type CopyMemFn = Efiapi<(dst: Ptr<void>, src: Ptr<void>, size: u64) => void>;
export type SetMemFn = Efiapi<(buffer: Ptr<void>, size: u64, value: u8) => void>;
export type CreateEventExFn = Efiapi<(type: u32, tpl: u64, notify: Ptr<void>, context: Ptr<void>, group: Ptr<EfiGuid>,
  event: Ptr<EfiEvent>) => EfiStatus>;

export const EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL: u32 = 0x01;
export const EFI_OPEN_PROTOCOL_GET_PROTOCOL: u32 = 0x02;

export interface EfiBootServices extends Struct {
  Hdr: EfiTableHeader;
  RaiseTPL: RaiseTplFn;
  RestoreTPL: RestoreTplFn;
  AllocatePages: AllocatePagesFn;         // offset 40
  FreePages: FreePagesFn;
  GetMemoryMap: GetMemoryMapFn;           // offset 56
  AllocatePool: AllocatePoolFn;
  FreePool: FreePoolFn;
  CreateEvent: CreateEventFn;            // offset 80
  SetTimer: SetTimerFn;
  WaitForEvent: WaitForEventFn;
  SignalEvent: SignalEventFn;
  CloseEvent: CloseEventFn;
  CheckEvent: CheckEventFn;
  InstallProtocolInterface: InstallProtocolInterfaceFn; // offset 128
  ReinstallProtocolInterface: ReinstallProtocolInterfaceFn;
  UninstallProtocolInterface: UninstallProtocolInterfaceFn;
  HandleProtocol: HandleProtocolFn;       // offset 152
  Reserved: Ptr<void>;
  RegisterProtocolNotify: RegisterProtocolNotifyFn;
  LocateHandle: LocateHandleFn;
  LocateDevicePath: LocateDevicePathFn;
  InstallConfigurationTable: InstallConfigurationTableFn;
  LoadImage: LoadImageFn;                // offset 200
  StartImage: StartImageFn;
  Exit: ExitFn;
  UnloadImage: UnloadImageFn;
  ExitBootServices: ExitBootServicesFn;   // offset 232
  GetNextMonotonicCount: GetNextMonotonicCountFn;
  Stall: StallFn;                         // offset 248
  SetWatchdogTimer: SetWatchdogTimerFn;
  ConnectController: ConnectControllerFn;
  DisconnectController: DisconnectControllerFn;
  OpenProtocol: OpenProtocolFn;           // offset 280
  CloseProtocol: CloseProtocolFn;
  OpenProtocolInformation: OpenProtocolInformationFn;
  ProtocolsPerHandle: ProtocolsPerHandleFn;
  LocateHandleBuffer: LocateHandleBufferFn; // offset 312
  LocateProtocol: LocateProtocolFn;       // offset 320
  InstallMultipleProtocolInterfaces: Ptr<void>;   // variadic: no subset type
  UninstallMultipleProtocolInterfaces: Ptr<void>; // variadic: no subset type
  CalculateCrc32: CalculateCrc32Fn;
  CopyMem: CopyMemFn;
  SetMem: SetMemFn;
  CreateEventEx: CreateEventExFn;         // offset 368; size 376
}

// ---- runtime services -----------------------------------------------------------------
export interface EfiTime extends Struct {
  Year: u16; Month: u8; Day: u8; Hour: u8; Minute: u8; Second: u8; Pad1: u8;
  Nanosecond: u32; TimeZone: i16; Daylight: u8; Pad2: u8;
}
/** EFI_TIME.TimeZone when the time is local time of an unknown zone. */
export const EFI_UNSPECIFIED_TIMEZONE: i16 = 0x07FF;
export interface EfiTimeCapabilities extends Struct {
  Resolution: u32;
  Accuracy: u32;
  SetsToZero: u8;
}
export type GetTimeFn = Efiapi<(time: Ptr<EfiTime>, caps: Ptr<EfiTimeCapabilities>) => EfiStatus>;
/** EFI_RUNTIME_SERVICES.Hdr.Signature: "RUNTSERV" as a little-endian u64. */
export const EFI_RUNTIME_SERVICES_SIGNATURE: u64 = 0x5652_4553_544E_5552;
export type GetVariableFn = Efiapi<(name: wstr, vendor: Ptr<EfiGuid>, attributes: Ptr<u32>, dataSize: Ptr<u64>, data: Ptr<void>) => EfiStatus>;
export type ResetSystemFn = Efiapi<(resetType: u32, status: EfiStatus, dataSize: u64, data: Ptr<void>) => void>;
/** Called once, after ExitBootServices, still on the firmware's identity mapping: it
 *  relocates the runtime images to the VirtualStart of each runtime descriptor in `map`. */
export type SetVirtualAddressMapFn = Efiapi<(mapSize: u64, descSize: u64, descVersion: u32, map: Ptr<EfiMemoryDescriptor>) => EfiStatus>;
export type SetTimeFn = Efiapi<(time: Ptr<EfiTime>) => EfiStatus>;
export type GetWakeupTimeFn = Efiapi<(enabled: Ptr<bool>, pending: Ptr<bool>, time: Ptr<EfiTime>) => EfiStatus>;
export type SetWakeupTimeFn = Efiapi<(enable: bool, time: Ptr<EfiTime>) => EfiStatus>;
export type ConvertPointerFn = Efiapi<(debugDisposition: u64, address: Ptr<Ptr<void>>) => EfiStatus>;
export type GetNextVariableNameFn = Efiapi<(nameSize: Ptr<u64>, name: Ptr<u16>, vendor: Ptr<EfiGuid>) => EfiStatus>;
export type SetVariableFn = Efiapi<(name: wstr, vendor: Ptr<EfiGuid>, attributes: u32, dataSize: u64,
  data: Ptr<void>) => EfiStatus>;
export type GetNextHighMonotonicCountFn = Efiapi<(high: Ptr<u32>) => EfiStatus>;
/** `capsules` points at `count` EFI_CAPSULE_HEADER pointers. */
export type UpdateCapsuleFn = Efiapi<(capsules: Ptr<Ptr<void>>, count: u64, scatterGatherList: u64) => EfiStatus>;
export type QueryCapsuleCapabilitiesFn = Efiapi<(capsules: Ptr<Ptr<void>>, count: u64, maxSize: Ptr<u64>,
  resetType: Ptr<u32>) => EfiStatus>;
export type QueryVariableInfoFn = Efiapi<(attributes: u32, maxStorage: Ptr<u64>, remainingStorage: Ptr<u64>,
  maxVariableSize: Ptr<u64>) => EfiStatus>;

export interface EfiRuntimeServices extends Struct {
  Hdr: EfiTableHeader;
  GetTime: GetTimeFn;
  SetTime: SetTimeFn;
  GetWakeupTime: GetWakeupTimeFn;
  SetWakeupTime: SetWakeupTimeFn;
  SetVirtualAddressMap: SetVirtualAddressMapFn; // offset 56
  ConvertPointer: ConvertPointerFn;
  GetVariable: GetVariableFn;           // offset 72
  GetNextVariableName: GetNextVariableNameFn;
  SetVariable: SetVariableFn;
  GetNextHighMonotonicCount: GetNextHighMonotonicCountFn;
  ResetSystem: ResetSystemFn;             // offset 104
  UpdateCapsule: UpdateCapsuleFn;
  QueryCapsuleCapabilities: QueryCapsuleCapabilitiesFn;
  QueryVariableInfo: QueryVariableInfoFn;  // size 136
}

/**
 * EFI_MEMORY_ATTRIBUTES_TABLE (UEFI 2.10 section 4.6.4), a configuration table: the runtime
 * images split into pages that may be read-only (EFI_MEMORY_RO: code) and pages that must
 * not be executed (EFI_MEMORY_XP: data). NumberOfEntries descriptors of DescriptorSize
 * bytes follow the header.
 */
export interface EfiMemoryAttributesTable extends Struct {
  Version: u32;
  NumberOfEntries: u32;
  DescriptorSize: u32;
  Flags: u32;                             // "Reserved" in version 1; size 16
}

// ---- console --------------------------------------------------------------------------
export interface EfiSimpleTextOutputMode extends Struct {
  MaxMode: i32; Mode: i32; Attribute: i32; CursorColumn: i32; CursorRow: i32; CursorVisible: bool;
}
export type TextResetFn = EfiMethod<(self: Ptr<EfiSimpleTextOutput>, extended: bool) => EfiStatus>;
export type OutputStringFn = EfiMethod<(self: Ptr<EfiSimpleTextOutput>, s: Ptr<u16>) => EfiStatus>;
export type ClearScreenFn = EfiMethod<(self: Ptr<EfiSimpleTextOutput>) => EfiStatus>;
export type TestStringFn = Efiapi<(self: Ptr<EfiSimpleTextOutput>, s: Ptr<u16>) => EfiStatus>;
export type TextQueryModeFn = Efiapi<(self: Ptr<EfiSimpleTextOutput>, mode: u64, columns: Ptr<u64>,
  rows: Ptr<u64>) => EfiStatus>;
export type TextSetModeFn = Efiapi<(self: Ptr<EfiSimpleTextOutput>, mode: u64) => EfiStatus>;
export type SetAttributeFn = Efiapi<(self: Ptr<EfiSimpleTextOutput>, attribute: u64) => EfiStatus>;
export type SetCursorPositionFn = Efiapi<(self: Ptr<EfiSimpleTextOutput>, column: u64, row: u64) => EfiStatus>;
export type EnableCursorFn = Efiapi<(self: Ptr<EfiSimpleTextOutput>, visible: bool) => EfiStatus>;

export interface EfiSimpleTextOutput extends Struct {
  Reset: TextResetFn;
  OutputString: OutputStringFn;
  TestString: TestStringFn;
  QueryMode: TextQueryModeFn;
  SetMode: TextSetModeFn;
  SetAttribute: SetAttributeFn;
  ClearScreen: ClearScreenFn;             // offset 48
  SetCursorPosition: SetCursorPositionFn;
  EnableCursor: EnableCursorFn;
  Mode: Ptr<EfiSimpleTextOutputMode>;
}

// ---- console input --------------------------------------------------------------------
export interface EfiInputKey extends Struct { ScanCode: u16; UnicodeChar: u16 }
export type ReadKeyStrokeFn = EfiMethod<(self: Ptr<EfiSimpleTextInput>, key: Ptr<EfiInputKey>) => EfiStatus>;
export type InputResetFn = EfiMethod<(self: Ptr<void>, extended: u8) => EfiStatus>;

/** EFI_SIMPLE_TEXT_INPUT_PROTOCOL (SystemTable.ConIn). */
export interface EfiSimpleTextInput extends Struct {
  Reset: InputResetFn;
  ReadKeyStroke: ReadKeyStrokeFn;
  WaitForKey: EfiEvent;                   // offset 16
}

/** EFI_KEY_DATA: the key and the shift/toggle state (size 12). */
export interface EfiKeyData extends Struct {
  Key: EfiInputKey;
  KeyShiftState: u32;
  KeyToggleState: u8;
}
export type ReadKeyStrokeExFn = EfiMethod<(self: Ptr<EfiSimpleTextInputEx>, key: Ptr<EfiKeyData>) => EfiStatus>;
export type SetStateFn = Efiapi<(self: Ptr<EfiSimpleTextInputEx>, toggleState: Ptr<u8>) => EfiStatus>;
export type KeyNotifyFn = Efiapi<(key: Ptr<EfiKeyData>) => EfiStatus>;
export type RegisterKeyNotifyFn = Efiapi<(self: Ptr<EfiSimpleTextInputEx>, key: Ptr<EfiKeyData>, notify: KeyNotifyFn,
  handle: Ptr<Ptr<void>>) => EfiStatus>;
export type UnregisterKeyNotifyFn = Efiapi<(self: Ptr<EfiSimpleTextInputEx>, handle: Ptr<void>) => EfiStatus>;

/** EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL, on SystemTable.ConsoleInHandle where the firmware has it. */
export interface EfiSimpleTextInputEx extends Struct {
  Reset: InputResetFn;
  ReadKeyStrokeEx: ReadKeyStrokeExFn;
  WaitForKeyEx: EfiEvent;                 // offset 16
  SetState: SetStateFn;
  RegisterKeyNotify: RegisterKeyNotifyFn;
  UnregisterKeyNotify: UnregisterKeyNotifyFn;
}

/** EFI_INPUT_KEY.ScanCode values (UEFI 2.10 table 12.2). */
export const SCAN_UP: u16 = 0x01;
export const SCAN_DOWN: u16 = 0x02;
export const SCAN_RIGHT: u16 = 0x03;
export const SCAN_LEFT: u16 = 0x04;
export const SCAN_HOME: u16 = 0x05;
export const SCAN_END: u16 = 0x06;
export const SCAN_DELETE: u16 = 0x08;
export const SCAN_ESC: u16 = 0x17;

// ---- system table ---------------------------------------------------------------------
export interface EfiConfigurationTable extends Struct {
  VendorGuid: EfiGuid;
  VendorTable: Ptr<void>;  // offset 16; size 24
}

export interface EfiSystemTable extends Struct {
  Hdr: EfiTableHeader;
  FirmwareVendor: Ptr<u16>;               // offset 24
  FirmwareRevision: u32;
  ConsoleInHandle: EfiHandle;             // offset 40
  ConIn: Ptr<EfiSimpleTextInput>;
  ConsoleOutHandle: EfiHandle;
  ConOut: Ptr<EfiSimpleTextOutput>;       // offset 64
  StandardErrorHandle: EfiHandle;
  StdErr: Ptr<EfiSimpleTextOutput>;
  RuntimeServices: Ptr<EfiRuntimeServices>; // offset 88
  BootServices: Ptr<EfiBootServices>;     // offset 96
  NumberOfTableEntries: u64;
  ConfigurationTable: Ptr<EfiConfigurationTable>; // offset 112; size 120
}

// ---- loaded image ---------------------------------------------------------------------
export interface EfiLoadedImage extends Struct {
  Revision: u32;
  ParentHandle: EfiHandle;                // offset 8
  SystemTable: Ptr<EfiSystemTable>;
  DeviceHandle: EfiHandle;                // offset 24
  FilePath: Ptr<EfiDevicePath>;
  Reserved: Ptr<void>;
  LoadOptionsSize: u32;                   // offset 48
  LoadOptions: Ptr<void>;                 // offset 56
  ImageBase: Ptr<void>;                   // offset 64
  ImageSize: u64;
  ImageCodeType: u32;
  ImageDataType: u32;
  Unload: Efiapi<(image: EfiHandle) => EfiStatus>; // offset 88; size 96
}

// ---- device paths and LoadFile2 -------------------------------------------------------
/** The header of every device-path node; nodes follow each other, Length bytes apart. */
export interface EfiDevicePath extends Packed {
  Type: u8;
  SubType: u8;
  Length: u16;
}
export const DEVICE_PATH_MEDIA: u8 = 4;
export const DEVICE_PATH_MEDIA_VENDOR: u8 = 3;
export const DEVICE_PATH_MEDIA_FILE: u8 = 4;
export const DEVICE_PATH_END: u8 = 0x7F;
export const DEVICE_PATH_END_ENTIRE: u8 = 0xFF;

export type LoadFileFn = Efiapi<(self: Ptr<EfiLoadFile2>, path: Ptr<EfiDevicePath>, bootPolicy: u8, size: Ptr<u64>, buffer: Ptr<void>) => EfiStatus>;
/** EFI_LOAD_FILE2_PROTOCOL: one function that copies a file into the caller's buffer. */
export interface EfiLoadFile2 extends Struct {
  LoadFile: LoadFileFn;
}

// ---- file system ----------------------------------------------------------------------
export type OpenVolumeFn = EfiMethod<(self: Ptr<EfiSimpleFileSystem>, root: Ptr<Ptr<EfiFile>>) => EfiStatus>;
export interface EfiSimpleFileSystem extends Struct {
  Revision: u64;
  OpenVolume: OpenVolumeFn;
}

export const EFI_FILE_MODE_READ: u64 = 0x1;

export type FileOpenFn = EfiMethod<(self: Ptr<EfiFile>, out: Ptr<Ptr<EfiFile>>, name: Ptr<u16>, mode: u64, attributes: u64) => EfiStatus>;
export type FileCloseFn = EfiMethod<(self: Ptr<EfiFile>) => EfiStatus>;
export type FileReadFn = EfiMethod<(self: Ptr<EfiFile>, size: Ptr<u64>, buffer: Ptr<void>) => EfiStatus>;
export type FileGetInfoFn = EfiMethod<(self: Ptr<EfiFile>, type: Ptr<EfiGuid>, size: Ptr<u64>, buffer: Ptr<void>) => EfiStatus>;
export type FileDeleteFn = Efiapi<(self: Ptr<EfiFile>) => EfiStatus>;
export type FileWriteFn = Efiapi<(self: Ptr<EfiFile>, size: Ptr<u64>, buffer: Ptr<void>) => EfiStatus>;
export type FileGetPositionFn = Efiapi<(self: Ptr<EfiFile>, position: Ptr<u64>) => EfiStatus>;
export type FileSetPositionFn = Efiapi<(self: Ptr<EfiFile>, position: u64) => EfiStatus>;
export type FileSetInfoFn = Efiapi<(self: Ptr<EfiFile>, type: Ptr<EfiGuid>, size: u64, buffer: Ptr<void>) => EfiStatus>;
export type FileFlushFn = Efiapi<(self: Ptr<EfiFile>) => EfiStatus>;

export interface EfiFile extends Struct {
  Revision: u64;
  Open: FileOpenFn;
  Close: FileCloseFn;
  Delete: FileDeleteFn;
  Read: FileReadFn;                       // offset 32
  Write: FileWriteFn;
  GetPosition: FileGetPositionFn;
  SetPosition: FileSetPositionFn;
  GetInfo: FileGetInfoFn;                 // offset 64
  SetInfo: FileSetInfoFn;
  Flush: FileFlushFn;
}

/** EFI_FILE_INFO without its variable-length FileName (which starts at offset 80). */
export interface EfiFileInfo extends Struct {
  Size: u64;
  FileSize: u64;
  PhysicalSize: u64;
  CreateTime: EfiTime;                    // offset 24
  LastAccessTime: EfiTime;
  ModificationTime: EfiTime;
  Attribute: u64;                         // offset 72
}
export const EFI_FILE_DIRECTORY: u64 = 0x10;

// ---- graphics output ------------------------------------------------------------------
export const enum EfiPixelFormat { RgbReserved8Bit = 0, BgrReserved8Bit = 1, BitMask = 2, BltOnly = 3 }

export interface EfiPixelBitmask extends Struct { Red: u32; Green: u32; Blue: u32; Reserved: u32 }

export interface EfiGopModeInfo extends Struct {
  Version: u32;
  HorizontalResolution: u32;
  VerticalResolution: u32;
  PixelFormat: u32;
  PixelInformation: EfiPixelBitmask;
  PixelsPerScanLine: u32;                 // offset 32; size 36
}

export interface EfiGopMode extends Struct {
  MaxMode: u32;
  Mode: u32;
  Info: Ptr<EfiGopModeInfo>;              // offset 8
  SizeOfInfo: u64;
  FrameBufferBase: u64;                   // offset 24
  FrameBufferSize: u64;
}

/** EFI_GRAPHICS_OUTPUT_BLT_PIXEL: one pixel of a Blt buffer (size 4). */
export interface EfiBltPixel extends Struct { Blue: u8; Green: u8; Red: u8; Reserved: u8 }
/** EFI_GRAPHICS_OUTPUT_BLT_OPERATION. */
export const enum EfiBltOperation { VideoFill = 0, VideoToBltBuffer = 1, BufferToVideo = 2, VideoToVideo = 3 }
/** Fills `*info` with a pool allocation of `*size` bytes (free it with FreePool). */
export type GopQueryModeFn = Efiapi<(self: Ptr<EfiGraphicsOutput>, mode: u32, size: Ptr<u64>,
  info: Ptr<Ptr<EfiGopModeInfo>>) => EfiStatus>;
export type GopSetModeFn = Efiapi<(self: Ptr<EfiGraphicsOutput>, mode: u32) => EfiStatus>;
/** `delta` is the buffer's bytes per row (0: width * 4); operation is an EfiBltOperation. */
export type GopBltFn = Efiapi<(self: Ptr<EfiGraphicsOutput>, buffer: Ptr<EfiBltPixel>, operation: u32, srcX: u64,
  srcY: u64, dstX: u64, dstY: u64, width: u64, height: u64, delta: u64) => EfiStatus>;

export interface EfiGraphicsOutput extends Struct {
  QueryMode: GopQueryModeFn;
  SetMode: GopSetModeFn;
  Blt: GopBltFn;
  Mode: Ptr<EfiGopMode>;                  // offset 24
}

// ---- GUIDs ----------------------------------------------------------------------------
export const LOADED_IMAGE_GUID: EfiGuid = {
  Data1: 0x5B1B31A1, Data2: 0x9562, Data3: 0x11D2,
  Data4: [0x8E, 0x3F, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B],
};
export const SIMPLE_FILE_SYSTEM_GUID: EfiGuid = {
  Data1: 0x964E5B22, Data2: 0x6459, Data3: 0x11D2,
  Data4: [0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B],
};
export const FILE_INFO_GUID: EfiGuid = {
  Data1: 0x09576E92, Data2: 0x6D3F, Data3: 0x11D2,
  Data4: [0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B],
};
export const GRAPHICS_OUTPUT_GUID: EfiGuid = {
  Data1: 0x9042A9DE, Data2: 0x23DC, Data3: 0x4A38,
  Data4: [0x96, 0xFB, 0x7A, 0xDE, 0xD0, 0x80, 0x51, 0x6A],
};
export const ACPI_20_TABLE_GUID: EfiGuid = {
  Data1: 0x8868E871, Data2: 0xE4F1, Data3: 0x11D3,
  Data4: [0xBC, 0x22, 0x00, 0x80, 0xC7, 0x3C, 0x88, 0x81],
};
export const ACPI_10_TABLE_GUID: EfiGuid = {
  Data1: 0xEB9D2D30, Data2: 0x2D88, Data3: 0x11D3,
  Data4: [0x9A, 0x16, 0x00, 0x90, 0x27, 0x3F, 0xC1, 0x4D],
};
/** EFI_GLOBAL_VARIABLE: the vendor of ConOut, BootOrder and the other architectural variables. */
export const GLOBAL_VARIABLE_GUID: EfiGuid = {
  Data1: 0x8BE4DF61, Data2: 0x93CA, Data3: 0x11D2,
  Data4: [0xAA, 0x0D, 0x00, 0xE0, 0x98, 0x03, 0x2B, 0x8C],
};
export const MEMORY_ATTRIBUTES_TABLE_GUID: EfiGuid = {
  Data1: 0xDCFA911D, Data2: 0x26EB, Data3: 0x469F,
  Data4: [0xA2, 0x20, 0x38, 0xB7, 0xDC, 0x46, 0x12, 0x20],
};
export const DEVICE_PATH_GUID: EfiGuid = {
  Data1: 0x09576E91, Data2: 0x6D3F, Data3: 0x11D2,
  Data4: [0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B],
};
/** EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL: on an image's handle, the full device path it was
 *  loaded from (the device's nodes and then its file path). */
export const LOADED_IMAGE_DEVICE_PATH_GUID: EfiGuid = {
  Data1: 0xBC62157E, Data2: 0x3E33, Data3: 0x4FEC,
  Data4: [0x99, 0x20, 0x2D, 0x3B, 0x36, 0xD7, 0x50, 0xDF],
};
export const SIMPLE_TEXT_OUTPUT_GUID: EfiGuid = {
  Data1: 0x387477C2, Data2: 0x69C7, Data3: 0x11D2,
  Data4: [0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B],
};
export const DEVICE_TREE_GUID: EfiGuid = {
  Data1: 0xB1B621D5, Data2: 0xF19C, Data3: 0x41A5,
  Data4: [0x83, 0x0B, 0xD9, 0x15, 0x2C, 0x69, 0xAA, 0xE0],
};

export const SIMPLE_TEXT_INPUT_EX_GUID: EfiGuid = {
  Data1: 0xDD9E7534, Data2: 0x7762, Data3: 0x4698,
  Data4: [0x8C, 0x14, 0xF5, 0x85, 0x17, 0xA6, 0x25, 0xAA],
};
export const LOAD_FILE2_GUID: EfiGuid = {
  Data1: 0x4006C0C1, Data2: 0xFCB3, Data3: 0x403E,
  Data4: [0x99, 0x6D, 0x4A, 0x6C, 0x87, 0x24, 0xE0, 0x6D],
};
/** The vendor media device path under which Linux's EFI stub asks for its initrd (LoadFile2). */
export const LINUX_EFI_INITRD_MEDIA_GUID: EfiGuid = {
  Data1: 0x5568E427, Data2: 0x68FC, Data3: 0x4F3D,
  Data4: [0xAC, 0x74, 0xCA, 0x55, 0x52, 0x31, 0xCC, 0x68],
};

export function guidEqual(a: Ptr<EfiGuid>, b: Ptr<EfiGuid>): bool {
  return memcmp(cast<u8>(a), cast<u8>(b), 16) == 0;
}

// ---- status names ---------------------------------------------------------------------
export function efiIsError(s: u64): bool { return (s & EFI_ERROR_BIT) != 0; }

/** EFI_SUCCESS, then the error codes 1..28 and 31..33 in order (29 and 30 are unassigned). */
const STATUS_NAMES: cstr = "\
EFI_SUCCESS\0\
EFI_LOAD_ERROR\0\
EFI_INVALID_PARAMETER\0\
EFI_UNSUPPORTED\0\
EFI_BAD_BUFFER_SIZE\0\
EFI_BUFFER_TOO_SMALL\0\
EFI_NOT_READY\0\
EFI_DEVICE_ERROR\0\
EFI_WRITE_PROTECTED\0\
EFI_OUT_OF_RESOURCES\0\
EFI_VOLUME_CORRUPTED\0\
EFI_VOLUME_FULL\0\
EFI_NO_MEDIA\0\
EFI_MEDIA_CHANGED\0\
EFI_NOT_FOUND\0\
EFI_ACCESS_DENIED\0\
EFI_NO_RESPONSE\0\
EFI_NO_MAPPING\0\
EFI_TIMEOUT\0\
EFI_NOT_STARTED\0\
EFI_ALREADY_STARTED\0\
EFI_ABORTED\0\
EFI_ICMP_ERROR\0\
EFI_TFTP_ERROR\0\
EFI_PROTOCOL_ERROR\0\
EFI_INCOMPATIBLE_VERSION\0\
EFI_SECURITY_VIOLATION\0\
EFI_CRC_ERROR\0\
EFI_END_OF_MEDIA\0\
EFI_END_OF_FILE\0\
EFI_INVALID_LANGUAGE\0\
EFI_COMPROMISED_DATA\0\
";

export function efiStatusName(s: u64): cstr {
  let i: u64 = s & ~EFI_ERROR_BIT;
  if (s == EFI_SUCCESS) i = 0;
  else if (!efiIsError(s)) return "EFI warning (unknown code)";
  else if (i == 0 || i == 29 || i == 30) return "EFI error (unknown code)";
  else if (i > 30) i -= 2;
  return nameAt(STATUS_NAMES, i, "EFI error (unknown code)");
}
