// A small persistent thread pool for the training step's parallel kernels.
// libdispatch's concurrentPerform allocates on every call and wakes its
// threads slowly; a step runs three parallel kernels, so the pool keeps its
// workers between jobs.
//
// Parts are claimed, not assigned: the caller and the workers take the next
// unclaimed part from a shared ticket until none is left, so when a thread
// is descheduled the others take its share, and a job waits only for parts
// already started. Idle threads poll briefly and then sleep (a futex on
// Linux), so a waiting thread does not hold a core another one needs.
//
// On a busy machine, helpers can still cost more than they bring: a woken
// worker may preempt the caller on its own core, or be preempted while it
// holds a part. So the pool measures its throughput with and without the
// workers (see `mnist_nce_pool_adapt`) and leaves them asleep while the
// caller alone is faster.
#define _GNU_SOURCE
#include "numeric_kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

// How long an idle worker polls for the next job before it sleeps. The
// serial work between a step's kernels (the output layer, the bias sums,
// loading the next batch) takes some tens of microseconds on the MNIST
// network; polling across it spares a futex wake-up per kernel.
#define MNIST_NCE_WORKER_POLL_NS 50000
// How long the caller polls for parts still running on workers before it
// sleeps. Parts take tens of microseconds, so a running straggler finishes
// within this; a descheduled one needs the core more than the caller does.
#define MNIST_NCE_CALLER_POLL_NS 20000

// A measurement window of the adaptive mode lasts at least this long (many
// scheduler time slices, so that one preemption more or less does not
// decide it) and holds a multiple of MNIST_NCE_WINDOW_JOBS jobs, a number
// divisible by the small job counts of a training step (three on the MNIST
// network), so every window holds the same mix of kernels.
#define MNIST_NCE_WINDOW_NS 50000000
#define MNIST_NCE_WINDOW_JOBS 48
// Windows before the first trial of running alone, and the longest run of
// windows between two trials of the other mode.
#define MNIST_NCE_FIRST_TRIAL_GAP 4
#define MNIST_NCE_MAX_TRIAL_GAP 64
// A gap between two jobs counts at most this long. The caller announces
// its own pauses (evaluation, checkpoints: `mnist_nce_pool_pause`), which
// then do not count at all; the cap only bounds one it did not announce.
// It must stay well above a scheduler time slice: a caller descheduled
// because its workers hold its core is exactly what the timing must see
// (with a 2 ms cap, a busy neighbour made the workers look faster than
// the caller alone while they cost a fifth of the speed).
#define MNIST_NCE_MAX_JOB_GAP_NS 50000000

// The ticket holds a round's number (high 32 bits), its part count (next 16)
// and its first unclaimed part (low 16). A job of more parts runs in
// several rounds.
#define MNIST_NCE_ROUND_SHIFT 32
#define MNIST_NCE_COUNT_SHIFT 16
#define MNIST_NCE_MAX_ROUND_PARTS 0xffff

static inline void mnist_nce_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline uint64_t mnist_nce_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

// The caller's record of its throughput with and without the workers.
struct mnist_nce_adaptation {
    int solo;              // this window runs every part on the caller
    int preferred_solo;    // the faster mode, as last measured
    int jobs;              // jobs so far in this window
    uint64_t parts;        // their parts
    uint64_t elapsed_ns;   // job start to job start, gaps capped
    uint64_t last_start_ns;
    double rate[2];        // parts per ns, with workers [0] and alone [1]: each new
                           // window's rate averaged with the previous figure; 0 = unknown
    int settling;          // the first window with workers after one without
    int trial_gap;         // windows between trials of the other mode
    int until_trial;
};

struct mnist_nce_pool {
    // Round number, part count and first unclaimed part of the current
    // round (see MNIST_NCE_ROUND_SHIFT). Parts are claimed by
    // compare-and-swap, so a claim succeeds only for the round the claimer
    // read, and only while that round still has the part. The count is in
    // the same word so that a claimer can never pair one round's ticket
    // with another's count.
    _Alignas(64) atomic_ullong ticket;
    // Parts of the current round not yet finished; the caller sleeps on it.
    _Alignas(64) atomic_int unfinished;
    atomic_int caller_asleep;
    // Low half of the newest round number; idle workers sleep on it.
    _Alignas(64) atomic_uint published;
    atomic_int sleepers;  // workers asleep on `published`, or about to be
    atomic_int pollers;   // workers polling `published`
    atomic_int stop;
    // The current round. Written by the caller only when every part of the
    // previous round has finished; read by claimers between loading the
    // ticket and claiming with it (atomics, because a claimer that loses
    // its claim may read them while the next round is written).
    _Alignas(64) _Atomic(void (*)(void *, int)) body;
    _Atomic(void *) context;
    atomic_int first_part;  // the job part that the round's part 0 stands for
    unsigned long long round;  // the caller's round counter
    int workers;
    // Workers that may be awake at once: one per core besides the caller's.
    // More would only take turns on the same cores.
    int awake_limit;
    pthread_t *threads;
    struct mnist_nce_adaptation adaptation;
#if !defined(__linux__)
    pthread_mutex_t mutex;
    pthread_cond_t changed;
#endif
};

