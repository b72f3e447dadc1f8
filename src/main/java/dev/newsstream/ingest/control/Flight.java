package dev.newsstream.ingest.control;

import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * One fetch of one source in flight and everyone waiting for it. It runs as one task on the feed
 * executor; when the last waiter leaves before it ends, that task is cancelled with {@code cancel(true)}.
 */
public final class Flight {

    /** One waiter's view of the flight; cancelling it means "I no longer wait", never "stop it for everyone". */
    public final class Ticket extends CompletableFuture<SourceResult> {
        private final String waiter;

        private Ticket(String waiter) {
            this.waiter = waiter;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) leave(waiter);
            return cancelled;
        }
    }

    private final Source source;
    private final Runnable onOver;
    private final Instant createdAt = Instant.now();
    private volatile Instant busySince;
    private final Set<String> waiters = new LinkedHashSet<>();
    private final CompletableFuture<SourceResult> outcome = new CompletableFuture<>();
    private volatile Future<?> task;
    private volatile Thread runner;
    private volatile SourceFetch details;
    private boolean launched;
    private boolean remote;
    private boolean over;

    /** {@code onOver} runs once when the flight ends, however it ends (finished, failed, rejected, abandoned). */
    Flight(Source source, Runnable onOver) {
        this.source = source;
        this.onOver = onOver;
    }

    /** A ticket for this waiter, or null if the flight has already ended (the caller then starts a new one). */
    synchronized Ticket join(String waiter) {
        if (over) return null;
        waiters.add(waiter);
        Ticket ticket = new Ticket(waiter);
        outcome.whenComplete((result, error) -> {
            if (error != null) ticket.completeExceptionally(error);
            else ticket.complete(result);
        });
        return ticket;
    }

    /** Submits the fetch if nobody has yet; true if this call did. */
    synchronized boolean launch(ExecutorService executor, Runnable work) {
        return launch(executor, work, () -> true);
    }

    /**
     * Starts the flight if nobody has yet (true if this call did): here, if {@code fetchHere} says so
     * (clustered: this instance won the source's claim), else it waits for another instance's fetch.
     */
    synchronized boolean launch(ExecutorService executor, Runnable work, java.util.function.BooleanSupplier fetchHere) {
        if (launched || over) return false;
        launched = true;
        if (!fetchHere.getAsBoolean()) {
            remote = true;
            return true;
        }
        submit(executor, work);
        return true;
    }

    /** A flight that waited for another instance fetches here after all (that instance died); false if over. */
    synchronized boolean launchHere(ExecutorService executor, Runnable work) {
        if (over || !remote) return false;
        remote = false;
        submit(executor, work);
        return true;
    }

    /** Ends a flight that waited for another instance with that instance's result (now in this one's store). */
    void finishRemotely(SourceResult result) {
        synchronized (this) {
            if (!remote || over) return;
            over = true;
        }
        onOver.run();
        outcome.complete(result);
    }

    /** Runs {@code action} once the flight is over, however it ended. */
    void onEnd(Runnable action) {
        outcome.whenComplete((r, e) -> action.run());
    }

    private void submit(ExecutorService executor, Runnable work) {
        try {
            task = executor.submit(() -> {
                busySince = Instant.now();
                runner = Thread.currentThread();
                try {
                    work.run();
                } finally {
                    runner = null;
                }
            });
        } catch (RejectedExecutionException e) {
            over = true;
            onOver.run();
            outcome.completeExceptionally(new RejectedExecutionException("server busy: the fetch queue is full", e));
        }
    }

    /** A new URL exchange of a multi-URL source begins: its age counts from now, not from the first URL. */
    void exchangeStarted() {
        busySince = Instant.now();
    }

    private void leave(String waiter) {
        Future<?> toCancel = null;
        boolean abandoned = false;
        synchronized (this) {
            waiters.remove(waiter);
            if (waiters.isEmpty() && !over) {
                over = true;
                abandoned = true;
                toCancel = task; // null while it waits for another instance's fetch
            }
        }
        if (abandoned) {
            // A queued task never runs, so nothing else would forget the flight: readiness would count it as
            // queued until the source was fetched again.
            onOver.run();
            // interrupts HttpClient's wait: the exchange is aborted and its socket closed
            if (toCancel != null) toCancel.cancel(true);
            outcome.completeExceptionally(new CancellationException("nobody waits for " + source.name() + " any more"));
        }
    }

    /** Ends the flight for every waiter at once (its source was removed): cancels the fetch, interrupting it. */
    void abort(String why) {
        Future<?> toCancel;
        synchronized (this) {
            if (over) return;
            over = true;
            toCancel = task;
        }
        onOver.run();
        if (toCancel != null) toCancel.cancel(true);
        outcome.completeExceptionally(new CancellationException(why));
    }

    /**
     * The fetch ended with {@code result}. A fetch interrupted because its last waiter left (or its source was
     * removed) still reports here; the flight is over already then, and {@code onOver} must not run twice: it
     * releases the source's claim, which a newer flight may hold by now.
     */
    void finish(SourceResult result, SourceFetch fetch) {
        details = fetch;
        if (!end()) return;
        onOver.run();
        outcome.complete(result);
    }

    void fail(Throwable error) {
        if (!end()) return;
        onOver.run();
        outcome.completeExceptionally(error);
    }

    /** Marks the flight over; true if this call did. */
    private synchronized boolean end() {
        if (over) return false;
        over = true;
        return true;
    }

    public Source source() {
        return source;
    }

    /** True while the flight waits for another instance's fetch instead of running here. */
    public synchronized boolean remote() {
        return remote && !over;
    }

    Instant createdAt() {
        return createdAt;
    }

    public synchronized List<String> waiters() {
        return List.copyOf(waiters);
    }

    /** Since the flight was asked for, queue time included. */
    public Duration age() {
        return Duration.between(createdAt, Instant.now());
    }

    /**
     * Since its current URL exchange started running (null while queued): what liveness judges, so a
     * long queue never looks like a stuck fetch.
     */
    public Duration busyFor() {
        Instant since = busySince;
        return since == null || runner == null ? null : Duration.between(since, Instant.now());
    }

    /** The thread running the fetch right now, for stack traces of stuck fetches; null while queued. */
    public Thread runner() {
        return runner;
    }

    SourceFetch details() {
        return details;
    }
}
