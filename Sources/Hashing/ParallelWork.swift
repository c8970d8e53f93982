import Dispatch
import CSystem
import Synchronization

/// Runs independent pieces of work on all cores.
enum ParallelWork {
    /// The number of workers: one per CPU the process may run on.
    static let workerCount = max(1, csystem_usable_cpu_count())

    /// Below this many items the work runs on the calling thread by default, because starting
    /// workers costs more than small items save.
    static let minimumParallelCount = 64

    /// Returns `body(index, &context)` for every index in `0..<count`, in index order.
    ///
    /// Fewer than `minimumParallelCount` items run on the calling thread.
    /// Each worker makes one context with `makeContext` (a reusable buffer, for example) and
    /// takes the next index from a shared counter, so slow items do not hold up a fixed share.
    /// Blocks the calling thread until every item is done: call it from a thread that may block,
    /// not from a Swift concurrency task.
    static func map<Context, Output: Sendable>(
        count: Int,
        minimumParallelCount: Int = ParallelWork.minimumParallelCount,
        makeContext: @Sendable () -> Context,
        _ body: @Sendable (Int, inout Context) -> Output
    ) -> [Output] {
        if count < minimumParallelCount || workerCount == 1 {
            var context = makeContext()
            return (0..<count).map { body($0, &context) }
        }
        let outputs = Slots<Output>(count: count)
        let next = NextIndex()
        DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
            var context = makeContext()
            while true {
                let index = next.take()
                guard index < count else { return }
                // Each index is taken once, so no two workers write the same slot.
                outputs.buffer[index] = body(index, &context)
            }
        }
        return outputs.buffer.map { $0! }
    }

    /// Returns one output for every index in `0..<count`, in index order, from workers that
    /// each keep several items in progress at once.
    ///
    /// Each worker makes one context with `makeContext` and runs `worker` once with it. The
    /// worker takes indices with `next`, which returns nil when none are left. It must pass
    /// the output of every index it took to `deliver` exactly once, in any order. A missing
    /// output is a programming error that stops the process. Fewer than
    /// `minimumParallelCount` items run on the calling thread, which blocks until every item is
    /// done, as with `map`.
    static func mapPulling<Context, Output: Sendable>(
        count: Int,
        minimumParallelCount: Int = ParallelWork.minimumParallelCount,
        makeContext: @Sendable () -> Context,
        _ worker: @Sendable (inout Context, _ next: () -> Int?, _ deliver: (Int, Output) -> Void) -> Void
    ) -> [Output] {
        let outputs = Slots<Output>(count: count)
        let nextIndex = NextIndex()
        @Sendable func runWorker() {
            var context = makeContext()
            worker(&context, {
                let index = nextIndex.take()
                return index < count ? index : nil
            }, { index, output in
                // Each index is taken once, so no two workers write the same slot.
                outputs.buffer[index] = output
            })
        }
        if count < minimumParallelCount || workerCount == 1 {
            runWorker()
        } else {
            DispatchQueue.concurrentPerform(iterations: workerCount) { _ in runWorker() }
        }
        return outputs.buffer.map { $0! }
    }
}

/// The uninitialized storage of an array that parallel work fills in place.
///
/// Unchecked: each piece of work initializes only its own elements, and the array is read only
/// after `ParallelWork.map` has returned, which orders all writes before the reads.
struct UninitializedSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    /// Initializes element `index` to `value`.
    func initialize(_ index: Int, to value: Element) {
        (buffer.baseAddress! + index).initialize(to: value)
    }
}

/// A counter that hands out 0, 1, 2, … to concurrent workers.
private final class NextIndex: Sendable {
    private let value = Atomic<Int>(0)

    func take() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}

/// The output slots of `ParallelWork.map`, one per index.
///
/// Unchecked: workers write distinct slots, and the caller reads them only after
/// `concurrentPerform` has returned, which orders all writes before the reads.
private final class Slots<Output>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Output?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }
}
