import Foundation
import NCENetwork

/// Training progress on stdout: on a terminal, a live line redrawn a few
/// times a second and a kept line per epoch; otherwise one plain line per
/// epoch.
final class ProgressDisplay {
    let enabled: Bool
    let live: Bool
    private var lastDraw = ContinuousClock.now
    private var lineOpen = false

    init(enabled: Bool) {
        self.enabled = enabled
        live = enabled && isatty(STDOUT_FILENO) != 0
    }

    func step(_ p: StepProgress) {
        guard live else { return }
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(100) || p.step == p.stepsPerEpoch else { return }
        lastDraw = now
        let text = String(
            format: "epoch %d/%d  step %d/%d  loss %.4f  %.0f images/s",
            p.epoch, p.epochs, p.step, p.stepsPerEpoch, p.meanLoss, p.imagesPerSecond)
        print("\r\u{1B}[K\(text)", terminator: "")
        fflush(nil)
        lineOpen = true
    }

    func epoch(_ r: EpochReport) {
        guard enabled else { return }
        finishLine()
        let validation = r.validationAccuracy.map { String(format: "  validation %.2f%%", $0 * 100) } ?? ""
        print(String(
            format: "epoch %d/%d  loss %.4f%@  %.0f images/s  lr %.2e",
            r.epoch, r.epochs, r.meanLoss, validation, r.imagesPerSecond, r.learningRate))
        // Flushed per epoch so a pipe (tee, a log file) sees each line at once.
        fflush(nil)
    }

    /// Ends a live line so the next output starts on a clean line.
    func finishLine() {
        guard lineOpen else { return }
        print("\r\u{1B}[K", terminator: "")
        lineOpen = false
    }
}
