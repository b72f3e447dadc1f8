package dev.newsstream.stream.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that write to SSE clients and hand fetch results to streams: a fixed pool whose threads
 * come from the container's {@link ManagedThreadFactory}, so they are container-managed (the
 * application's class loader, naming and security context, set up once when each thread starts).
 *
 * <p>Why not a {@code ManagedExecutorService}: Payara sets up context on every task submitted to one,
 * and that set-up runs a {@code ServiceLoader} scan of the WAR for context providers each time. A
 * write is one task per client per frame (and every heartbeat is one), so with 10,000 live clients
 * that scan was ~75 % of a fan-out's CPU and most of the CPU of idle clients. A thread from the
 * managed thread factory pays for its context once. Feed fetches stay on the managed executor: they
 * are few, long, and must be cancellable there with {@code cancel(true)}.
 *
 * <p>The queue is bounded; a full queue rejects, and the channel that could not be scheduled closes
 * itself ("server overloaded") rather than anything waiting.
 */
@ApplicationScoped
public class StreamWriters implements Executor {

    @Resource
    ManagedThreadFactory threads;

    @Inject
    StreamSettings settings;

    @Inject
    StreamMetrics metrics;

    private ThreadPoolExecutor pool;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // made at deployment, on a thread with the application's naming context: made lazily, the first use
        // can be a fan-out on a feed thread whose task was submitted from the HTTP client's own thread, where
        // the default ManagedThreadFactory cannot be looked up (it was: NullPointerException, fan-out lost)
    }

    @PostConstruct
    void start() {
        start(threads);
    }

    /** Starts the pool on threads from this factory: the container's in production, a plain one in StreamWritersTest. */
    void start(ThreadFactory threads) {
        int size = Math.max(1, settings.writerThreads());
        pool = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(Math.max(1000, settings.writerQueue())), threads);
        pool.prestartAllCoreThreads(); // made now, on the deployment's thread, with the application's context
        metrics.gauge("newsstream_stream_writer_queue", "Stream writes and result hand-offs waiting for a writer thread",
                () -> pool.getQueue().size());
    }

    @PreDestroy
    void stop() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    /** Runs the task on a writer thread; throws {@code RejectedExecutionException} when the queue is full. */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    public int queued() {
        return pool.getQueue().size();
    }

    public int busy() {
        return pool.getActiveCount();
    }
}
