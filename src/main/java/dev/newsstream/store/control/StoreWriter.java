package dev.newsstream.store.control;

import dev.newsstream.store.entity.RefusedRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that writes to the database, behind the fetch path: fetch tasks queue a
 * {@link SourceWrite} in the {@link WriteQueue} and go on; this thread writes the oldest, one transaction
 * at a time, so retention never races a write. Nothing it meets ends it: every {@code Throwable} of a
 * write is caught and the write retried or skipped; if the thread ever ends anyway, {@link #stopped()}
 * says why and readiness turns DOWN.
 *
 * <ul>
 *   <li>A write the database refuses for a data reason (SQLSTATE class 22 or 23) is written again row by
 *   row; refused rows are skipped, logged and kept for {@code /debug/store}; the rest is stored.</li>
 *   <li>A write that fails while the database does not answer marks it down: writing pauses (writes only
 *   fold, one per source) until {@link #check()}, run by the scheduler, finds it answering again.</li>
 *   <li>A write that fails otherwise while the database answers (a timeout) is retried after the next
 *   check; after {@link #MAX_ATTEMPTS} it is dropped, loudly.</li>
 * </ul>
 */
final class StoreWriter {

    /** Whether the database takes writes, and if not since when and why (the driver's words). */
    record Health(boolean up, String reason, Instant since) {
    }

    interface Ping {
        void run() throws Exception;
    }

    static final int MAX_ATTEMPTS = 5;
    private static final int REFUSALS_KEPT = 20;
    private static final Logger LOG = Logger.getLogger(StoreWriter.class.getName());

    private final WriteQueue queue;
    private final SourceWriteStatements statements;
    private final Runnable retention;
    private final java.util.function.Consumer<String> purge;
    private final Ping ping;
    private final String password;

    private volatile Health health = new Health(true, null, Instant.now());
    private volatile String stopped;
    private volatile boolean stopping;
    private Thread thread;
    private final ArrayDeque<RefusedRow> refusals = new ArrayDeque<>();

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong articlesInserted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong writeNanos = new AtomicLong();

    StoreWriter(WriteQueue queue, SourceWriteStatements statements, Runnable retention, Ping ping, String password) {
        this(queue, statements, retention, source -> { }, ping, password);
    }

    /** {@code purge} deletes a removed source's rows (see {@link WriteQueue#purge}). */
    StoreWriter(WriteQueue queue, SourceWriteStatements statements, Runnable retention,
                java.util.function.Consumer<String> purge, Ping ping, String password) {
        this.purge = purge;
        this.queue = queue;
        this.statements = statements;
        this.retention = retention;
        this.ping = ping;
        this.password = password;
    }

    void start(ThreadFactory threads) {
        thread = threads.newThread(this::run);
        thread.setName("newsstream-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        String why = "it ended";
        try {
            while (true) {
                Object next = queue.take();
                if (next == null) {
                    why = null; // stop() asked for it
                    return;
                }
                try {
                    if (next == WriteQueue.RETENTION) runRetention();
                    else if (next instanceof WriteQueue.Purge p) purge(p.source());
                    else write((WriteQueue.Job) next);
                } catch (Throwable t) { // nothing may end the writer: a write that throws anything is retried later
                    LOG.log(Level.SEVERE, "The store writer met an unexpected failure; it goes on", t);
                    if (next instanceof WriteQueue.Job job && ++job.attempts < MAX_ATTEMPTS) {
                        queue.putBack(job);
                        queue.pause(); // until the next check: no hot loop on a failure that repeats
                    } else if (next instanceof WriteQueue.Job job) {
                        dropped.incrementAndGet();
                        LOG.severe("Dropped the write of source '" + job.write.source() + "' after " + job.attempts
                                + " unexpected failures");
                    }
                } finally {
                    queue.done();
                }
            }
        } catch (InterruptedException e) {
            why = stopping ? null : "interrupted";
        } catch (Throwable t) {
            why = t.toString();
            throw t;
        } finally {
            if (why != null) {
                stopped = why;
                LOG.severe("The store writer stopped (" + why + "); " + queue.depth() + " source write(s) not written");
            }
        }
    }

    private void purge(String source) {
        try {
            purge.accept(source);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(Level.WARNING, "Deleting the rows of removed source '" + source + "' failed: "
                    + NewsDatabase.reason(e, password) + "; tried again at the next check");
            queue.purgeAgain(source);
            queue.pause();
        }
    }

    private void runRetention() {
        try {
            retention.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Retention failed: " + NewsDatabase.reason(e, password) + "; tried again later");
        }
    }

    private void write(WriteQueue.Job job) {
        long started = System.nanoTime();
        try {
            SourceWriteStatements.Written written = statements.write(job.write);
            committed(written);
        } catch (RuntimeException e) {
            if (DatabaseErrors.isDataError(e)) writeRowByRow(job, e);
            else failed(job, e);
        } finally {
            writeNanos.addAndGet(System.nanoTime() - started);
        }
    }

    private void writeRowByRow(WriteQueue.Job job, RuntimeException batchFailure) {
        LOG.info(() -> "The database refused the write of '" + job.write.source() + "' (" + NewsDatabase.reason(
                batchFailure, password) + "); writing it row by row");
        SourceWriteStatements.RowByRow result;
        try {
            result = statements.writeRowByRow(job.write, password);
        } catch (RuntimeException e) {
            failed(job, e);
            return;
        }
        committed(result.written());
        for (RefusedRow r : result.refused()) {
            refused.incrementAndGet();
            LOG.warning("Not stored: " + r.what() + " of '" + r.source() + "': the database refused it: " + r.reason());
            synchronized (refusals) {
                refusals.addLast(r);
                if (refusals.size() > REFUSALS_KEPT) refusals.removeFirst();
            }
        }
    }

    private void committed(SourceWriteStatements.Written written) {
        transactions.incrementAndGet();
        articlesInserted.addAndGet(written.inserted());
        if (!health.up()) health = new Health(true, null, Instant.now());
    }

    private void failed(WriteQueue.Job job, RuntimeException e) {
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
        if (answers && job.attempts >= MAX_ATTEMPTS) {
            dropped.incrementAndGet();
            LOG.log(Level.SEVERE, "Dropped the write of source '" + job.write.source() + "' (" + job.write.size()
                    + " articles) after " + job.attempts + " failed attempts while the database answers: " + reason, e);
            return;
        }
        queue.putBack(job);
        queue.pause(); // until the next check: no hot loop on a failing database
        LOG.log(Level.WARNING, "Writing source '" + job.write.source() + "' failed (attempt " + job.attempts
                + "); it waits" + (answers ? " for the next try" : " until the database answers again") + ": " + reason);
        if (!answers) markDown(reason);
    }

    /**
     * Called periodically: asks the database whether it answers. Marks it down when it does not (so an
     * idle service notices too) and resumes writing when it does.
     */
    void check() {
        try {
            ping.run();
        } catch (Exception e) {
            markDown(NewsDatabase.reason(e, password));
            return;
        }
        if (!health.up()) {
            LOG.info(() -> "Database answers again; writing the " + queue.depth() + " source write(s) that waited");
            health = new Health(true, null, Instant.now());
        }
        queue.resume();
    }

    private synchronized void markDown(String reason) {
        queue.pause();
        Health was = health;
        if (was.up()) LOG.warning("Database unavailable: " + reason + ". Serving from memory; writes wait.");
        if (was.up() || !reason.equals(was.reason())) {
            health = new Health(false, reason, was.up() ? Instant.now() : was.since());
        }
    }

    void requestRetention() {
        queue.requestRetention();
    }

    /** Writes what it can within {@code max}, then ends the writer thread. */
    void stop(Duration max) {
        boolean flushed = queue.flush(max);
        stopping = true;
        int left = queue.stop();
        if (!flushed && left > 0) {
            LOG.warning("Shutting down with " + left + " source write(s) not written"
                    + (health.up() ? "" : ": " + health.reason()));
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

    /** Why the writer thread ended, or null while it runs. */
    String stopped() {
        return stopped;
    }

    List<RefusedRow> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
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

    long refused() {
        return refused.get();
    }

    /** Time spent in write transactions since start: how busy the writer is. */
    long writeMillis() {
        return writeNanos.get() / 1_000_000;
    }
}
