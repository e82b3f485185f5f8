import CSwiftConcurrencyHook
import NIOCore
import NIOPosix

/// Makes NIO's singleton event loop the executor of every task that has none of its own,
/// so that a script's tasks and its socket share one thread: an action's round trip then
/// costs no thread wake-up, and a script that never connects starts no thread but that
/// one (Dispatch, the default, starts three).
///
/// SwiftNIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`
/// does the same with two differences that cost us (docs/performance.md):
/// - it finds the runtime's hook with dlsym, which fails in the binaries we ship
///   (`--static-swift-stdlib` makes the hook a hidden symbol): it returned false there and
///   every task ran on Dispatch's threads. Here the address comes from the static link
///   (CSwiftConcurrencyHook), which works with the runtime linked in or as a library.
/// - it runs each job on the event loop's serial executor; every `await` of a nonisolated
///   async function then hops back to the generic executor, which is one more job through
///   the loop: 16 jobs per `action Ping` instead of 1. Here jobs run on the generic
///   executor, as the runtime's own global executor runs them.
public enum NIOGlobalExecutor {
    /// Call once, first thing in `main`, before any task starts. False: another hook was
    /// installed already (the tasks are then that one's to place).
    @discardableResult
    public static func install(loopCount: Int = 1) -> Bool {
        NIOSingletons.groupLoopCountSuggestion = loopCount
        let address = amiscript_swift_task_enqueueGlobal_hook_address()
        guard address.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { hook -> Bool in
            hook.baseAddress!.initialize(to: { job, _ in
                SingletonLoop.loop.execute {
                    amiscript_swift_job_run_generic(unsafeBitCast(job, to: UnsafeMutableRawPointer.self))
                }
            })
            // A thin Swift function is one code pointer: the form the runtime calls.
            return hook.baseAddress!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { pointer in
                address.pointee = pointer.pointee
                return true
            }
        }
    }

    /// The runtime's hook type: `(job, original) -> Void` in the Swift calling convention.
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void
}

/// The singleton group's loop, looked up once: the hook runs for every job. (With one
/// loop, `any()` is that loop whichever thread asks.)
private enum SingletonLoop {
    static let loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
}