// Sleeps while *word equals `expected` (or until a spurious wake-up; callers
// check again). Words are 32-bit, as futexes are.
static void mnist_nce_park(mnist_nce_pool *pool, void *word, unsigned expected) {
#if defined(__linux__)
    (void)pool;
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
#else
    pthread_mutex_lock(&pool->mutex);
    if (atomic_load_explicit((atomic_uint *)word, memory_order_seq_cst) == expected)
        pthread_cond_wait(&pool->changed, &pool->mutex);
    pthread_mutex_unlock(&pool->mutex);
#endif
}

// Wakes up to `count` threads asleep on `word` (the fallback wakes all).
static void mnist_nce_unpark(mnist_nce_pool *pool, void *word, int count) {
#if defined(__linux__)
    (void)pool;
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
#else
    (void)word;
    (void)count;
    pthread_mutex_lock(&pool->mutex);
    pthread_cond_broadcast(&pool->changed);
    pthread_mutex_unlock(&pool->mutex);
#endif
}

// Claims and runs parts of the newest round until it has none left.
//
// A claim that succeeds proves the fields read before it belong to the
// ticket's round: the ticket still showed an unclaimed part of that round,
// and the next round is written only after this one's last part has
// finished, which needs every part claimed first.
static void mnist_nce_run_parts(mnist_nce_pool *pool) {
    for (;;) {
        unsigned long long ticket = atomic_load_explicit(&pool->ticket, memory_order_acquire);
        int part = (int)(ticket & MNIST_NCE_MAX_ROUND_PARTS);
        int parts = (int)((ticket >> MNIST_NCE_COUNT_SHIFT) & MNIST_NCE_MAX_ROUND_PARTS);
        if (part >= parts) return;
        void (*body)(void *, int) = atomic_load_explicit(&pool->body, memory_order_relaxed);
        void *context = atomic_load_explicit(&pool->context, memory_order_relaxed);
        int first_part = atomic_load_explicit(&pool->first_part, memory_order_relaxed);
        if (!atomic_compare_exchange_weak_explicit(
                &pool->ticket, &ticket, ticket + 1, memory_order_acq_rel, memory_order_relaxed))
            continue;
        // Parts remain: one more sleeping worker can help, if fewer than
        // the limit are awake. A woken worker that claims a part wakes the
        // next, so a round wakes no more threads than it has parts.
        if (part + 1 < parts) {
            int sleepers = atomic_load_explicit(&pool->sleepers, memory_order_seq_cst);
            if (sleepers > 0 && pool->workers - sleepers < pool->awake_limit)
                mnist_nce_unpark(pool, &pool->published, 1);
        }
        body(context, first_part + part);
        if (atomic_fetch_sub_explicit(&pool->unfinished, 1, memory_order_seq_cst) == 1 &&
            atomic_load_explicit(&pool->caller_asleep, memory_order_seq_cst))
            mnist_nce_unpark(pool, &pool->unfinished, 1);
    }
}

// Waits until `published` differs from `seen` and returns its new value.
// At most `awake_limit` workers poll; the others sleep at once. A worker
// woken without a new round (by mnist_nce_pool_wake, or spuriously) polls
// again before it sleeps again.
static unsigned mnist_nce_wait_for_round(mnist_nce_pool *pool, unsigned seen) {
    for (;;) {
        unsigned now = seen;
        if (atomic_fetch_add_explicit(&pool->pollers, 1, memory_order_relaxed) < pool->awake_limit) {
            uint64_t deadline = 0;
            for (unsigned spin = 0;; spin++) {
                now = atomic_load_explicit(&pool->published, memory_order_acquire);
                if (now != seen) break;
                if (spin % 64 == 0) {
                    uint64_t time = mnist_nce_now_ns();
                    if (deadline == 0) deadline = time + MNIST_NCE_WORKER_POLL_NS;
                    else if (time >= deadline) break;
                }
                mnist_nce_relax();
            }
        }
        atomic_fetch_sub_explicit(&pool->pollers, 1, memory_order_relaxed);
        if (now != seen) return now;
        // Counting itself a sleeper before the last check pairs with the
        // caller's check of `sleepers` after publishing: one of the two sees
        // the other, so no round is missed.
        atomic_fetch_add_explicit(&pool->sleepers, 1, memory_order_seq_cst);
        now = atomic_load_explicit(&pool->published, memory_order_seq_cst);
        if (now == seen) mnist_nce_park(pool, &pool->published, seen);
        atomic_fetch_sub_explicit(&pool->sleepers, 1, memory_order_relaxed);
        now = atomic_load_explicit(&pool->published, memory_order_seq_cst);
        if (now != seen) return now;
    }
}

