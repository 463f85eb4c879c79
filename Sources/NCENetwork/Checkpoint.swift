import Foundation
import SafeTensors

/// A failure to save or load a checkpoint.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    /// The `sysexits.h` status a command-line tool should end with.
    public let exitCode: Int32
    public let description: String

    init(_ error: SafeTensorsError) {
        exitCode = error.kind.exitCode
        description = error.description
    }

    init(path: String, expected: String, found: String) {
        exitCode = 65
        description = "\(path): expected \(expected), found \(found)"
    }

    /// A valid checkpoint whose network needs more memory than there is:
    /// status 64, as for a training configuration too large for memory.
    init(path: String, memoryLimit: Int, needed: Int, model: String) {
        exitCode = 64
        description = "\(path): expected a network that fits in the \(describeBytes(memoryLimit)) of memory available, "
            + "found one that needs about \(describeBytes(needed)) (\(model))"
    }
}

/// A trained network with the configuration and progress it was saved with.
///
/// Stored as safetensors: the four parameter tensors as F32 under the
/// names of `ModelConfiguration.TensorName`, and in `__metadata__` the
/// format name and version, the model's shape, the training options (also
/// whole, as JSON under `configuration`), the epoch and the validation
/// accuracy. Nothing time-dependent is stored, so equal runs give
/// byte-identical files.
///
/// A checkpoint written during training also holds what the run needs to
/// continue (`TrainingSnapshot`): the optimiser's buffers as F32 tensors
/// named `training_state.<buffer>.<parameter>` (listed in
/// `__metadata__.training_state_tensors`) and the position and random state
/// as JSON in `__metadata__.training_state`. Readers that only want the
/// network ignore them. The final checkpoint of a finished run leaves them
/// out.
public struct Checkpoint {
    /// `__metadata__["format"]` of every checkpoint this tool writes.
    public static let formatName = "mnist-nce"
    /// `__metadata__["format_version"]` of the checkpoints this tool
    /// writes: 2 added the model kind, the image size, steps and dropout.
    public static let formatVersion = "2"
    /// Versions the reader accepts; version 1 checkpoints are MLPs.
    public static let readableVersions: Set<String> = ["1", "2"]

    public let configuration: TrainingConfiguration
    /// Epochs of training behind these parameters.
    public let epoch: Int
    public let validationAccuracy: Double?
    /// Test accuracy, stored once training has finished; nil before.
    public let testAccuracy: Double?
    /// The data trained on; nil for checkpoints that did not record it.
    public let dataSource: DataSource?
    public let network: Network<Float>
    /// What a stopped run needs to continue; nil in a finished run's
    /// checkpoint (and when loading without `trainingState`).
    public let training: TrainingSnapshot?
    /// Whether the file holds a training state (whether or not it was read).
    public let isResumable: Bool

    public init(
        configuration: TrainingConfiguration, epoch: Int, validationAccuracy: Double?,
        testAccuracy: Double? = nil, dataSource: DataSource? = nil, network: Network<Float>,
        training: TrainingSnapshot? = nil, isResumable: Bool? = nil
    ) {
        self.configuration = configuration
        self.epoch = epoch
        self.validationAccuracy = validationAccuracy
        self.testAccuracy = testAccuracy
        self.dataSource = dataSource
        self.network = network
        self.training = training
        self.isResumable = isResumable ?? (training != nil)
    }

    /// The metadata strings stored beside the tensors.
    var metadata: [String: String] {
        let c = configuration
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(c)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        var m: [String: String] = [
            "format": Self.formatName,
            "format_version": Self.formatVersion,
            "model": c.model.kind.rawValue,
            "input_size": String(c.model.inputSize),
            "image_height": String(c.model.imageHeight),
            "image_width": String(c.model.imageWidth),
            "dense_inputs": String(c.model.denseInputs),
            "dropout": String(c.dropout),
            "hidden": String(c.model.hiddenUnits),
            "classes": String(c.model.classCount),
            "loss": c.loss.rawValue,
            "num_sampled": String(c.numSampled),
            "sampler": c.sampler.rawValue,
            "remove_accidental_hits": String(c.removesAccidentalHits),
            "seed": String(c.seed),
            "epoch": String(epoch),
            "epochs": String(c.epochs),
            "hidden_kernel": c.hiddenKernel.rawValue,
            "configuration": json,
        ]
        if let validationAccuracy { m["validation_accuracy"] = String(validationAccuracy) }
        if let testAccuracy { m["test_accuracy"] = String(testAccuracy) }
        if let steps = c.steps { m["steps"] = String(steps) }
        if let dataSource { m.merge(dataSource.metadata) { $1 } }
        if let training {
            m[TrainingKey.state] = Self.json(training.state.fields)
            m[TrainingKey.tensors] = trainingTensorNames.joined(separator: ",")
        }
        return m
    }

