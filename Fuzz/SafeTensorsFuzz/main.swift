import MNISTData
import NCENetwork
@testable import SafeTensors

/// libFuzzer entry for the safetensors reader and checkpoint loading.
///
/// Each input goes to the header JSON parser on its own (so that the
/// parser sees every byte, not only inputs with a plausible length
/// prefix), then through the full decoder and validator; an accepted file
/// has every tensor read through its typed accessor, through a mismatched
/// one and with a wrong shape, is re-encoded and must decode back equal,
/// and is finally loaded as an mnist-nce checkpoint, with its training
/// state if it has one (as `train --resume` loads it), whose network then
/// evaluates two images as `eval` and `predict` do. A trap or sanitizer
/// report is a finding; thrown errors are the expected outcome.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? HeaderJSONParser.parse(bytes)
    guard let archive = try? SafeTensorsFile.decode(bytes, path: "input") else { return 0 }
    var records: [TensorRecord] = []
    for tensor in archive.tensors {
        records.append(readEveryWay(tensor, from: archive))
    }
    let encoded: [UInt8]
    do {
        encoded = try SafeTensorsFile.encode(records, metadata: archive.metadata)
    } catch {
        preconditionFailure("an accepted file does not re-encode: \(error)")
    }
    guard let again = try? SafeTensorsFile.decode(encoded, path: "re-encoded") else {
        preconditionFailure("a re-encoded file does not decode")
    }
    precondition(again.metadata == archive.metadata && again.tensors == archive.tensors)
    // The limit stands for the machine's memory, as eval passes it.
    if let checkpoint = try? Checkpoint.load(
        bytes: bytes, path: "input", threads: 1, memoryLimit: 1 << 30, trainingState: true) {
        if let training = checkpoint.training {
            let count = checkpoint.configuration.model.parameterLayout.totalCount
            precondition(training.optimizerBuffers.values.allSatisfy { $0.count == count })
        }
        evaluate(checkpoint, pixelsFrom: bytes)
    }
    return 0
}

/// Runs a loaded network as `eval` and `predict` do, on two images of its
/// size whose pixels repeat the input's bytes; skipped for images over
/// 65,536 pixels, to keep executions fast.
private func evaluate(_ checkpoint: Checkpoint, pixelsFrom bytes: [UInt8]) {
    let model = checkpoint.configuration.model
    guard model.inputSize <= 1 << 16, !bytes.isEmpty else { return }
    let pixels = (0..<2 * model.inputSize).map { bytes[$0 % bytes.count] }
    guard let images = try? ImageSet(
        rows: model.imageHeight, columns: model.imageWidth, pixels: pixels, labels: [0, 1])
    else { return }
    let evaluator = Evaluator(network: checkpoint.network)
    let result = evaluator.evaluate(images)
    precondition(result.count == 2 && (0...2).contains(result.correct))
    precondition(result.confusions.map(\.count).reduce(0, +) == min(2, model.classCount))
    let scores = evaluator.scores(images)
    precondition(scores.count == 2 && scores.allSatisfy { (0..<model.classCount).contains($0.predictedClass) })
}

/// Reads `tensor` raw, through the accessor of its dtype (if it has one),
/// through one of another dtype and with a wrong shape; returns it as a
/// record for re-encoding.
private func readEveryWay(_ tensor: TensorInfo, from archive: SafeTensorsArchive) -> TensorRecord {
    guard let raw = try? archive.rawBytes(tensor.name), raw.count == tensor.byteCount else {
        preconditionFailure("tensor \(tensor.name.debugDescription) has no raw bytes of its size")
    }
    let typedCount: Int?
    switch tensor.dtype {
    case .f32: typedCount = try? archive.floats(tensor.name, shape: tensor.shape).count
    case .f64: typedCount = try? archive.doubles(tensor.name, shape: tensor.shape).count
    case .i32: typedCount = try? archive.int32s(tensor.name, shape: tensor.shape).count
    case .i64: typedCount = try? archive.int64s(tensor.name, shape: tensor.shape).count
    case .u8: typedCount = try? archive.uint8s(tensor.name, shape: tensor.shape).count
    default: typedCount = tensor.elementCount
    }
    precondition(typedCount == tensor.elementCount, "typed access to \(tensor.name.debugDescription) failed")
    // The wrong dtype and the wrong shape must be refused, not misread.
    let mismatched = tensor.dtype == .f32
        ? try? archive.doubles(tensor.name).count : try? archive.floats(tensor.name).count
    precondition(mismatched == nil, "a \(tensor.dtype) tensor was read as another dtype")
    precondition((try? archive.uint8s(tensor.name, shape: tensor.shape + [1])) == nil)
    return TensorRecord(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, data: raw)
}