// Waits until every part of the current round has finished.
static void mnist_nce_wait_for_parts(mnist_nce_pool *pool) {
    uint64_t deadline = 0;
    for (unsigned spin = 0;; spin++) {
        if (atomic_load_explicit(&pool->unfinished, memory_order_acquire) == 0) return;
        if (spin % 64 == 0) {
            uint64_t time = mnist_nce_now_ns();
            if (deadline == 0) deadline = time + MNIST_NCE_CALLER_POLL_NS;
            else if (time >= deadline) break;
        }
        mnist_nce_relax();
    }
    // As for the workers: the flag before the last check pairs with the
    // finishing worker's check of the flag after its decrement.
    atomic_store_explicit(&pool->caller_asleep, 1, memory_order_seq_cst);
    int left;
    while ((left = atomic_load_explicit(&pool->unfinished, memory_order_seq_cst)) != 0)
        mnist_nce_park(pool, &pool->unfinished, (unsigned)left);
    atomic_store_explicit(&pool->caller_asleep, 0, memory_order_relaxed);
}

// Decides, at the start of a job of `parts` parts, whether it runs on the
// caller alone.
//
// Time is cut into windows, each run in one mode and rated in parts per
// nanosecond, from job start to job start (pauses the caller announces left
// out). Most windows run in the mode rated faster; now and then a window
// tries the other. A trial that loses doubles the windows until the next
// one (up to MNIST_NCE_MAX_TRIAL_GAP), so a mode that stays slower costs
// little; a trial that wins switches modes. Which thread runs a part never
// changes its result, so this only changes the speed.
static int mnist_nce_pool_adapt(mnist_nce_pool *pool, int parts) {
    struct mnist_nce_adaptation *a = &pool->adaptation;
    uint64_t now = mnist_nce_now_ns();
    if (a->last_start_ns != 0) {
        uint64_t gap = now - a->last_start_ns;
        a->elapsed_ns += gap < MNIST_NCE_MAX_JOB_GAP_NS ? gap : MNIST_NCE_MAX_JOB_GAP_NS;
    }
    a->last_start_ns = now;
    if (a->jobs % MNIST_NCE_WINDOW_JOBS == 0 && a->elapsed_ns >= MNIST_NCE_WINDOW_NS) {
        // The window's last job has ended.
        int next = a->solo;
        if (a->settling) {
            // The first window with workers after one without pays for the
            // change (workers waking, threads moving between cores): not
            // rated.
            a->settling = 0;
        } else {
            int mode = a->solo;
            // Averaged, because on a shared machine single windows of the
            // workers swing by a third either way (a neighbour's time
            // slices fall in one window or the next).
            double measured = (double)a->parts / (double)a->elapsed_ns;
            a->rate[mode] = a->rate[mode] > 0 ? 0.5 * (a->rate[mode] + measured) : measured;
            if (mode != a->preferred_solo) {
                // A trial, against the windows just before it.
                if (a->rate[mode] > a->rate[!mode]) {
                    a->preferred_solo = mode;
                    a->trial_gap = 1;
                } else if (a->trial_gap < MNIST_NCE_MAX_TRIAL_GAP) {
                    a->trial_gap *= 2;
                }
                a->until_trial = a->trial_gap;
                next = a->preferred_solo;
            } else if (--a->until_trial <= 0) {
                next = !a->preferred_solo;
            }
        }
        a->settling = a->solo && !next;
        a->solo = next;
        a->jobs = 0;
        a->parts = 0;
        a->elapsed_ns = 0;
    }
    a->jobs += 1;
    a->parts += (uint64_t)parts;
    return a->solo;
}

struct mnist_nce_worker_start {
    mnist_nce_pool *pool;
    // `published` when the pool was made. Read by the creator, not the new
    // thread: a job or a stop published before the thread first runs must
    // still count as a change.
    unsigned published;
};

static void *mnist_nce_worker(void *argument) {
    struct mnist_nce_worker_start start = *(struct mnist_nce_worker_start *)argument;
    free(argument);
    mnist_nce_pool *pool = start.pool;
    unsigned seen = start.published;
    for (;;) {
        seen = mnist_nce_wait_for_round(pool, seen);
        if (atomic_load_explicit(&pool->stop, memory_order_acquire)) return NULL;
        mnist_nce_run_parts(pool);
    }
}

