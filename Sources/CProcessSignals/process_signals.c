#include "process_signals.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t first_signal = 0;
static volatile sig_atomic_t installed = 0;

/// The temporary file being written; valid while `temporary_set` is 1.
static char temporary_path[4096];
static volatile sig_atomic_t temporary_set = 0;

static void write_text(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t n = write(STDERR_FILENO, text, length);
        if (n <= 0) return;
        text += n;
        length -= (size_t)n;
    }
}

static void on_interrupt(int signal_number) {
    if (first_signal == 0) {
        first_signal = signal_number;
        return;
    }
    if (temporary_set) unlink(temporary_path);
    write_text("\nmnist-nce: interrupted again; stopped without writing a checkpoint "
               "(the last one written is whole)\n");
    _exit(128 + signal_number);
}

void mnist_nce_interrupts_install(void) {
    if (installed) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    installed = 1;
}

int mnist_nce_interrupt_signal(void) { return first_signal; }

void mnist_nce_interrupt_reset(void) { first_signal = 0; }

void mnist_nce_interrupts_set_temporary_file(const char *path) {
    temporary_set = 0;
    if (path == NULL) return;
    size_t length = strlen(path);
    if (length >= sizeof temporary_path) return;
    memcpy(temporary_path, path, length + 1);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    temporary_set = 1;
}
