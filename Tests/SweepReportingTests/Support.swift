import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SweepReporting
import XCTest

/// A run with the given figures; the others are plausible constants.
func record(
    _ loss: String, _ numSampled: Int?, seed: UInt64, accuracy: Double, nll: Double = 0.07, ece: Double = 0.01,
    logZ: Double = 0.1, logZSD: Double = 0.5, curve: [EpochPoint]? = nil, model: String = "mlp"
) -> RunRecord {
    let group = RunGroup(model: model, loss: loss, numSampled: numSampled)
    return RunRecord(
        group: group, seed: seed, testAccuracy: accuracy, validationAccuracy: accuracy + 0.001,
        negativeLogLikelihood: nll, expectedCalibrationError: ece, logPartitionMean: logZ,
        logPartitionStandardDeviation: logZSD, trainingSeconds: 40 + Double(seed), imagesPerSecond: 30_000,
        epochsTrained: 3, checkpoint: "runs/\(group.slug)-seed\(seed).safetensors",
        metrics: "runs/\(group.slug)-seed\(seed).jsonl",
        curve: curve ?? (1...3).map { EpochPoint(epoch: $0, loss: 1 / Double($0 * (numSampled ?? 4)), validationAccuracy: accuracy - 0.01 / Double($0)) })
}

/// A sweep like the README's: NCE at 1, 2, 3, 5, 9 and softmax, 3 seeds.
func exampleSweep(seeds: [UInt64] = [1, 2, 3]) -> [RunRecord] {
    var records: [RunRecord] = []
    for seed in seeds {
        for s in [1, 2, 3, 5, 9] {
            records.append(record(
                "nce", s, seed: seed, accuracy: 0.978 + 0.0008 * Double(s).squareRoot() + 0.0004 * Double(seed % 3),
                ece: 0.004 * Double(s), logZ: 0.05 * Double(s) - 0.1, logZSD: 0.8))
        }
        records.append(record("softmax", nil, seed: seed, accuracy: 0.9845 + 0.0003 * Double(seed), ece: 0.006, logZ: 14.5, logZSD: 3))
    }
    return records
}

let exampleContext = ReportContext(
    folder: "sweeps/mlp", recipe: "mlp (hidden 1024), 20 epochs of batch 32, adam 0.001 (cosine)",
    commands: ["mnist-nce sweep --num-sampled 1,2,3,5,9 --softmax --seeds 1,2,3 --output-dir sweeps/mlp"],
    machine: [("CPU", "Example CPU"), ("cores", "2")], machineNote: "The machine that ran the sweep.",
    date: "2026-11-25 12:00", started: nil, version: "0.3.0", notes: [])

/// The elements of an SVG document as Foundation's XMLParser sees them,
/// with the ids of the `<g>` groups around each, and its texts.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        /// Ids of the enclosing `<g>` elements that have one, innermost last.
        let groupIDs: [String]
        var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }
        func number(_ key: String) -> Double? { attributes[key].flatMap(Double.init) }
    }

    private(set) var elements: [Element] = []
    /// Every `<text>` element with its content.
    private(set) var texts: [(element: Element, text: String)] = []
    private var stack: [String?] = []
    private var currentText = ""

    /// Parses `svg`; fails the calling test when it is not well-formed XML.
    static func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws -> SVGElements {
        let parser = XMLParser(data: Data(svg.utf8))
        let result = SVGElements()
        parser.delegate = result
        let ok = parser.parse()
        XCTAssertTrue(ok, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
        XCTAssertEqual(result.elements.first?.name, "svg", file: file, line: line)
        return result
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append(Element(name: name, attributes: attributes, groupIDs: stack.compactMap { $0 }))
        stack.append(name == "g" ? attributes["id"] : nil)
        currentText = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { currentText += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
        if name == "text", let element = elements.last(where: { $0.name == "text" }) {
            texts.append((element, currentText))
        }
        currentText = ""
    }

    /// The ids of the `<g class="series …">` groups, in document order.
    var seriesIDs: [String] {
        elements.filter { $0.name == "g" && $0.classes.contains("series") }.compactMap { $0.attributes["id"] }
    }

    /// The elements directly in series `id` that have every class given.
    func count(in id: String, _ classes: String...) -> Int {
        elements.filter { $0.groupIDs.last == id && Set(classes).isSubset(of: $0.classes) }.count
    }
}