mnist_nce_pool *mnist_nce_pool_create(int workers) {
    if (workers < 0) workers = 0;
    // Aligned, so that the fields the threads write apart sit on cache
    // lines apart (the struct's size is a multiple of its alignment).
    mnist_nce_pool *pool = aligned_alloc(_Alignof(mnist_nce_pool), sizeof *pool);
    if (!pool) return NULL;
    memset(pool, 0, sizeof *pool);
    pool->workers = workers;
    int cores = mnist_nce_available_cores();
    pool->awake_limit = cores > 1 ? cores - 1 : 1;
    pool->adaptation.trial_gap = MNIST_NCE_FIRST_TRIAL_GAP;
    pool->adaptation.until_trial = MNIST_NCE_FIRST_TRIAL_GAP;
    pool->threads = calloc((size_t)(workers > 0 ? workers : 1), sizeof(pthread_t));
    if (!pool->threads) { free(pool); return NULL; }
#if !defined(__linux__)
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->changed, NULL);
#endif
    for (int i = 0; i < workers; i++) {
        struct mnist_nce_worker_start *start = malloc(sizeof *start);
        int failed = start == NULL;
        if (!failed) {
            start->pool = pool;
            start->published = atomic_load_explicit(&pool->published, memory_order_acquire);
            failed = pthread_create(&pool->threads[i], NULL, mnist_nce_worker, start) != 0;
        }
        if (failed) {
            free(start);
            pool->workers = i;  // join only the threads that started
            mnist_nce_pool_destroy(pool);
            return NULL;
        }
    }
    return pool;
}

void mnist_nce_pool_destroy(mnist_nce_pool *pool) {
    if (!pool) return;
    atomic_store_explicit(&pool->stop, 1, memory_order_seq_cst);
    atomic_fetch_add_explicit(&pool->published, 1, memory_order_seq_cst);
    mnist_nce_unpark(pool, &pool->published, pool->workers);
    for (int i = 0; i < pool->workers; i++) pthread_join(pool->threads[i], NULL);
#if !defined(__linux__)
    pthread_cond_destroy(&pool->changed);
    pthread_mutex_destroy(&pool->mutex);
#endif
    free(pool->threads);
    free(pool);
}

void mnist_nce_pool_wake(mnist_nce_pool *pool) {
    // While the caller runs jobs alone the workers stay asleep.
    if (!pool || pool->workers == 0 || pool->adaptation.solo) return;
    int sleepers = atomic_load_explicit(&pool->sleepers, memory_order_relaxed);
    if (sleepers > 0) mnist_nce_unpark(pool, &pool->published, sleepers < pool->awake_limit ? sleepers : pool->awake_limit);
}

void mnist_nce_pool_pause(mnist_nce_pool *pool) {
    if (pool) pool->adaptation.last_start_ns = 0;
}

void mnist_nce_pool_run(mnist_nce_pool *pool, int parts, void (*body)(void *, int), void *context) {
    if (parts <= 0) return;
    if (!pool || pool->workers == 0 || parts == 1 || mnist_nce_pool_adapt(pool, parts)) {
        for (int part = 0; part < parts; part++) body(context, part);
        return;
    }
    for (int first = 0; first < parts; first += MNIST_NCE_MAX_ROUND_PARTS) {
        int count = parts - first < MNIST_NCE_MAX_ROUND_PARTS ? parts - first : MNIST_NCE_MAX_ROUND_PARTS;
        // Every part of the previous round has finished and its ticket has
        // no part left, so no claimer can succeed with these fields until
        // the new ticket is stored.
        atomic_store_explicit(&pool->body, body, memory_order_relaxed);
        atomic_store_explicit(&pool->context, context, memory_order_relaxed);
        atomic_store_explicit(&pool->first_part, first, memory_order_relaxed);
        atomic_store_explicit(&pool->unfinished, count, memory_order_relaxed);
        pool->round += 1;
        unsigned long long ticket = pool->round << MNIST_NCE_ROUND_SHIFT |
            (unsigned long long)count << MNIST_NCE_COUNT_SHIFT;
        atomic_store_explicit(&pool->ticket, ticket, memory_order_release);
        atomic_store_explicit(&pool->published, (unsigned)pool->round, memory_order_seq_cst);
        if (atomic_load_explicit(&pool->sleepers, memory_order_seq_cst) > 0)
            mnist_nce_unpark(pool, &pool->published, 1);
        mnist_nce_run_parts(pool);
        mnist_nce_wait_for_parts(pool);
    }
}
