#ifndef C_SWIFT_CONCURRENCY_HOOK_H
#define C_SWIFT_CONCURRENCY_HOOK_H

/// The address of the Swift runtime's `swift_task_enqueueGlobal_hook`: where a program
/// says which executor runs the tasks that have no executor of their own.
///
/// SwiftNIO finds that variable with dlsym, which works where the Swift runtime is a shared
/// library; in a binary linked with `--static-swift-stdlib` the variable is a hidden symbol
/// of the static runtime, invisible to dlsym but still reachable by the static linker, so
/// this function hands its address over (see Sources/NIOGlobalExecutor).
void *_Nullable *_Nonnull amiscript_swift_task_enqueueGlobal_hook_address(void);

/// Runs a job of the global executor as the runtime's own global executor does: on the
/// generic executor (`swift_job_run(job, SerialExecutorRef::generic())`). A job run on an
/// event loop's serial executor instead would make every `await` of a nonisolated async
/// function hop back to the generic executor: one more job through the loop each time.
void amiscript_swift_job_run_generic(void *_Nonnull job);

#endif
