/**
 * @maple-tree/vma-mm: a Linux address space (mm_struct) whose memory system
 * calls give the kernel's answers - mmap, munmap, mprotect, mremap, brk,
 * find_vma and friends, get_unmapped_area, fork, page faults and
 * /proc/PID/maps - over a choice of VMA index (Maple Tree or the legacy
 * rb-tree + list + VMA cache), plus a replayer for recorded kernel traces
 * (whole, or step by step with TraceReplayer).
 */
export { AddressSpace } from './address-space.js';
export {
  type ArchProfile,
  type BaseRandomness,
  checkArch,
  legacyBase,
  mmapBaseFor,
  mmapEnd,
  topDownBase,
} from './arch.js';
export {
  ARCH_PROFILES,
  ARM64,
  ARM64_4K_39,
  ARM64_4K_48,
  ARM64_4K_52,
  ARM64_16K_48,
  ARM64_16K_52,
  ARM64_64K_48,
  ARM64_64K_52,
  type Arm64PageSize,
  arm64Profile,
  I386,
  I386_3GB,
  I386_NATIVE,
  RISCV64_SV39,
  RISCV64_SV48,
  RISCV64_SV57,
  resolveArch,
  riscv64Profile,
  X86_64,
  X86_64_LA57,
} from './arch-profiles.js';
export { type AslrLayout, randomizePage, SeededRandom } from './aslr.js';
export { LegacyIndex } from './backend/legacy.js';
export { MapleIndex, type MapleIndexOptions } from './backend/maple.js';
export type { BackendName, IndexStats, VmaIndex } from './backend/types.js';
export * from './errno.js';
export {
  MADV,
  MADV_GUARD,
  MADV_PAGE,
  MADV_POPULATE,
  madviseChangesFlags,
  madviseModelled,
} from './madvise.js';
export { lockedPages, MCL, MLOCK_ONFAULT } from './mlock.js';
export { type AddressSpaceOptions, defaultBackend, type MmapLayout } from './mm.js';
export { type FromMapsOptions, formatVma, type MapsLine, parseMapsLine } from './procmaps.js';
export {
  type AnswerMismatch,
  answerText,
  applyTraceOp,
  type CloseEvent,
  type FaultEvent,
  type OpEvent,
  type OpenEvent,
  type RenameEvent,
  type ReplayEvent,
  type ReplayerOptions,
  type ReplayOptions,
  type ReplayResult,
  type ReplayTally,
  replayTrace,
  type SealsEvent,
  type ShmEvent,
  type SizeEvent,
  type SnapshotEvent,
  type SnapshotMismatch,
  type StepResult,
  type TraceCloseRecord,
  type TraceFaultRecord,
  type TraceMapsRecord,
  type TraceOpenRecord,
  type TraceOpRecord,
  type TraceRenameRecord,
  TraceReplayer,
  type TraceSealsRecord,
  type TraceShmRecord,
  type TraceSizeRecord,
  type TraceUnlinkRecord,
  type UnlinkEvent,
} from './replayer.js';
export { SHM, type ShmSegment } from './shm.js';
export {
  diffMaps,
  headerOptions,
  hexValue,
  mapsLineKey,
  mapsLinesEqual,
  parseTrace,
  snapshotsEqual,
  TraceFormatError,
  type TraceHeader,
  type TraceRecord,
} from './trace.js';
export { fileMmapOp, openedFile, TraceFiles } from './trace-files.js';
export {
  F_SEAL_WRITES,
  type FileType,
  isAnonymous,
  MAP,
  type MappedFile,
  MREMAP,
  PROT,
  parseProt,
  protToVmFlags,
  VM_ACCOUNT,
  VM_DONTCOPY,
  VM_DONTDUMP,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_HUGEPAGE,
  VM_HUGETLB,
  VM_LOCKED,
  VM_MAYSHARE,
  VM_MERGEABLE,
  VM_NOHUGEPAGE,
  VM_RAND_READ,
  VM_READ,
  VM_SEALED,
  VM_SEQ_READ,
  VM_SHARED,
  VM_WIPEONFORK,
  VM_WRITE,
  Vma,
  type VmaKind,
} from './vma.js';
