import Foundation
import SweepReporting
import XCTest

/// The report files of a sweep: the CSV and Markdown tables, the plots'
/// series and points, text that never overlaps, styles that differ without
/// colour, and a page that needs nothing outside itself.
final class ReportFilesTests: XCTestCase {
    func files(_ records: [RunRecord]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: SweepReport.files(records: records, context: exampleContext).map { ($0.name, $0.contents) })
    }

    func testResultsCSVHasOneRowPerRunInOrder() throws {
        let csv = try XCTUnwrap(files(exampleSweep())["results.csv"])
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.first, Substring(ResultsTable.columns.joined(separator: ",")))
        XCTAssertEqual(lines.count, 1 + 18)
        XCTAssertTrue(lines[1].hasPrefix("mlp,nce,1,1,"), String(lines[1]))
        XCTAssertTrue(lines[18].hasPrefix("mlp,softmax,,3,"), String(lines[18]))
        // Full precision: the value reads back exactly.
        let record = exampleSweep()[0]
        XCTAssertTrue(lines[1].contains(",\(record.testAccuracy),"), String(lines[1]))
    }

    func testCSVQuotesFieldsWithCommas() {
        var odd = record("nce", 1, seed: 1, accuracy: 0.9)
        odd.checkpoint = "runs/a,b \"c\".safetensors"
        let csv = ResultsTable.csv([odd])
        XCTAssertTrue(csv.contains(",\"runs/a,b \"\"c\"\".safetensors\","), csv)
    }

    func testSummaryRowsShowMeanAndSpread() throws {
        let summary = try XCTUnwrap(files([
            record("nce", 1, seed: 1, accuracy: 0.9812), record("nce", 1, seed: 2, accuracy: 0.9832),
            record("softmax", nil, seed: 1, accuracy: 0.985),
        ])["summary.md"])
        XCTAssertTrue(summary.contains("| NCE, num_sampled 1 | 2 | 98.22 ± 0.14 | 98.12 | 98.32 |"), summary)
        XCTAssertTrue(summary.contains("| softmax | 1 | 98.50 | 98.50 | 98.50 |"), summary)
    }

    func testAccuracyPlotHoldsEverySeriesAndPoint() throws {
        let svg = try SVGElements.parse(try XCTUnwrap(files(exampleSweep())["accuracy.svg"]))
        XCTAssertEqual(svg.seriesIDs.sorted(), ["series-mlp-nce", "series-mlp-softmax"])
        XCTAssertEqual(svg.count(in: "series-mlp-nce", "point", "mean"), 5)
        XCTAssertEqual(svg.count(in: "series-mlp-nce", "point", "seed"), 15)
        XCTAssertEqual(svg.count(in: "series-mlp-nce", "error-bar"), 5)
        XCTAssertEqual(svg.count(in: "series-mlp-softmax", "band"), 1)
        XCTAssertEqual(svg.count(in: "series-mlp-softmax", "mean-line"), 1)
        let texts = svg.texts.map(\.text)
        for text in ["Test accuracy against num_sampled", "test accuracy (%)", "1", "2", "3", "5", "9"] {
            XCTAssertTrue(texts.contains(text), "no text \(text.debugDescription)")
        }
        XCTAssertEqual(svg.elements.filter { $0.classes.contains("legend-label") }.count, 3)

        // Sampled softmax is a second series beside NCE.
        let both = exampleSweep(seeds: [1]) + [1, 2, 3, 5, 9].map { record("sampled-softmax", $0, seed: 1, accuracy: 0.97) }
        let withSampled = try SVGElements.parse(try XCTUnwrap(files(both)["accuracy.svg"]))
        XCTAssertEqual(withSampled.seriesIDs.sorted(), ["series-mlp-nce", "series-mlp-sampled-softmax", "series-mlp-softmax"])
        XCTAssertEqual(withSampled.count(in: "series-mlp-sampled-softmax", "point", "mean"), 5)
        // One seed: no error bars.
        XCTAssertEqual(withSampled.count(in: "series-mlp-nce", "error-bar"), 0)
    }

    func testCurvesAndNormalisationPlotsHoldEveryConfiguration() throws {
        let all = files(exampleSweep())
        let curves = try SVGElements.parse(try XCTUnwrap(all["curves.svg"]))
        XCTAssertEqual(curves.seriesIDs.count, 6)
        for id in curves.seriesIDs {
            XCTAssertEqual(curves.count(in: id, "point", "validation"), 3, id)
            XCTAssertEqual(curves.count(in: id, "point", "loss"), 3, id)
            XCTAssertEqual(curves.count(in: id, "validation"), 4, "a line and three markers in \(id)")
        }
        let normalisation = try SVGElements.parse(try XCTUnwrap(all["normalisation.svg"]))
        XCTAssertEqual(normalisation.seriesIDs, [
            "row-mlp-nce-s1", "row-mlp-nce-s2", "row-mlp-nce-s3", "row-mlp-nce-s5", "row-mlp-nce-s9", "row-mlp-softmax",
        ])
        for id in normalisation.seriesIDs {
            XCTAssertEqual(normalisation.count(in: id, "point", "mean", "logz"), 1)
            XCTAssertEqual(normalisation.count(in: id, "point", "seed", "logz"), 3)
            XCTAssertEqual(normalisation.count(in: id, "point", "mean", "ece"), 1)
            XCTAssertEqual(normalisation.count(in: id, "point", "seed", "ece"), 3)
        }
        XCTAssertEqual(normalisation.elements.filter { $0.classes.contains("zero-line") }.count, 1)
    }

    /// Validation errors that fall from 6% to 1.2% get an axis spaced by
    /// the log of the error, labelled in accuracy.
    func testCurvesOverAWideRangeUseALogErrorAxis() throws {
        let curve = [0.94, 0.97, 0.98, 0.985, 0.988].enumerated().map {
            EpochPoint(epoch: $0.offset + 1, loss: 1 / Double($0.offset + 1), validationAccuracy: $0.element)
        }
        let svg = try SVGElements.parse(try XCTUnwrap(files([record("nce", 1, seed: 1, accuracy: 0.98, curve: curve)])["curves.svg"]))
        let labels = svg.texts.filter { $0.element.classes.contains("tick-label") }.map(\.text)
        for label in ["94", "95", "97", "98", "98.5"] {
            XCTAssertTrue(labels.contains(label), "no accuracy tick \(label): \(labels)")
        }
        XCTAssertTrue(svg.texts.contains { $0.text.contains("log of the error") })
        // Higher accuracy is higher on the page, and 98 to 98.5 takes more
        // room than 94 to 95.
        let y = { (label: String) in svg.texts.first { $0.text == label && $0.element.classes.contains("tick-label") }!.element.number("y")! }
        XCTAssertLessThan(y("98.5"), y("98"))
        XCTAssertGreaterThan(y("98") - y("98.5"), y("94") - y("95"))
    }

    /// With many close num_sampled values, tick labels that would touch
    /// are dropped: no two texts of a plot overlap (by their estimated
    /// extent, the one the layout uses).
    func testNoTextOverlaps() throws {
        var records = exampleSweep()
        records[0].curve = [0.94, 0.97, 0.98].enumerated().map {
            EpochPoint(epoch: $0.offset + 1, loss: 0.5, validationAccuracy: $0.element)
        }
        for s in 10...16 { records.append(record("nce", s, seed: 1, accuracy: 0.98)) }
        records += (1...16).map { record("sampled-softmax", $0, seed: 1, accuracy: 0.975) }
        for (name, contents) in files(records) where name.hasSuffix(".svg") {
            let svg = try SVGElements.parse(contents)
            let boxes = svg.texts.filter { $0.element.attributes["transform"] == nil }.map { text -> (String, CGRect) in
                let size = text.element.number("font-size") ?? 12
                let width = Double(text.text.count) * size * 0.62
                let x = text.element.number("x") ?? 0, y = text.element.number("y") ?? 0
                let left = switch text.element.attributes["text-anchor"] {
                case "middle": x - width / 2
                case "end": x - width
                default: x
                }
                return (text.text, CGRect(x: left, y: y - size * 0.8, width: width, height: size))
            }
            for i in boxes.indices {
                for j in boxes.indices where j > i {
                    XCTAssertFalse(
                        boxes[i].1.insetBy(dx: 0.5, dy: 0.5).intersects(boxes[j].1.insetBy(dx: 0.5, dy: 0.5)),
                        "\(name): \(boxes[i].0.debugDescription) overlaps \(boxes[j].0.debugDescription)")
                }
            }
        }
    }

    /// Series differ in marker shape or dash, not only in colour, so that
    /// they stay apart in greyscale.
    func testSeriesDifferWithoutColour() throws {
        var records = exampleSweep(seeds: [1])
        records += [1, 2, 3, 5, 9].map { record("sampled-softmax", $0, seed: 1, accuracy: 0.97) }
        let curves = try SVGElements.parse(try XCTUnwrap(files(records)["curves.svg"]))
        var looks: Set<String> = []
        for id in curves.seriesIDs {
            let line = try XCTUnwrap(curves.elements.first { $0.groupIDs.last == id && $0.classes.contains("loss") && $0.name == "polyline" })
            let marker = try XCTUnwrap(curves.elements.first { $0.groupIDs.last == id && $0.classes.contains("point") })
            let shape = marker.name == "circle" ? "circle" : String(marker.attributes["d"]?.filter { $0 == "L" }.count ?? 0)
            looks.insert("\(line.attributes["stroke-dasharray"] ?? "solid")|\(shape)|\(line.attributes["stroke-width"] ?? "")")
        }
        XCTAssertEqual(looks.count, curves.seriesIDs.count, "two series look alike without colour: \(looks)")
    }

    func testPageIsSelfContained() throws {
        let page = try XCTUnwrap(files(exampleSweep())["report.html"])
        XCTAssertEqual(page.components(separatedBy: "<svg ").count - 1, 3)
        XCTAssertFalse(page.contains("<?xml"), "an XML declaration inside HTML")
        for outside in ["<script", " src=", " href=", "<link", "url(", "@import"] {
            XCTAssertFalse(page.contains(outside), "report.html refers outside itself: \(outside)")
        }
        for text in [exampleContext.commands[0], "Example CPU", "0.3.0", "2026-11-25 12:00", "NCE, num_sampled 9", "ECE"] {
            XCTAssertTrue(page.contains(text), "report.html lacks \(text)")
        }
    }
}
