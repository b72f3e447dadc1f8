package dev.newsstream.store.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writes waiting for the database: at most one per source (a later write of a waiting source is
 * folded into it), so the queue is bounded by the number of sources times {@code max-per-source}
 * articles, whatever the database does. {@link #submit} never waits. The writer takes the oldest.
 * While paused (the database is down) nothing is handed out and writes only fold.
 */
final class WriteQueue {

    /** A write the writer took, and how often it failed already. */
    static final class Job {
        SourceWrite write;
        int attempts;

        Job(SourceWrite write) {
            this.write = write;
        }
    }

    private final int maxArticles;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final LinkedHashMap<String, Job> pending = new LinkedHashMap<>();
    private final LinkedHashSet<String> purges = new LinkedHashSet<>();
    private boolean paused;
    private boolean busy;
    private Job current;
    private boolean running = true;
    private boolean retentionDue;

    WriteQueue(int maxArticles) {
        this.maxArticles = maxArticles;
    }

    /** Queues a write, folded into the source's waiting one if there is one. */
    void submit(SourceWrite write) {
        lock.lock();
        try {
            Job job = pending.get(write.source());
            if (job == null) pending.put(write.source(), new Job(write));
            else job.write = job.write.then(write, maxArticles);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Puts a failed job back (behind nothing: it is still the oldest change of its source), folding newer ones in. */
    void putBack(Job job) {
        lock.lock();
        try {
            Job newer = pending.remove(job.write.source());
            if (newer != null) job.write = job.write.then(newer.write, maxArticles);
            LinkedHashMap<String, Job> reordered = new LinkedHashMap<>();
            reordered.put(job.write.source(), job);
            reordered.putAll(pending);
            pending.clear();
            pending.putAll(reordered);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A removed source's rows are to go (articles=drop): its waiting write is discarded, and the writer
     * deletes its rows next, after the write of it under way if there is one, so no write of the
     * source can land after the deletion.
     */
    void purge(String source) {
        lock.lock();
        try {
            pending.remove(source);
            purges.add(source);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A removed source whose writes may still come: another purge after them (a failed purge, a late write). */
    void purgeAgain(String source) {
        purge(source);
    }

    /** What the writer takes to delete a removed source's rows. */
    record Purge(String source) {
    }

    void requestRetention() {
        lock.lock();
        try {
            retentionDue = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    boolean paused() {
        lock.lock();
        try {
            return paused && !busy;
        } finally {
            lock.unlock();
        }
    }

    /** Returns true if it was paused. */
    boolean resume() {
        lock.lock();
        try {
            boolean was = paused;
            paused = false;
            work.signal();
            return was;
        } finally {
            lock.unlock();
        }
    }

    /** What the writer does next: a job, {@link #RETENTION}, or null once stopped. Waits for work. */
    Object take() throws InterruptedException {
        lock.lock();
        try {
            while (running && (paused || (!retentionDue && pending.isEmpty() && purges.isEmpty()))) work.await();
            if (!running) return null;
            busy = true;
            if (retentionDue) {
                retentionDue = false;
                return RETENTION;
            }
            if (!purges.isEmpty()) {
                Iterator<String> name = purges.iterator();
                Purge purge = new Purge(name.next());
                name.remove();
                return purge;
            }
            Iterator<Map.Entry<String, Job>> first = pending.entrySet().iterator();
            Job job = first.next().getValue();
            first.remove();
            current = job;
            return job;
        } finally {
            lock.unlock();
        }
    }

    static final Object RETENTION = new Object();

    /** The writer is done with what it took. */
    void done() {
        lock.lock();
        try {
            busy = false;
            current = null;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is waiting to be written (or writing is paused, or time is up). */
    boolean flush(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        lock.lock();
        try {
            while ((busy || !pending.isEmpty() || !purges.isEmpty()) && !paused && running) {
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

    /** Stops handing out work; returns how many writes are left. */
    int stop() {
        lock.lock();
        try {
            running = false;
            work.signalAll();
            idle.signalAll();
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Writes not yet committed: those waiting and the one being written. */
    int depth() {
        lock.lock();
        try {
            return pending.size() + (current != null ? 1 : 0);
        } finally {
            lock.unlock();
        }
    }

    int articles() {
        lock.lock();
        try {
            return pending.values().stream().mapToInt(j -> j.write.size()).sum()
                    + (current != null ? current.write.size() : 0);
        } finally {
            lock.unlock();
        }
    }

    /** When the oldest change not yet committed was made (null if there is none). */
    Instant oldest() {
        lock.lock();
        try {
            Instant oldest = current != null ? current.write.createdAt() : null;
            for (Job j : pending.values()) {
                if (oldest == null || j.write.createdAt().isBefore(oldest)) oldest = j.write.createdAt();
            }
            return oldest;
        } finally {
            lock.unlock();
        }
    }
}
