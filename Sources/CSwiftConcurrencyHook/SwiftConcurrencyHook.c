#include "CSwiftConcurrencyHook.h"

// Defined by the Swift concurrency runtime (libswift_Concurrency), read by every
// swift_task_enqueueGlobal before its default (Dispatch) path.
extern void *swift_task_enqueueGlobal_hook;

void *_Nullable *_Nonnull amiscript_swift_task_enqueueGlobal_hook_address(void) {
    return &swift_task_enqueueGlobal_hook;
}
