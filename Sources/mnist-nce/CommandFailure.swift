import DigitImages
import MNISTData
import NCENetwork

/// A failure the tool reports as one line on stderr, with the exit status
/// from `sysexits.h` that fits it.
struct CommandFailure: Error {
    let message: String
    let status: Int32

    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74

    init(_ message: String, status: Int32) {
        self.message = message
        self.status = status
    }

    init(_ error: DataError) {
        let status: Int32 = switch error.kind {
        case .missingInput: Self.noInput
        case .malformedData: Self.dataError
        case .ioError: Self.ioError
        case .invalidArgument: Self.usage
        }
        self.init(error.description, status: status)
    }

    init(_ error: ImageError) {
        let status: Int32 = switch error.kind {
        case .missingInput: Self.noInput
        case .malformedData: Self.dataError
        case .ioError: Self.ioError
        }
        self.init(error.description, status: status)
    }

    init(_ error: CheckpointError) {
        self.init(error.description, status: error.exitCode)
    }

    init(_ error: TrainingError) {
        switch error {
        case .diverged, .exploded: self.init(error.description, status: 1)
        case .invalidConfiguration: self.init(error.description, status: Self.usage)
        case .lossFailed: self.init(error.description, status: Self.dataError)
        }
    }

    /// Maps any library error to its message and status.
    static func from(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure: failure
        case let error as DataError: CommandFailure(error)
        case let error as CheckpointError: CommandFailure(error)
        case let error as ImageError: CommandFailure(error)
        case let error as TrainingError: CommandFailure(error)
        case let error as MetricsWriteError:
            CommandFailure(error.description, status: error.cannotCreate ? cannotCreate : ioError)
        default: CommandFailure("\(error)", status: 70)
        }
    }
}
