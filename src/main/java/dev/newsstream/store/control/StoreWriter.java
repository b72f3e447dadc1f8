package dev.newsstream.store.control;

import dev.newsstream.store.entity.LoggedArticle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that writes to the database. Fetch tasks hand it a {@link SourceWrite} and wait
 * (bounded) until it is committed and its new articles are numbered; request threads never come here.
 * One writer means one transaction at a time, so article ids (the arrival numbers) are logged in the
 * order the database gave them, and retention never races a write.
 *
 * <p>When a write fails the database counts as down: the write waits (folded per source, so at most one
 * per source, each of at most {@code maxArticles} articles) and nothing more is tried until
 * {@link #check()}, run by the scheduler, finds the database answering again; then everything that
 * waited is written, oldest first. A write that keeps failing while the database answers is bad data,
 * not an outage: it is dropped after {@link #MAX_ATTEMPTS} attempts, loudly.
 */
final class StoreWriter {

    /** Whether the database takes writes, and if not since when and why. */
    record Health(boolean up, String reason, Instant since) {
    }

    interface Ping {
        void run() throws Exception;
    }

    static final int MAX_ATTEMPTS = 5;
    private static final Logger LOG = Logger.getLogger(StoreWriter.class.getName());

    private static final class Pending {
        SourceWrite write;
        final List<CompletableFuture<Void>> waiters = new ArrayList<>();
        int attempts;

        Pending(SourceWrite write) {
            this.write = write;
        }
    }

    private final Function<SourceWrite, ArticleRepository.Written> repository;
    private final Consumer<List<LoggedArticle>> committed;
    private final Runnable retention;
    private final Ping ping;
    private final int maxArticles;
    private final String password;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private boolean available = true;
    private boolean busy;
    private boolean running = true;
    private boolean retentionDue;
    private volatile Health health = new Health(true, null, Instant.now());
    private Thread thread;

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong articlesInserted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong writeNanos = new AtomicLong();

    StoreWriter(Function<SourceWrite, ArticleRepository.Written> repository, Consumer<List<LoggedArticle>> committed,
                Runnable retention, Ping ping, int maxArticles, String password) {
        this.repository = repository;
        this.committed = committed;
        this.retention = retention;
        this.ping = ping;
        this.maxArticles = maxArticles;
        this.password = password;
    }

    void start(ThreadFactory threads) {
        thread = threads.newThread(this::run);
        thread.setName("newsstream-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a write; the future completes once it is committed and numbered, or at once when the
     * database is down (the write then waits here for it to return).
     */
    CompletableFuture<Void> submit(SourceWrite write) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            Pending p = pending.get(write.source());
            if (p == null) {
                p = new Pending(write);
                pending.put(write.source(), p);
            } else {
                p.write = p.write.then(write, maxArticles);
            }
            if (available && running) {
                p.waiters.add(done);
                work.signal();
            } else {
                done.complete(null);
            }
        } finally {
            lock.unlock();
        }
        return done;
    }

    /** Asks the writer to apply retention between two writes. */
    void requestRetention() {
        lock.lock();
        try {
            retentionDue = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called periodically: asks the database whether it answers. Turns the writer off when it does not
     * (so an idle service notices too) and back on when it does again.
     */
    void check() {
        try {
            ping.run();
        } catch (Exception e) {
            markDown(NewsDatabase.reason(e, password));
            return;
        }
        lock.lock();
        try {
            if (!available) {
                available = true;
                int waiting = pending.size();
                LOG.info(() -> "Database answers again; writing the " + waiting + " source write(s) that waited");
            }
            health = health.up() ? health : new Health(true, null, Instant.now());
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Pending job = null;
            boolean retain = false;
            lock.lock();
            try {
                while (running && !(available && (retentionDue || !pending.isEmpty()))) work.await();
                if (!running) return; // stop() flushed what it could
                if (retentionDue && available) {
                    retentionDue = false;
                    retain = true;
                } else {
                    Iterator<Map.Entry<String, Pending>> first = pending.entrySet().iterator();
                    job = first.next().getValue();
                    first.remove();
                }
                busy = true;
            } catch (InterruptedException e) {
                LOG.info("Store writer interrupted; " + pendingWrites() + " source write(s) not written");
                return;
            } finally {
                lock.unlock();
            }
            try {
                if (retain) runRetention();
                else write(job);
            } finally {
                lock.lock();
                try {
                    busy = false;
                    idle.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void runRetention() {
        try {
            retention.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Retention failed: " + NewsDatabase.reason(e, password) + "; tried again later");
        }
    }

    private void write(Pending job) {
        ArticleRepository.Written written;
        long started = System.nanoTime();
        try {
            written = repository.apply(job.write);
        } catch (RuntimeException e) {
            failed(job, e);
            return;
        } finally {
            writeNanos.addAndGet(System.nanoTime() - started);
        }
        transactions.incrementAndGet();
        articlesInserted.addAndGet(written.inserted().size());
        try {
            committed.accept(written.inserted());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Announcing new articles of " + job.write.source() + " failed", e);
        }
        job.waiters.forEach(w -> w.complete(null));
        if (!health.up()) {
            lock.lock();
            try {
                health = new Health(true, null, Instant.now());
            } finally {
                lock.unlock();
            }
        }
    }

    private void failed(Pending job, RuntimeException e) {
        failures.incrementAndGet();
        String reason = NewsDatabase.reason(e, password);
        job.attempts++;
        boolean answers;
        try {
            ping.run();
            answers = true;
        } catch (Exception pingFailed) {
            answers = false;
        }
        job.waiters.forEach(w -> w.complete(null));
        job.waiters.clear();
        if (answers && job.attempts >= MAX_ATTEMPTS) {
            dropped.incrementAndGet();
            LOG.log(Level.SEVERE, "Dropped the write of source '" + job.write.source() + "' (" + job.write.size()
                    + " articles) after " + job.attempts + " failed attempts while the database answers: " + reason, e);
            return;
        }
        lock.lock();
        try {
            Pending newer = pending.remove(job.write.source());
            if (newer != null) job.write = job.write.then(newer.write, maxArticles);
            pending.put(job.write.source(), job);
        } finally {
            lock.unlock();
        }
        LOG.log(Level.WARNING, "Writing source '" + job.write.source() + "' failed (attempt " + job.attempts
                + "); it waits until the database answers again: " + reason);
        markDown(reason);
    }

    private void markDown(String reason) {
        lock.lock();
        try {
            if (available) LOG.warning("Database unavailable: " + reason + ". Serving from memory; writes wait.");
            available = false;
            health = health.up() || !reason.equals(health.reason())
                    ? new Health(false, reason, health.up() ? Instant.now() : health.since()) : health;
            for (Pending p : pending.values()) {
                p.waiters.forEach(w -> w.complete(null));
                p.waiters.clear();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is waiting to be written (or the database is down, or time is up). */
    boolean flush(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        lock.lock();
        try {
            while ((busy || !pending.isEmpty()) && available) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                idle.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            }
            return pending.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Writes what it can within {@code max}, then ends the writer thread. */
    void stop(Duration max) {
        boolean flushed = flush(max);
        int left;
        lock.lock();
        try {
            running = false;
            left = pending.size();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        if (!flushed && left > 0) {
            LOG.warning("Shutting down with " + left + " source write(s) not written: " + health.reason());
        }
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Health health() {
        return health;
    }

    int pendingWrites() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    int pendingArticles() {
        lock.lock();
        try {
            return pending.values().stream().mapToInt(p -> p.write.size()).sum();
        } finally {
            lock.unlock();
        }
    }

    long transactions() {
        return transactions.get();
    }

    long articlesInserted() {
        return articlesInserted.get();
    }

    long failures() {
        return failures.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Time spent in write transactions since start: how busy the writer is. */
    long writeMillis() {
        return writeNanos.get() / 1_000_000;
    }
}
