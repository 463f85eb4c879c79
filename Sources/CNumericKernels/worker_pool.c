// A small persistent thread pool for the training step's parallel kernels.
// libdispatch's concurrentPerform allocates on every call and wakes its
// threads slowly; a step runs three parallel kernels, so the pool keeps
// its workers and hands them work through a generation counter.
#include "numeric_kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

// Spin iterations before an idle worker sleeps: long enough to bridge the
// gaps between the kernels of one step, short enough not to burn a core
// while the process does something else.
#define MNIST_NCE_SPIN 20000

static inline void mnist_nce_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

struct mnist_nce_pool {
    int workers;
    pthread_t *threads;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    atomic_ulong generation;  // bumped once per job; workers wait for a change
    atomic_int remaining;     // workers that have not finished the job
    atomic_int stop;
    int parts;
    void (*body)(void *, int);
    void *context;
};

struct mnist_nce_worker_start {
    mnist_nce_pool *pool;
    int index;
    // The generation when the pool was made. Read by the creator, not the
    // new thread: a job or a stop published before the thread first runs
    // must still count as a change.
    unsigned long generation;
};

static void *mnist_nce_worker(void *argument) {
    struct mnist_nce_worker_start start = *(struct mnist_nce_worker_start *)argument;
    free(argument);
    mnist_nce_pool *pool = start.pool;
    unsigned long seen = start.generation;
    for (;;) {
        unsigned long now = seen;
        for (int spin = 0; spin < MNIST_NCE_SPIN; spin++) {
            now = atomic_load_explicit(&pool->generation, memory_order_acquire);
            if (now != seen) break;
            mnist_nce_relax();
        }
        if (now == seen) {
            pthread_mutex_lock(&pool->mutex);
            while ((now = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&pool->wake, &pool->mutex);
            pthread_mutex_unlock(&pool->mutex);
        }
        seen = now;
        if (atomic_load_explicit(&pool->stop, memory_order_acquire)) return NULL;
        // Worker i runs parts i+1, i+1+(workers+1), ...; the caller runs
        // parts 0, workers+1, .... Every worker acknowledges every job, even
        // one with no part for it, so the caller never writes the next job
        // while a worker still reads this one.
        for (int part = start.index + 1; part < pool->parts; part += pool->workers + 1)
            pool->body(pool->context, part);
        atomic_fetch_sub_explicit(&pool->remaining, 1, memory_order_acq_rel);
    }
}

mnist_nce_pool *mnist_nce_pool_create(int workers) {
    if (workers < 0) workers = 0;
    mnist_nce_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->workers = workers;
    pool->threads = calloc((size_t)(workers > 0 ? workers : 1), sizeof(pthread_t));
    if (!pool->threads) { free(pool); return NULL; }
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    for (int i = 0; i < workers; i++) {
        struct mnist_nce_worker_start *start = malloc(sizeof *start);
        int failed = start == NULL;
        if (!failed) {
            start->pool = pool;
            start->index = i;
            start->generation = atomic_load_explicit(&pool->generation, memory_order_acquire);
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
    atomic_store_explicit(&pool->stop, 1, memory_order_release);
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_acq_rel);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int i = 0; i < pool->workers; i++) pthread_join(pool->threads[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->mutex);
    free(pool->threads);
    free(pool);
}

void mnist_nce_pool_run(mnist_nce_pool *pool, int parts, void (*body)(void *, int), void *context) {
    if (parts <= 0) return;
    if (!pool || pool->workers == 0 || parts == 1) {
        for (int part = 0; part < parts; part++) body(context, part);
        return;
    }
    pool->parts = parts;
    pool->body = body;
    pool->context = context;
    atomic_store_explicit(&pool->remaining, pool->workers, memory_order_relaxed);
    // Publishing under the mutex pairs with the sleeping workers' check, so
    // none misses the wake-up; spinning workers see the new generation.
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_acq_rel);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int part = 0; part < parts; part += pool->workers + 1) body(context, part);
    while (atomic_load_explicit(&pool->remaining, memory_order_acquire) > 0) {
        // The other parts take about as long as the caller's did.
        mnist_nce_relax();
    }
}