    /// Writes the checkpoint to `path` atomically: a temporary file in the
    /// same folder, flushed, then renamed over `path`. A failure leaves any
    /// existing file at `path` as it was.
    ///
    /// On little-endian processors the tensors are written straight from
    /// the parameter arena and the training state's buffers, which hold
    /// their safetensors bytes already; elsewhere they are encoded first.
    /// Both give the same file.
    public func save(to path: String, createDirectories: Bool = true) throws(CheckpointError) {
        #if _endian(little)
        try saveViews(to: path, createDirectories: createDirectories)
        #else
        try saveRecords(to: path, createDirectories: createDirectories)
        #endif
    }

    /// `save`, encoding every tensor into a record first.
    func saveRecords(to path: String, createDirectories: Bool = true) throws(CheckpointError) {
        let parameters = network.parameters
        var records = parameters.layout.entries.map {
            TensorRecord(name: $0.name, shape: $0.shape, floats: parameters.values($0))
        }
        if let training { records += trainingRecords(training) }
        do {
            try SafeTensorsFile.write(records, metadata: metadata, to: path, createDirectories: createDirectories)
        } catch {
            throw CheckpointError(error)
        }
    }

    /// `save` from views of the parameters' and training state's memory,
    /// whose bytes are the files' on a little-endian processor.
    func saveViews(to path: String, createDirectories: Bool = true) throws(CheckpointError) {
        let parameters = network.parameters
        let layout = parameters.layout
        func view(_ name: String, _ entry: ParameterLayout.Entry, _ start: UnsafePointer<Float>) -> TensorView {
            TensorView(
                name: name, dtype: .f32, shape: entry.shape,
                bytes: UnsafeRawBufferPointer(start: start + entry.offset, count: entry.count * 4))
        }
        let parameterViews = layout.entries.map { view($0.name, $0, parameters.base) }
        let buffers = training.map { training in
            configuration.optimizerStateNames.map { training.optimizerBuffers[$0] ?? [] }
        } ?? []
        let names = configuration.optimizerStateNames
        let result = Self.withFloatBuffers(buffers) { buffers in
            var views = parameterViews
            for (buffer, values) in zip(names, buffers) {
                for entry in layout.entries {
                    let name = Self.trainingTensorName(buffer: buffer, parameter: entry.name)
                    if let start = values.baseAddress, values.count == layout.totalCount {
                        views.append(view(name, entry, start))
                    } else {
                        // A missing buffer: the writer refuses the empty tensor.
                        views.append(TensorView(
                            name: name, dtype: .f32, shape: entry.shape, bytes: UnsafeRawBufferPointer(start: nil, count: 0)))
                    }
                }
            }
            return Result { () throws(SafeTensorsError) in
                try SafeTensorsFile.write(views, metadata: metadata, to: path, createDirectories: createDirectories)
            }
        }
        do {
            try result.get()
        } catch {
            throw CheckpointError(error)
        }
    }

    /// Calls `body` with pointers to the elements of every array in
    /// `arrays`, valid for the call.
    private static func withFloatBuffers<R>(
        _ arrays: [[Float]], from index: Int = 0, gathered: [UnsafeBufferPointer<Float>] = [],
        _ body: ([UnsafeBufferPointer<Float>]) -> R
    ) -> R {
        guard index < arrays.count else { return body(gathered) }
        return arrays[index].withUnsafeBufferPointer { buffer in
            withFloatBuffers(arrays, from: index + 1, gathered: gathered + [buffer], body)
        }
    }

    /// Reads and validates a checkpoint: the safetensors structure, the
    /// format name and version, the configuration, every tensor's dtype
    /// and shape against that configuration, and that every parameter is
    /// finite.
    ///
    /// - Parameters:
    ///   - maxBatch: rows the rebuilt network may take per pass; nil takes
    ///     as many as `ModelConfiguration.evaluationBatchBudget` holds, at
    ///     most 1,000 for the MLP and 100 for the CNN.
    ///   - threads: threads for the rebuilt network's hidden layer; nil
    ///     keeps the count it was trained with.
    ///   - memoryLimit: if given, a checkpoint whose network would take
    ///     more bytes than this (`ModelConfiguration.networkBytes(rows:)`)
    ///     is refused before the network is allocated.
    ///   - trainingState: also read the training state, if the file has one
    ///     (`training`); otherwise it is ignored.
    /// - Throws: `CheckpointError` with status 66 for a missing file, 65
    ///   for invalid contents, 74 for a read failure, and 64 for a network
    ///   larger than `memoryLimit`.
    public static func load(
        path: String, maxBatch: Int? = nil, threads: Int? = nil, memoryLimit: Int? = nil,
        trainingState: Bool = false
    ) throws(CheckpointError) -> Checkpoint {
        let archive: SafeTensorsArchive
        do {
            archive = try SafeTensorsFile.read(path: path)
        } catch {
            throw CheckpointError(error)
        }
        return try load(
            archive: archive, maxBatch: maxBatch, threads: threads, memoryLimit: memoryLimit,
            trainingState: trainingState)
    }

