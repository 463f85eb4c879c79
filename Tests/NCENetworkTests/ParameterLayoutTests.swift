import NCENetwork
import XCTest

final class ParameterLayoutTests: XCTestCase {
    func testTensorsAreBackToBackInOrder() {
        let layout = ModelConfiguration(inputSize: 784, hiddenUnits: 1024, classCount: 10).parameterLayout
        XCTAssertEqual(layout.entries.map(\.name), ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
        XCTAssertEqual(layout.entries.map(\.offset), [0, 802_816, 803_840, 814_080])
        XCTAssertEqual(layout.totalCount, 814_090)
        XCTAssertEqual(layout.entry("output.weight")?.shape, [10, 1024])
        XCTAssertNil(layout.entry("missing"))
    }

    func testArenaViewsAreDisjoint() {
        let layout = ParameterLayout([("a", [2, 3]), ("b", [4])])
        let arena = ParameterArena<Float>(layout: layout)
        arena.set(layout.entries[0], to: [1, 2, 3, 4, 5, 6])
        arena.set(layout.entries[1], to: [7, 8, 9, 10])
        XCTAssertEqual(arena.allValues(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        arena.zero()
        XCTAssertEqual(arena.allValues(), [Float](repeating: 0, count: 10))
    }
}
