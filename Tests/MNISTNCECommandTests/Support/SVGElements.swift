import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// The elements of an SVG file as Foundation's XMLParser sees them, with
/// the ids of the `<g>` groups around each.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        /// Ids of the enclosing `<g>` elements that have one, innermost last.
        let groupIDs: [String]
        var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }
    }

    private(set) var elements: [Element] = []
    private var stack: [String?] = []

    /// Parses the file at `path`; fails the calling test when it is not
    /// well-formed XML.
    static func parse(file path: String, file: StaticString = #filePath, line: UInt = #line) throws -> SVGElements {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let parser = XMLParser(data: data)
        let result = SVGElements()
        parser.delegate = result
        guard parser.parse() else {
            XCTFail("\(path) is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
            throw CommandRunnerError(description: "unparsable \(path)")
        }
        XCTAssertEqual(result.elements.first?.name, "svg", "\(path) is not an SVG document", file: file, line: line)
        return result
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append(Element(name: name, attributes: attributes, groupIDs: stack.compactMap { $0 }))
        stack.append(name == "g" ? attributes["id"] : nil)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
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
