import Foundation
import SafeTensors

/// The training state in a checkpoint: the optimiser's buffers as tensors
/// beside the parameters, and the position and random state as JSON in the
/// metadata (see `Checkpoint`).
extension Checkpoint {
    /// Metadata keys of the training state.
    enum TrainingKey {
        static let state = "training_state"
        static let tensors = "training_state_tensors"
        static let tensorPrefix = "training_state."
    }

    /// The name of one optimiser buffer's slice for one parameter tensor.
    static func trainingTensorName(buffer: String, parameter: String) -> String {
        "\(TrainingKey.tensorPrefix)\(buffer).\(parameter)"
    }

    /// `object` as compact JSON with sorted keys.
    static func json(_ object: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The names of `trainingRecords`' tensors, in order, without copying
    /// their values.
    var trainingTensorNames: [String] {
        let layout = network.parameters.layout
        return configuration.optimizerStateNames.flatMap { buffer in
            layout.entries.map { Self.trainingTensorName(buffer: buffer, parameter: $0.name) }
        }
    }

    /// The optimiser's buffers as tensors, buffer by buffer, each in the
    /// parameters' layout order.
    func trainingRecords(_ training: TrainingSnapshot) -> [TensorRecord] {
        let layout = network.parameters.layout
        return configuration.optimizerStateNames.flatMap { buffer in
            layout.entries.map { entry in
                let values = training.optimizerBuffers[buffer]
                    .map { Array($0[entry.offset..<(entry.offset + entry.count)]) } ?? []
                return TensorRecord(
                    name: Self.trainingTensorName(buffer: buffer, parameter: entry.name), shape: entry.shape,
                    floats: values)
            }
        }
    }

    /// The training state of `archive`, nil when it has none; every
    /// optimiser tensor's shape is checked before it is read.
    static func loadTraining(
        _ archive: SafeTensorsArchive, path: String, configuration: TrainingConfiguration
    ) throws(CheckpointError) -> TrainingSnapshot? {
        guard let json = archive.metadata[TrainingKey.state] else { return nil }
        guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw CheckpointError(
                path: path, expected: "a JSON object of strings in __metadata__.training_state",
                found: "text that does not decode")
        }
        let state: TrainingState
        do {
            state = try TrainingState(fields: fields)
        } catch {
            throw CheckpointError(
                path: path, expected: "a valid \"\(error.field)\" in __metadata__.training_state",
                found: fields[error.field].map { "\"\($0)\"" } ?? "none")
        }
        let layout = configuration.model.parameterLayout
        var buffers: [String: [Float]] = [:]
        for buffer in configuration.optimizerStateNames {
            var values = [Float]()
            values.reserveCapacity(layout.totalCount)
            for entry in layout.entries {
                let name = trainingTensorName(buffer: buffer, parameter: entry.name)
                let info: TensorInfo
                do {
                    info = try archive.tensor(name)
                } catch {
                    throw CheckpointError(error)
                }
                guard info.shape == entry.shape else {
                    throw CheckpointError(
                        path: path, expected: "tensor \"\(name)\" of shape \(entry.shape)",
                        found: "shape \(info.shape)")
                }
                let slice: [Float]
                do {
                    slice = try archive.floats(name, shape: entry.shape)
                } catch {
                    throw CheckpointError(error)
                }
                // Moments are finite, and Adam's second one is never negative.
                if let index = slice.firstIndex(where: { !$0.isFinite || (buffer == "adam_v" && $0 < 0) }) {
                    throw CheckpointError(
                        path: path, expected: "finite values\(buffer == "adam_v" ? " of at least 0" : "") in tensor \"\(name)\"",
                        found: "\(slice[index]) at index \(index)")
                }
                values += slice
            }
            buffers[buffer] = values
        }
        return TrainingSnapshot(state: state, optimizerBuffers: buffers)
    }
}

/// What a stopped run needs besides its parameters to continue exactly:
/// its position and random state, and the optimiser's buffers.
public struct TrainingSnapshot {
    public let state: TrainingState
    /// The optimiser's buffers by name (`Optimizer.stateNames`), each with
    /// every value of the parameter layout, in layout order.
    public let optimizerBuffers: [String: [Float]]

    public init(state: TrainingState, optimizerBuffers: [String: [Float]]) {
        self.state = state
        self.optimizerBuffers = optimizerBuffers
    }

    /// The trainer's current state, copied.
    public init(_ trainer: Trainer) {
        state = trainer.state
        optimizerBuffers = Dictionary(uniqueKeysWithValues: trainer.optimizerState.map { ($0.name, $0.values.allValues()) })
    }
}
