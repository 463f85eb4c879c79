import ArgumentParser
import DigitImages
import Foundation
import MNISTData
import NCENetwork

/// `mnist-nce predict`: classifies the user's own pictures of digits.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify your own pictures of handwritten digits (PNG or PGM).",
        discussion: """
            Each picture is prepared as MNIST's digits were: made grey; \
            inverted when its background is light (judged by the mean of the \
            pixels along its edges), so that ink is bright on black; paper \
            and faint noise set to 0; cropped to the digit; scaled to fit 20 \
            × 20 pixels keeping its proportions (area averaging, so edges \
            turn grey); and placed in a 28 × 28 frame with its centre of \
            mass at the middle. Transparent pixels count as background. \
            --show prints what the network saw.

            For each picture: its path, the predicted digit with its \
            probability, then the softmax probabilities of all ten digits. \
            A picture that cannot be read, or shows no digit, is reported on \
            stderr in one line and the others are still classified; the exit \
            status is then that of the first failure (65 malformed or blank \
            image, 66 missing file, 74 I/O error).

            Examples:
              mnist-nce predict my-digit.png
              mnist-nce predict --show --checkpoint runs/softmax.safetensors scan.pgm
              mnist-nce predict --json digits/*.png
            """)

    @Option(help: "Checkpoint to classify with (default: the newest in runs/).")
    var checkpoint: String?
    @Flag(help: "Print one JSON object per picture and line instead of text.")
    var json = false
    @Flag(help: "Also print the prepared 28×28 image as text shades (with --json, as \"shades\" rows).")
    var show = false
    @Argument(help: ArgumentHelp("PNG or PGM (P2, P5) pictures of one digit each.", valueName: "image"))
    var images: [String]

    func run() throws {
        let path = try checkpoint ?? CheckpointPaths.newest()
        let saved: Checkpoint
        do {
            saved = try Checkpoint.load(path: path, maxBatch: 1, threads: 1, memoryLimit: SystemMemory.availableBytes())
        } catch {
            throw CommandFailure(error)
        }
        let inputs = DigitImage.side * DigitImage.side
        guard saved.configuration.model.inputSize == inputs else {
            throw CommandFailure(
                "\(path): expected a checkpoint for \(DigitImage.side)×\(DigitImage.side) = \(inputs)-pixel images, "
                    + "found one for \(saved.configuration.model.inputSize) pixels",
                status: CommandFailure.dataError)
        }
        BLASThreads.set(1)
        let evaluator = Evaluator(network: saved.network)
        var firstFailure: Int32?
        for image in images {
            do {
                let digit = try Self.prepare(image)
                let set = try ImageSet(rows: DigitImage.side, columns: DigitImage.side, pixels: digit.pixels, labels: [0])
                let scores = evaluator.scores(set)[0]
                print(json ? Self.json(image: image, scores: scores, digit: show ? digit : nil)
                           : Self.report(image: image, scores: scores, digit: show ? digit : nil))
            } catch {
                let failure = CommandFailure.from(error)
                FileHandle.standardError.write(Data("mnist-nce: \(failure.message)\n".utf8))
                firstFailure = firstFailure ?? failure.status
            }
        }
        if let firstFailure {
            // Each failure has had its line already; end with the first one's status.
            fflush(nil)
            Foundation.exit(firstFailure)
        }
    }

    /// Reads the picture at `path` and prepares it as an MNIST digit.
    static func prepare(_ path: String) throws(ImageError) -> DigitImage {
        try DigitImage(preparing: ImageFile.load(path: path), source: path)
    }

    /// `path: digit (probability)`, the ten probabilities, and with `digit`
    /// the image framed in shades.
    static func report(image: String, scores: ClassScores, digit: DigitImage?) -> String {
        let best = scores.predictedClass
        var lines = [String(format: "%@: %d (%.2f%%)", image, best, scores.probabilities[best] * 100)]
        lines.append("  " + scores.probabilities.enumerated()
            .map { String(format: "%d: %.4f", $0.offset, $0.element) }.joined(separator: "  "))
        if let digit {
            let edge = "  +" + String(repeating: "-", count: 2 * DigitImage.side) + "+"
            lines.append(edge)
            lines += digit.shadeRows.map { "  |\($0)|" }
            lines.append(edge)
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object: image, digit, probabilities and logits, and with
    /// `digit` its shade rows.
    static func json(image: String, scores: ClassScores, digit: DigitImage?) -> String {
        var object: [String: Any] = [
            "image": image, "digit": scores.predictedClass,
            "probabilities": scores.probabilities.map(jsonNumber), "logits": scores.logits.map(jsonNumber),
        ]
        if let digit { object["shades"] = digit.shadeRows }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
