import CProcessSignals
import SafeTensors

/// Ctrl-C and termination during long runs: the first SIGINT, SIGTERM or
/// SIGHUP is noted and the run stops after its current step, with its
/// checkpoint written; a second one ends the process at once, removing the
/// temporary file of a checkpoint being written.
enum Interrupts {
    /// Installs the handlers and tells the checkpoint writer to report its
    /// temporary files to them.
    static func install() {
        TemporaryFileObserver.current = { path in
            if let path {
                path.withCString { mnist_nce_interrupts_set_temporary_file($0) }
            } else {
                mnist_nce_interrupts_set_temporary_file(nil)
            }
        }
        mnist_nce_interrupts_install()
    }

    /// The first interrupting signal received, or 0.
    static func signal() -> Int32 { mnist_nce_interrupt_signal() }
}
