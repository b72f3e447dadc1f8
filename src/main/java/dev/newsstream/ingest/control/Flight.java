package dev.newsstream.ingest.control;

import dev.newsstream.feed.control.ReadProgress;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * One fetch of one source in flight and everyone waiting for it. It starts as a short task on the feed
 * executor, which begins the source's read; the read then holds no thread while it waits on the network and
 * takes one again to parse. When the last waiter leaves before it ends, whatever is current is cancelled:
 * the exchange (aborted, its socket closed) or the parse ({@code cancel(true)}); a start still queued then
 * starts nothing.
 */
public final class Flight implements ReadProgress {

    /** Where a fetch is: what {@code /debug/executor} shows and the watchdog judges. */
    public enum Phase {
        /** Waiting for its start (a host slot, a feed thread): no exchange yet. */
        QUEUED,
        /** An exchange is under way: no thread is held. */
        NETWORK,
        /** The answer is in and waits for a feed thread to be parsed on. */
        PARSE_QUEUED,
        /** A feed thread parses (or records) it: {@link #runner()} names it. */
        PARSING
    }

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
    private volatile Future<?> read;
    private volatile Thread runner;
    private volatile Phase phase = Phase.QUEUED;
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

    /**
     * Hands the fetch's start to its host lane or executor; throws RejectedExecutionException when they refuse
     * it. The start itself must check {@link #isOver()}: a flight cancelled while queued starts nothing.
     */
    @FunctionalInterface
    interface Dispatch {
        void dispatch();
    }

    /** Starts the fetch if nobody has yet; true if this call did. */
    synchronized boolean launch(Dispatch dispatch) {
        return launch(dispatch, () -> true);
    }

    /**
     * Starts the flight if nobody has yet (true if this call did): here, if {@code fetchHere} says so
     * (clustered: this instance won the source's claim), else it waits for another instance's fetch.
     */
    synchronized boolean launch(Dispatch dispatch, java.util.function.BooleanSupplier fetchHere) {
        if (launched || over) return false;
        launched = true;
        if (!fetchHere.getAsBoolean()) {
            remote = true;
            return true;
        }
        submit(dispatch);
        return true;
    }

    /** A flight that waited for another instance fetches here after all (that instance died); false if over. */
    synchronized boolean launchHere(Dispatch dispatch) {
        if (over || !remote) return false;
        remote = false;
        submit(dispatch);
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

    private void submit(Dispatch dispatch) {
        try {
            dispatch.dispatch();
        } catch (RejectedExecutionException e) {
            over = true;
            onOver.run();
            outcome.completeExceptionally(new RejectedExecutionException("server busy: the fetch queue is full", e));
        }
    }

    /**
     * The source's read has begun and is now what a cancel must stop; if the flight ended meanwhile it is
     * cancelled at once (false).
     */
    boolean reading(Future<?> started) {
        synchronized (this) {
            if (!over) {
                read = started;
                return true;
            }
        }
        started.cancel(true);
        return false;
    }

    synchronized boolean isOver() {
        return over;
    }

    /** A URL exchange begins: the fetch's age counts from now (not from the first URL), and no thread is held. */
    @Override
    public void exchangeStarted(URI url) {
        busySince = Instant.now();
        phase = Phase.NETWORK;
    }

    @Override
    public void exchangeEnded() {
        phase = Phase.PARSE_QUEUED;
    }

    @Override
    public void parsing(boolean onThisThread) {
        if (onThisThread) {
            runner = Thread.currentThread();
            phase = Phase.PARSING;
        } else if (runner == Thread.currentThread()) {
            runner = null;
            if (phase == Phase.PARSING) phase = Phase.NETWORK; // the next URL's exchange, or the end
        }
    }

    private void leave(String waiter) {
        Future<?> reading = null;
        boolean abandoned = false;
        synchronized (this) {
            waiters.remove(waiter);
            if (waiters.isEmpty() && !over) {
                over = true;
                abandoned = true;
                reading = read; // null while queued (its start then does nothing) or waiting for another instance
            }
        }
        if (abandoned) {
            // A queued task never runs, so nothing else would forget the flight: readiness would count it as
            // queued until the source was fetched again.
            onOver.run();
            if (reading != null) reading.cancel(true); // the exchange is aborted (socket closed) or the parse interrupted
            outcome.completeExceptionally(new CancellationException("nobody waits for " + source.name() + " any more"));
        }
    }

    /** Ends the flight for every waiter at once (its source was removed): cancels the fetch, interrupting it. */
    void abort(String why) {
        Future<?> reading;
        synchronized (this) {
            if (over) return;
            over = true;
            reading = read;
        }
        onOver.run();
        if (reading != null) reading.cancel(true);
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
     * Since its current URL exchange started (null while queued): what liveness judges, so a long queue never
     * looks like a stuck fetch. A fetch waiting on the network counts too: its deadline should have ended it.
     */
    public Duration busyFor() {
        Instant since = busySince;
        return since == null || phase == Phase.QUEUED ? null : Duration.between(since, Instant.now());
    }

    /** Where the fetch is now. */
    public Phase phase() {
        return phase;
    }

    /** The feed thread parsing the fetch right now, for stack traces of stuck fetches; null otherwise. */
    public Thread runner() {
        return phase == Phase.PARSING ? runner : null;
    }

    SourceFetch details() {
        return details;
    }
}
