package dev.newsstream.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code newsstream.fetch.max-per-host} fetches per host in flight; the host's other fetches
 * wait in its lane's queue, not on a thread. A lane is an {@link ExecutorService} view of the feed
 * executor: {@code submit} gives a future whose {@code cancel(true)} interrupts the running fetch (or, while
 * it still waits in the lane, makes it a no-op), so flights cancel exactly as they did on the executor itself.
 */
@ApplicationScoped
public class HostLanes {

    @Inject
    PoliteSettings settings;

    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    /** The host a URL counts against: its host name, lower case (ports do not make another host). */
    public static String hostOf(URI url) {
        String host = url.getHost();
        return host == null ? "" : host.toLowerCase(Locale.ROOT);
    }

    /** The lane of {@code url}'s host, running its tasks on {@code pool}. */
    public ExecutorService laneFor(URI url, ExecutorService pool) {
        return lanes.computeIfAbsent(hostOf(url), h -> new Lane(h, pool));
    }

    /** Fetches of this host running now. */
    public int running(String host) {
        Lane lane = lanes.get(host);
        return lane == null ? 0 : lane.running();
    }

    /** Fetches of this host waiting for a slot. */
    public int waiting(String host) {
        Lane lane = lanes.get(host);
        return lane == null ? 0 : lane.waiting();
    }

    /** One host's queue and its running count. Never blocks a caller: a full lane queues. */
    final class Lane extends AbstractExecutorService {
        private final String host;
        private final ExecutorService pool;
        private final Queue<Runnable> queue = new ArrayDeque<>();
        private int running;

        Lane(String host, ExecutorService pool) {
            this.host = host;
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                if (running >= settings.maxPerHost()) {
                    queue.add(task);
                    return;
                }
                running++;
            }
            try {
                dispatch(task);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    running--;
                }
                throw e; // the caller (Flight.launch) turns it into "server busy"
            }
        }

        private void dispatch(Runnable task) {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    next();
                }
            });
        }

        /** A slot came free: the next queued task takes it. */
        private void next() {
            while (true) {
                Runnable task;
                synchronized (this) {
                    task = queue.poll();
                    if (task == null) {
                        running--;
                        return;
                    }
                }
                try {
                    dispatch(task);
                    return;
                } catch (RejectedExecutionException e) {
                    // the feed executor's queue is full: run it here rather than lose it (this is a feed thread)
                    Thread.interrupted();
                    try {
                        task.run();
                    } catch (RuntimeException ignored) {
                        // the task's own future carries its failure
                    }
                }
            }
        }

        synchronized int running() {
            return running;
        }

        synchronized int waiting() {
            return queue.size();
        }

        @Override
        public String toString() {
            return "lane " + host;
        }

        // a lane is a view: the pool's life is the container's, not ours
        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }
}
