#include "CSwiftConcurrencyHook.h"
#include <stdint.h>

// Defined by the Swift concurrency runtime (libswift_Concurrency), read by every
// swift_task_enqueueGlobal before its default (Dispatch) path.
extern void *swift_task_enqueueGlobal_hook;

void *_Nullable *_Nonnull amiscript_swift_task_enqueueGlobal_hook_address(void) {
    return &swift_task_enqueueGlobal_hook;
}

// The runtime's declarations (swift/Runtime/Concurrency.h, swift/ABI/Executor.h):
//   SWIFT_CC(swift) void swift_job_run(Job *job, SerialExecutorRef executor);
// SerialExecutorRef is two words, the generic executor both zero.
typedef struct {
    void *identity;
    uintptr_t implementation;
} SerialExecutorRef;

extern __attribute__((swiftcall)) void swift_job_run(void *job, SerialExecutorRef executor);

void amiscript_swift_job_run_generic(void *_Nonnull job) {
    SerialExecutorRef generic = {0, 0};
    swift_job_run(job, generic);
}
