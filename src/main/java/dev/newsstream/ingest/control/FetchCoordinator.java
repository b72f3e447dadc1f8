package dev.newsstream.ingest.control;

import dev.newsstream.feed.control.SourceReader;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.SourceState;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At most one fetch per source in flight, whoever asks: streams and the background refresh join the
 * running {@link Flight} instead of starting another, and a source fetched successfully within
 * {@code newsstream.fetch.min-interval} is answered from the cache. Each waiter holds its own ticket;
 * cancelling a ticket leaves the flight, and a flight nobody waits for any more is cancelled with
 * {@code cancel(true)}, which aborts its HTTP exchange. Results are written to the store once per fetch.
 */
@ApplicationScoped
public class FetchCoordinator implements SourceFetches {

    private static final Logger LOG = Logger.getLogger(FetchCoordinator.class.getName());

    @Inject
    SourceReader reader;

    @Inject
    ArticleStore store;

    @Inject
    IngestSettings settings;

    @Resource(lookup = "concurrent/newsstream/feeds")
    ManagedExecutorService managedFeeds;

    /** Where fetches start: the container's feed executor, handed over at start (a unit test hands a plain one). */
    private ExecutorService feeds;

    @Inject
    FetchMetrics metrics;

    @Inject
    Politeness politeness;

    @Inject
    HostLanes lanes;

    @Inject
    RemoteFlights remote;

    @Inject
    FetchRecorder recorder;

    @PostConstruct
    void describe() {
        start(managedFeeds);
    }

    void start(ExecutorService feeds) {
        this.feeds = feeds;
        remote.bind(new RemoteFlights.Handler() {
            @Override
            public void answer(Flight flight) {
                flight.finishRemotely(resultFromStore(flight.source(), store.state(flight.source()).stat()));
            }

            @Override
            public void fetchHere(Flight flight) {
                if (flight.launchHere(dispatchOf(flight))) started.incrementAndGet();
            }
        });
        metrics.gauge("newsstream_fetches_in_flight", "Source fetches running or queued now", flights::size);
        metrics.gauge("newsstream_cache_articles", "Articles in the cache", store::count);
    }

    private final Map<String, Flight> flights = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong sharedJoins = new AtomicLong();
    private final AtomicLong answeredFromCache = new AtomicLong();

    /** The source's next result for {@code waiter}; cancel the returned future to stop waiting. */
    @Override
    public CompletableFuture<SourceResult> fetch(Source source, String waiter) {
        SourceState state = store.state(source);
        if (state.lastSuccessAt() != null
                && Duration.between(state.lastSuccessAt(), Instant.now()).compareTo(settings.minInterval()) < 0) {
            answeredFromCache.incrementAndGet();
            return CompletableFuture.completedFuture(resultFromStore(source, state.stat()));
        }
        Optional<Deferral> deferral = politeness.deferral(source, state, Instant.now());
        if (deferral.isPresent()) { // backing off, host paused or feed hint: the last outcome, no network
            answeredFromCache.incrementAndGet();
            return CompletableFuture.completedFuture(new SourceResult(source, store.articlesOf(source.name()),
                    state.stat(), deferral.get()));
        }
        while (true) {
            Flight flight = flights.computeIfAbsent(source.name(), n -> newFlight(source));
            Flight.Ticket ticket = flight.join(waiter);
            if (ticket != null) {
                // clustered, the flight fetches here only if this instance wins the source's claim
                if (flight.launch(dispatchOf(flight), () -> remote.claim(flight))) started.incrementAndGet();
                else sharedJoins.incrementAndGet();
                return ticket;
            }
            flights.remove(source.name(), flight); // it ended between lookup and join: start a fresh one
        }
    }

    /**
     * Why fetching the source now would be too soon, if it would: fetched successfully within
     * {@code newsstream.fetch.min-interval}, or backing off after failures. {@code /debug/source} honours
     * it unless forced, so the debug surface cannot be used to hammer a feed server.
     */
    public Optional<String> tooSoon(Source source, Instant now) {
        SourceState state = store.state(source);
        if (state.lastSuccessAt() != null) {
            Duration since = Duration.between(state.lastSuccessAt(), now);
            if (since.compareTo(settings.minInterval()) < 0) {
                return Optional.of("fetched successfully " + since.toSeconds() + " s ago, within newsstream.fetch.min-interval ("
                        + settings.minInterval().toSeconds() + " s)");
            }
        }
        if (!state.dueAt(now)) {
            return Optional.of((state.consecutiveFailures() > 0 ? "backing off after " + state.consecutiveFailures() + " failure(s)"
                    : "asked by the feed server (Retry-After) to wait") + " until " + state.nextAttemptAt());
        }
        return Optional.empty();
    }

    /** Like {@link #fetch} but also hands back the per-URL details, for {@code /debug/source}. */
    public CompletableFuture<SourceFetch> fetchWithDetails(Source source, String waiter) {
        while (true) {
            Flight flight = flights.computeIfAbsent(source.name(), n -> newFlight(source));
            Flight.Ticket ticket = flight.join(waiter);
            if (ticket != null) {
                if (flight.launch(dispatchOf(flight))) started.incrementAndGet(); else sharedJoins.incrementAndGet();
                return ticket.thenApply(r -> flight.details());
            }
            flights.remove(source.name(), flight);
        }
    }

