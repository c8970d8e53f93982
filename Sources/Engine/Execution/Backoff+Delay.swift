import Basics
import Foundation

extension Backoff {
    /// The range of the random factor that each delay is multiplied by.
    ///
    /// Scaling into the upper half of the computed delay, rather than anywhere from zero,
    /// keeps retries spread apart when parallel jobs fail together, yet never retries sooner
    /// than half the configured delay.
    public static let jitterRange: ClosedRange<Double> = 0.5...1.0

    /// Returns the delay before retry `retry` (1 for the first retry) without jitter:
    /// `min(initial * factor^(retry - 1), maximum)`.
    ///
    /// A delay that overflows, or a negative or non-finite result, becomes `maximum`.
    public func baseDelay(beforeRetry retry: Int) -> Duration {
        let initialSeconds = initial.seconds
        let maximumSeconds = maximum.seconds
        let seconds = initialSeconds * pow(factor, Double(max(0, retry - 1)))
        guard seconds.isFinite, seconds >= 0, seconds < maximumSeconds else {
            return maximum
        }
        return .seconds(seconds)
    }

    /// Returns the delay before retry `retry` (1 for the first retry): the base delay multiplied by
    /// `jitter`, which callers draw from `jitterRange`.
    public func delay(beforeRetry retry: Int, jitter: Double) -> Duration {
        baseDelay(beforeRetry: retry) * jitter
    }
}

private extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
