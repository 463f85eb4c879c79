import Foundation
import NCENetwork

/// Training progress for a person.
///
/// On a terminal, stderr carries a live line: epoch, overall percentage,
/// elapsed time, ETA, loss and images/s, cut to the terminal's width and
/// redrawn at most ten times a second. It goes to stderr so that `--json`
/// output on stdout stays machine-readable, and it is absent when stderr
/// is not a terminal. Each finished epoch gets a kept line: on stdout in
/// text mode, on the terminal's stderr in JSON mode.
final class ProgressDisplay {
    /// The display whose live line is on screen, so that an error can
    /// start on a fresh line.
    nonisolated(unsafe) static var current: ProgressDisplay?

    /// Whether each finished epoch leaves a line (on stdout in text mode,
    /// else on a terminal's stderr); a sweep shows its runs' lines instead.
    var keepsEpochLines = true
    /// Text to put first on the live line, given the seconds this run
    /// still needs: a sweep's place and ETA, which a narrow terminal should
    /// cut last.
    var livePrefix: ((Double) -> String)?

    private let textMode: Bool
    private let live: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var lineOpen = false

    /// - Parameter textMode: false under `--json`, where stdout carries
    ///   only the summary.
    init(textMode: Bool) {
        self.textMode = textMode
        live = isatty(STDERR_FILENO) != 0
        start = clock.now
        Self.current = self
    }

    /// Says where the checkpoint goes, before the first step.
    func started(checkpoint path: String, description: String) {
        if textMode {
            print("\(description); checkpoint: \(path)")
            fflush(nil)
        } else if live {
            writeError("\(description); checkpoint: \(path)\n")
        }
    }

    func step(_ p: StepProgress) {
        guard live else { return }
        let now = clock.now
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        let done = Double(p.stepsTaken)
        let total = Double(p.totalSteps)
        let elapsed = (now - start).seconds
        let eta = done > 0 ? elapsed * (total - done) / done : 0
        let text = (livePrefix?(eta) ?? "") + String(
            format: "epoch %d/%d  %3.0f%%  %@ elapsed  ETA %@  loss %.4f  %.0f img/s",
            p.epoch, p.epochs, 100 * done / total, Self.clockTime(elapsed), Self.clockTime(eta),
            p.meanLoss, p.imagesPerSecond)
        writeError("\r\u{1B}[K" + String(text.prefix(max(1, Self.terminalWidth() - 1))))
        lineOpen = true
    }

    func epoch(_ r: EpochReport) {
        finishLine()
        guard keepsEpochLines else { return }
        let validation = r.validationAccuracy.map { String(format: "  validation %.2f%%", $0 * 100) } ?? ""
        let text = String(
            format: "epoch %d/%d  loss %.4f%@  %.0f images/s  lr %.2e",
            r.epoch, r.epochs, r.meanLoss, validation, r.imagesPerSecond, r.learningRate)
        if textMode {
            print(text)
            // Flushed per epoch so a pipe (tee, a log file) sees each line at once.
            fflush(nil)
        } else if live {
            writeError(text + "\n")
        }
    }

    /// Clears the live line, so the next output starts on a clean line.
    func finishLine() {
        guard lineOpen else { return }
        writeError("\r\u{1B}[K")
        lineOpen = false
    }

    private func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `m:ss`, or `h:mm:ss` from an hour.
    static func clockTime(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? max(0, seconds.rounded()) : 0)
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// Columns of the terminal on stderr; 80 when it does not say.
    static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
