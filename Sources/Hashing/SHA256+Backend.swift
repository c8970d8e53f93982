import CSHA256

extension SHA256 {
    /// A SHA-256 compression kernel. All kernels compute the same digests; they differ in speed.
    public enum Backend: Sendable, CaseIterable, CustomStringConvertible {
        /// Plain C, for any CPU.
        case portable
        /// The x86-64 SHA extensions (SHA-NI), with SSE4.1 and SSSE3.
        case shaExtensions
        /// The ARMv8 SHA-2 crypto extension.
        case armv8

        /// The fastest kernel this CPU supports, detected once per process.
        public static var preferred: Backend {
            Backend(csha256_preferred_backend())
        }

        /// Whether this CPU and build can run the kernel.
        public var isSupported: Bool {
            csha256_backend_is_supported(cValue) != 0
        }

        public var description: String {
            switch self {
            case .portable: "portable"
            case .shaExtensions: "SHA-NI"
            case .armv8: "ARMv8 SHA-2"
            }
        }

        var cValue: csha256_backend {
            switch self {
            case .portable: CSHA256_BACKEND_PORTABLE
            case .shaExtensions: CSHA256_BACKEND_SHA_EXTENSIONS
            case .armv8: CSHA256_BACKEND_ARMV8
            }
        }

        init(_ value: csha256_backend) {
            switch value {
            case CSHA256_BACKEND_SHA_EXTENSIONS: self = .shaExtensions
            case CSHA256_BACKEND_ARMV8: self = .armv8
            default: self = .portable
            }
        }
    }
}
