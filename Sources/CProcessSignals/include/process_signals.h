#ifndef MNIST_NCE_PROCESS_SIGNALS_H
#define MNIST_NCE_PROCESS_SIGNALS_H

/// Interrupt handling for long runs, in C because a signal handler may only
/// touch async-signal-safe state.
///
/// The first SIGINT, SIGTERM or SIGHUP is recorded and nothing else: the
/// program polls `mnist_nce_interrupt_signal()` between steps, finishes
/// cleanly and exits. A second one ends the process at once (status
/// 128 + signal) after removing the temporary file being written, if any,
/// so that an impatient Ctrl-C leaves no partial file behind.

/// Installs the handlers (idempotent).
void mnist_nce_interrupts_install(void);

/// The first interrupting signal received since installation, or 0.
int mnist_nce_interrupt_signal(void);

/// Clears the recorded signal (for tests that send several in turn).
void mnist_nce_interrupt_reset(void);

/// Records `path` as the temporary file being written, to be removed if a
/// second signal ends the process; NULL clears it. Paths longer than 4095
/// bytes are not recorded.
void mnist_nce_interrupts_set_temporary_file(const char *path);

#endif
