/// A multi-dimensional array as stored in an IDX file: an element type, one
/// or more dimensions and the elements in row-major order.
///
/// Values are always consistent: `dimensions` holds 1 to 255 entries, each
/// in 1...UInt32.max, and their product equals the element count (the
/// public initialiser checks this; the reader checks it before decoding).
public struct IDXArray: Equatable, Sendable {
    /// The sizes of the dimensions, outermost first (for MNIST images:
    /// count, rows, columns).
    public let dimensions: [Int]
    /// The elements, typed, in host byte order.
    public let elements: IDXElements

    /// Creates an array after checking that the shape is one IDX can hold
    /// and matches the element count.
    ///
    /// - Throws: `DataError` of kind `.invalidArgument` naming `source` if
    ///   `dimensions` is empty or longer than 255, has an entry outside
    ///   1...UInt32.max, or its product differs from `elements.count`.
    public init(
        dimensions: [Int], elements: IDXElements, source: String = "IDXArray"
    ) throws(DataError) {
        func reject(_ expected: String, _ found: String) -> DataError {
            DataError(kind: .invalidArgument, source: source, expected: expected, found: found)
        }
        guard (1...255).contains(dimensions.count) else {
            throw reject("1 to 255 dimensions", "\(dimensions.count)")
        }
        var product = 1
        for (axis, size) in dimensions.enumerated() {
            guard size >= 1, size <= Int(UInt32.max) else {
                throw reject("dimension \(axis) in 1...\(UInt32.max)", "\(size)")
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw reject("dimensions whose product fits in Int", "\(dimensions)")
            }
            product = next
        }
        guard product == elements.count else {
            throw reject(
                "\(product) elements for dimensions \(dimensions)", "\(elements.count)")
        }
        self.dimensions = dimensions
        self.elements = elements
    }

    /// Builds an array whose shape the caller has already validated.
    init(validatedDimensions dimensions: [Int], elements: IDXElements) {
        self.dimensions = dimensions
        self.elements = elements
    }

    /// The element type declared in (or to be written to) the header.
    public var elementType: IDXElementType { elements.elementType }

    /// Number of dimensions, 1...255.
    public var rank: Int { dimensions.count }

    /// Number of elements: the product of `dimensions`.
    public var count: Int { elements.count }

    /// The elements if they are `UInt8`, else `nil`. No copy is made.
    public var uint8Values: [UInt8]? {
        if case .uint8(let values) = elements { values } else { nil }
    }

    /// The elements if they are `Int8`, else `nil`.
    public var int8Values: [Int8]? {
        if case .int8(let values) = elements { values } else { nil }
    }

    /// The elements if they are `Int16`, else `nil`.
    public var int16Values: [Int16]? {
        if case .int16(let values) = elements { values } else { nil }
    }

    /// The elements if they are `Int32`, else `nil`.
    public var int32Values: [Int32]? {
        if case .int32(let values) = elements { values } else { nil }
    }

    /// The elements if they are `Float`, else `nil`.
    public var float32Values: [Float]? {
        if case .float32(let values) = elements { values } else { nil }
    }

    /// The elements if they are `Double`, else `nil`.
    public var float64Values: [Double]? {
        if case .float64(let values) = elements { values } else { nil }
    }
}
