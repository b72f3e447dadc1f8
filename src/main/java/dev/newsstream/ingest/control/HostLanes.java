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
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most {@code newsstream.fetch.max-per-host} fetches per host in flight; the host's other fetches
 * wait in its lane's queue, not on a thread. A source's read holds its slot from its start until the whole
 * read ends ({@link Lane#admit}: the read calls its release), not while a thread runs, because a read waiting on
 * the network holds no thread. A lane is also an {@link ExecutorService} view of the feed executor for blocking
 * work (the OPML import), which holds its slot while its task runs.
 */
@ApplicationScoped
public class HostLanes {

    /** Work that holds a lane slot until it calls {@code release} (exactly once counts; more are ignored). */
    public interface Held {
        /** Runs on the pool once the host has a free slot. */
        void start(Runnable release);

        /** The pool refused it when a slot came free (its queue is full): it never starts. */
        void rejected(RejectedExecutionException e);
    }

    @Inject
    PoliteSettings settings;

    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    /** The host a URL counts against: its host name, lower case (ports do not make another host). */
    public static String hostOf(URI url) {
        String host = url.getHost();
        return host == null ? "" : host.toLowerCase(Locale.ROOT);
    }

    /** The lane of {@code url}'s host, running its tasks on {@code pool}. */
    public Lane laneFor(URI url, ExecutorService pool) {
        return lanes.computeIfAbsent(hostOf(url), h -> new Lane(h, pool));
    }

    /** Fetches of this host in flight now. */
    public int running(String host) {
        Lane lane = lanes.get(host);
        return lane == null ? 0 : lane.running();
    }

    /** Fetches of this host waiting for a slot. */
    public int waiting(String host) {
        Lane lane = lanes.get(host);
        return lane == null ? 0 : lane.waiting();
    }

    /** One host's queue and its in-flight count. Never blocks a caller: a full lane queues. */
    public final class Lane extends AbstractExecutorService {
        private final String host;
        private final ExecutorService pool;
        private final Queue<Held> queue = new ArrayDeque<>();
        private int running;

        Lane(String host, ExecutorService pool) {
            this.host = host;
            this.pool = pool;
        }

        /**
         * Starts {@code work} on the pool once the host has a free slot; the slot stays taken until it calls its
         * release. Throws RejectedExecutionException if the pool refuses it at once (the caller says "server busy").
         */
        public void admit(Held work) {
            synchronized (this) {
                if (running >= settings.maxPerHost()) {
                    queue.add(work);
                    return;
                }
                running++;
            }
            try {
                dispatch(work);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    running--;
                }
                throw e;
            }
        }

        /** Blocking work: its slot is free again when the task returns. */
        @Override
        public void execute(Runnable task) {
            admit(new Held() {
                @Override
                public void start(Runnable release) {
                    try {
                        task.run();
                    } finally {
                        release.run();
                    }
                }

                @Override
                public void rejected(RejectedExecutionException e) {
                    if (task instanceof Future<?> future) future.cancel(false); // its caller hears of it
                }
            });
        }

        private void dispatch(Held work) {
            AtomicBoolean released = new AtomicBoolean();
            pool.execute(() -> work.start(() -> {
                if (released.compareAndSet(false, true)) next();
            }));
        }

        /** A slot came free: the next queued work takes it. Runs on whichever thread released (never blocks). */
        private void next() {
            while (true) {
                Held work;
                synchronized (this) {
                    work = queue.poll();
                    if (work == null) {
                        running--;
                        return;
                    }
                }
                try {
                    dispatch(work);
                    return;
                } catch (RejectedExecutionException e) {
                    work.rejected(e); // the feed executor's queue is full: that one fails, the slot goes on
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