    /**
     * The fetch's start, through the source's host lane (at most newsstream.fetch.max-per-host reads in flight,
     * each holding its slot until the whole read ends) onto the feed executor, where it only begins the read.
     */
    private Flight.Dispatch dispatchOf(Flight flight) {
        return () -> lanes.laneFor(flight.source().firstUrl(), feeds).admit(new HostLanes.Held() {
            @Override
            public void start(Runnable release) {
                run(flight, release);
            }

            @Override
            public void rejected(java.util.concurrent.RejectedExecutionException e) {
                flight.fail(new java.util.concurrent.RejectedExecutionException("server busy: the fetch queue is full", e));
            }
        });
    }

    /**
     * Stops a removed source's fetch for everyone waiting (they get a CancellationException); true if one
     * was in flight.
     */
    public boolean abort(String sourceName) {
        Flight flight = flights.remove(sourceName);
        if (flight == null) return false;
        flight.abort(sourceName + " was removed");
        return true;
    }


    /** A flight that takes itself out of the map when it ends, however it ends. */
    private Flight newFlight(Source source) {
        Flight[] self = new Flight[1];
        self[0] = new Flight(source, () -> {
            flights.remove(source.name(), self[0]);
            remote.ended(self[0]); // clustered: a fetch that ran here releases its claim and tells the others
        });
        return self[0];
    }

    /**
     * One fetch, start to end, on the feed thread that starts it: it begins the read and returns; the read's
     * end (on the feed thread that parsed its last answer, or wherever a cancel or the deadline ended it) records
     * the result and frees the host slot. It always ends the flight: whatever is thrown (a StackOverflowError from
     * hostile markup, an OutOfMemoryError of one parse, a bug) becomes this source's failure, logged once with its
     * name, and waiters, the background refresh and POST /cache/refresh carry on.
     */
    private void run(Flight flight, Runnable release) {
        if (flight.isOver()) { // cancelled while it waited for its start: nothing to fetch, nothing behind
            release.run();
            return;
        }
        Source source = flight.source();
        try {
            metrics.fetchStarted();
            CompletableFuture<SourceFetch> read = reader.read(source, url -> store.validators(url), flight);
            read.whenComplete((fetch, error) -> {
                try {
                    ended(flight, fetch, error);
                } finally {
                    release.run();
                }
            });
            flight.reading(read);
        } catch (Throwable e) {
            release.run();
            LOG.log(Level.SEVERE, "Fetch of " + source.name() + " " + source.urls() + " failed unexpectedly", e);
            failUnexpectedly(flight, e);
        }
    }

    private void ended(Flight flight, SourceFetch fetch, Throwable error) {
        Source source = flight.source();
        try {
            if (error == null) {
                count(fetch);
                flight.finish(recorder.record(fetch), fetch);
                return;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof java.util.concurrent.CancellationException) {
                flight.fail(cause); // nobody waits any more (or the source was removed): the flight is over already
            } else if (cause instanceof java.util.concurrent.RejectedExecutionException) {
                flight.fail(new java.util.concurrent.RejectedExecutionException("server busy: the fetch queue is full", cause));
            } else {
                LOG.log(Level.SEVERE, "Fetch of " + source.name() + " " + source.urls() + " failed unexpectedly", cause);
                failUnexpectedly(flight, cause);
            }
        } catch (Throwable e) {
            LOG.log(Level.SEVERE, "Fetch of " + source.name() + " " + source.urls() + " failed unexpectedly", e);
            failUnexpectedly(flight, e);
        }
    }

    private void failUnexpectedly(Flight flight, Throwable e) {
        Source source = flight.source();
        String reason = "feed could not be read: internal error (" + e.getClass().getSimpleName() + ")";
        try {
            SourceStat stat = SourceStat.of(source, FeedStatus.ERROR, 0, reason, Instant.now(), 0);
            SourceFetch failed = new SourceFetch(source, List.of(), stat, List.of(), List.of(), null);
            metrics.fetchFailed("INTERNAL", 0);
            flight.finish(recorder.record(failed), failed);
        } catch (Throwable again) {
            flight.fail(new IllegalStateException(reason)); // the store failed too: waiters still hear of it
        }
    }

    private void count(SourceFetch fetch) {
        double seconds = fetch.stat().processingTimeSeconds();
        for (UrlReport url : fetch.urls()) {
            if (url.failureReason() == null) metrics.fetchSucceeded(seconds, url.notModified());
            else metrics.fetchFailed(url.failureReason().name(), seconds);
        }
    }

    private SourceResult resultFromStore(Source source, SourceStat stat) {
        return new SourceResult(source, store.articlesOf(source.name()), stat);
    }

    public Collection<Flight> inFlight() {
        return List.copyOf(flights.values());
    }

    public long fetchesStarted() {
        return started.get();
    }

    public long sharedJoins() {
        return sharedJoins.get();
    }

    public long answeredFromCache() {
        return answeredFromCache.get();
    }
}
