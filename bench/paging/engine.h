/* C transcription of common/paging/engine.ts (see engine.c). Same struct layouts. */
#ifndef TSBOOT_PAGING_ENGINE_H
#define TSBOOT_PAGING_ENGINE_H
#include <stdbool.h>
#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef int32_t i32;

typedef struct FrameSource {
  u64 (*alloc)(void *ctx);
  void (*free)(void *ctx, u64 pa);
  void *ctx;
} FrameSource;

#define PT_FLUSH_MAX 16

typedef struct PageTable {
  u64 root;
  u64 physToVirt;
  FrameSource frames;
  bool allow1G;
  bool allowWX;
  u64 tableFrames;
  bool flushAll;
  u64 flushCount;
  u64 flushVa[PT_FLUSH_MAX];
  bool highHalf;
  void (*breakHook)(u64 va, bool all);
  u32 levels;
} PageTable;

typedef struct WalkResult {
  u32 levels;
  u64 pageSize;
  u64 pa;
  u32 attrs;
  u64 entries[5];
  u64 tablePa[5];
} WalkResult;

enum { PT_OK = 0, PT_ENOMEM = -1, PT_EINVAL = -2, PT_EWX = -3, PT_EEXIST = -4 };

i32 ptInit(PageTable *pt, FrameSource *frames, u64 physToVirt);
i32 ptMap(PageTable *pt, u64 va, u64 pa, u64 size, u32 attrs);
i32 ptUnmap(PageTable *pt, u64 va, u64 size);
i32 ptProtect(PageTable *pt, u64 va, u64 size, u32 attrs);
bool ptTranslate(PageTable *pt, u64 va, u64 *outPa, u32 *outAttrs);
bool ptWalk(PageTable *pt, u64 va, WalkResult *out);
void ptClearFlush(PageTable *pt);
void ptDump(PageTable *pt);
#endif