    /// Validates a checkpoint whose file contents are already in memory,
    /// with the same checks as ``load(path:maxBatch:threads:memoryLimit:trainingState:)``.
    ///
    /// - Parameter path: names the checkpoint in error messages; nothing
    ///   is read from it.
    public static func load(
        bytes: [UInt8], path: String, maxBatch: Int? = nil, threads: Int? = nil, memoryLimit: Int? = nil,
        trainingState: Bool = false
    ) throws(CheckpointError) -> Checkpoint {
        let archive: SafeTensorsArchive
        do {
            archive = try SafeTensorsFile.decode(bytes, path: path)
        } catch {
            throw CheckpointError(error)
        }
        return try load(
            archive: archive, maxBatch: maxBatch, threads: threads, memoryLimit: memoryLimit,
            trainingState: trainingState)
    }

    /// Checks a decoded archive's metadata and tensors and rebuilds the
    /// network from them.
    private static func load(
        archive: SafeTensorsArchive, maxBatch: Int?, threads: Int?, memoryLimit: Int?, trainingState: Bool
    ) throws(CheckpointError) -> Checkpoint {
        let path = archive.path
        let meta = archive.metadata
        guard meta["format"] == formatName else {
            throw CheckpointError(
                path: path, expected: "__metadata__.format \"\(formatName)\"",
                found: meta["format"].map { "\"\($0)\"" } ?? "no format entry")
        }
        guard let version = meta["format_version"], readableVersions.contains(version) else {
            throw CheckpointError(
                path: path, expected: "__metadata__.format_version \(readableVersions.sorted().map { "\"\($0)\"" }.joined(separator: " or "))",
                found: meta["format_version"].map { "\"\($0)\"" } ?? "no format_version entry")
        }
        guard let json = meta["configuration"],
              let configuration = try? JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8))
        else {
            throw CheckpointError(
                path: path, expected: "a training configuration as JSON in __metadata__.configuration",
                found: meta["configuration"] == nil ? "none" : "text that does not decode")
        }
        if let problem = configuration.problem() {
            throw CheckpointError(path: path, expected: "a valid stored configuration", found: problem)
        }
        guard let epochText = meta["epoch"], let epoch = Int(epochText), epoch >= 0 else {
            throw CheckpointError(path: path, expected: "a whole number in __metadata__.epoch", found: meta["epoch"] ?? "none")
        }
        // Check every tensor's shape before allocating, so that a forged
        // configuration cannot make the reader allocate more than the file holds.
        for entry in configuration.model.parameterLayout.entries {
            let info: TensorInfo
            do {
                info = try archive.tensor(entry.name)
            } catch {
                throw CheckpointError(error)
            }
            guard info.shape == entry.shape else {
                throw CheckpointError(
                    path: path, expected: "tensor \"\(entry.name)\" of shape \(entry.shape) for the stored configuration",
                    found: "shape \(info.shape)")
            }
        }
        let model = configuration.model
        let rows = maxBatch ?? model.evaluationBatchRows()
        // The file's own bytes stay in memory while the network is built.
        let (sum, overflow) = model.networkBytes(rows: rows).addingReportingOverflow(4 * model.parameterLayout.totalCount)
        let needed = overflow ? Int.max : sum
        if let memoryLimit, needed > memoryLimit {
            throw CheckpointError(
                path: path, memoryLimit: memoryLimit, needed: needed,
                model: "\(model.kind.rawValue), hidden \(model.hiddenUnits), \(model.classCount) classes, "
                    + "\(model.imageHeight)×\(model.imageWidth) images, batches of \(rows)")
        }
        let network = Network<Float>(
            configuration: model, maxBatch: rows,
            hiddenKernel: configuration.hiddenKernel, threads: threads ?? configuration.threads)
        for entry in network.parameters.layout.entries {
            let values: [Float]
            do {
                values = try archive.floats(entry.name, shape: entry.shape)
            } catch {
                throw CheckpointError(error)
            }
            // Training never saves a diverged network, and NaN or infinite
            // weights make every score NaN.
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError(
                    path: path, expected: "finite values in tensor \"\(entry.name)\"", found: "\(values[index]) at index \(index)")
            }
            network.parameters.set(entry, to: values)
        }
        let training = trainingState ? try loadTraining(archive, path: path, configuration: configuration) : nil
        return Checkpoint(
            configuration: configuration, epoch: epoch,
            validationAccuracy: meta["validation_accuracy"].flatMap(Double.init),
            testAccuracy: meta["test_accuracy"].flatMap(Double.init),
            dataSource: DataSource(metadata: meta), network: network, training: training,
            isResumable: meta[TrainingKey.state] != nil)
    }
}
