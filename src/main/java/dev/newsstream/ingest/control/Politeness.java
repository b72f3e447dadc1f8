package dev.newsstream.ingest.control;

import dev.newsstream.feed.control.RetryAfter;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.store.entity.SourceState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a source may be fetched now, for everyone who asks (streams, the background refresh, an
 * import's check): not while it backs off, not while its host is paused, not before its feed's own
 * refresh hint (bounded by {@code newsstream.fetch.hint-max}) has passed. A deferred source is answered
 * from its last outcome without touching the network.
 */
@ApplicationScoped
public class Politeness {

    @Inject
    PoliteSettings settings;

    @Inject
    IngestSettings ingest;

    @Inject
    HostPauses pauses;

    /** Each source's last hint from a full document: a 304 has no body, and the feed's ttl still holds. */
    private final Map<String, Duration> documentHints = new ConcurrentHashMap<>();

    /** Why and until when {@code source} may not be fetched now; empty if it may. */
    public Optional<Deferral> deferral(Source source, SourceState state, Instant now) {
        Deferral deferral = null;
        // a next attempt more than a day ahead (stored by an older version) is due: nothing is shelved for good
        boolean sane = state.nextAttemptAt() != null && !state.nextAttemptAt().isAfter(now.plus(RetryAfter.MAX));
        if (sane && state.nextAttemptAt().isAfter(now)) {
            deferral = new Deferral(state.consecutiveFailures() > 0 ? Deferral.BACKOFF : Deferral.FEED_HINT,
                    state.nextAttemptAt());
        }
        Optional<Instant> paused = pauses.pausedUntil(HostLanes.hostOf(source.firstUrl()), now);
        if (paused.isPresent() && (deferral == null || paused.get().isAfter(deferral.until()))) {
            deferral = new Deferral(Deferral.HOST_PAUSE, paused.get());
        }
        return Optional.ofNullable(deferral);
    }

    /**
     * Hears a finished fetch: a Retry-After counts towards its host's pause. For a success, says when the
     * source may be fetched next (the server's Retry-After or the feed's hint, whichever is later; null
     * for "whenever asked"), for a failure null (the back-off decides).
     */
    public Instant fetched(SourceFetch fetch, Instant now) {
        Source source = fetch.source();
        String host = HostLanes.hostOf(source.firstUrl());
        if (fetch.failed()) {
            if (fetch.retryAfter() != null) pauses.retryAfter(host, source.name(), fetch.retryAfter(), now);
            return null;
        }
        pauses.answered(host, source.name());
        Duration hint = fetch.refreshHint();
        boolean allNotModified = !fetch.urls().isEmpty() && fetch.urls().stream().allMatch(UrlReport::notModified);
        if (hint != null && !allNotModified) documentHints.put(source.name(), hint);
        else if (allNotModified) hint = hint == null ? documentHints.get(source.name()) : hint;
        else documentHints.remove(source.name());
        Instant next = null;
        if (hint != null) {
            Duration bounded = hint.compareTo(settings.hintMax()) > 0 ? settings.hintMax() : hint;
            // a hint within the min-interval changes nothing: the min-interval already holds
            if (bounded.compareTo(ingest.minInterval()) > 0) next = now.plus(bounded);
        }
        if (fetch.retryAfter() != null) {
            Instant asked = now.plus(fetch.retryAfter());
            if (next == null || asked.isAfter(next)) next = asked;
        }
        return next;
    }

    /** Forgets a removed source. */
    public void forget(String source) {
        documentHints.remove(source);
    }
}
