/// A rectangle of real-valued samples, row by row from the top: the working
/// form of a digit between the decoded image and the final bytes.
struct Plane: Equatable {
    let width: Int
    let height: Int
    var values: [Double]

    init(width: Int, height: Int, values: [Double]) {
        precondition(width >= 1 && height >= 1 && values.count == width * height)
        self.width = width
        self.height = height
        self.values = values
    }

    subscript(x: Int, y: Int) -> Double {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The intensity-weighted mean column and row, counting pixel `i` at
    /// coordinate `i` (as `scipy.ndimage.center_of_mass` does); nil when
    /// every value is zero.
    func centreOfMass() -> (x: Double, y: Double)? {
        var total = 0.0, sumX = 0.0, sumY = 0.0
        for y in 0..<height {
            for x in 0..<width {
                let v = self[x, y]
                total += v
                sumX += v * Double(x)
                sumY += v * Double(y)
            }
        }
        return total > 0 ? (sumX / total, sumY / total) : nil
    }
}
