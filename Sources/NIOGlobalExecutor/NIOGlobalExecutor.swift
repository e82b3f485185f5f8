import CSwiftConcurrencyHook
import NIOCore
import NIOPosix
import Synchronization

/// Makes NIO's singleton event loop the executor of every task that has none of its own,
/// so that a script's tasks and its socket share one thread: an action's round trip then
/// costs no thread wake-up, and a script that never connects starts no thread but that
/// one (Dispatch, the default, starts three).
///
/// SwiftNIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`
/// does this, but finds the runtime's hook with dlsym, which fails in the binaries we ship
/// (`--static-swift-stdlib` makes the hook a hidden symbol): there it returned false and
/// every task ran on Dispatch's threads. When NIO's way fails, the hook is set here through
/// its address from the static link (CSwiftConcurrencyHook), with the same closure shape.
public enum NIOGlobalExecutor {
    /// Which way the event loop became the global executor (nil: it did not).
    public enum Installation: Sendable, Equatable {
        case swiftNIO
        case staticRuntimeHook
    }

    /// Call once, first thing in `main`, before any task starts.
    @discardableResult
    public static func install(loopCount: Int = 1) -> Installation? {
        NIOSingletons.groupLoopCountSuggestion = loopCount
        if NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            return .swiftNIO
        }
        return installThroughStaticHook() ? .staticRuntimeHook : nil
    }

    /// The runtime's hook type: `(job, original) -> Void` in the Swift calling convention.
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    private static func installThroughStaticHook() -> Bool {
        let address = amiscript_swift_task_enqueueGlobal_hook_address()
        // Nobody else may have set it: then the tasks are theirs to place.
        guard address.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { hook -> Bool in
            hook.baseAddress!.initialize(to: { job, _ in
                // `any()` is sticky: on the loop's own thread it is that loop, no thread switch.
                guard let loop = MultiThreadedEventLoopGroup.singleton.any() as? any NIOSerialEventLoopExecutor else {
                    preconditionFailure("NIO's event loops are serial executors")
                }
                loop.enqueue(ExecutorJob(job))
            })
            return hook.baseAddress!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { pointer in
                address.pointee = pointer.pointee
                return true
            }
        }
    }
}
