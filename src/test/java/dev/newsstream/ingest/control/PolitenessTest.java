package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.newsstream.feed.control.RetryAfter;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.store.entity.SourceState;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Polite fetching without a server: when a source may be fetched again (its back-off, its feed's hint, a
 * server's Retry-After, its host's pause), with the clock passed in.
 */
class PolitenessTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private final PoliteSettings polite = new PoliteSettings();
    private final IngestSettings ingest = new IngestSettings();
    private final HostPauses pauses = new HostPauses();
    private final Politeness politeness = new Politeness();

    private final Source alpha = source("Alpha", "http://news.example/alpha.xml");
    private final Source beta = source("Beta", "http://NEWS.example/beta.xml");
    private final Source gamma = source("Gamma", "http://news.example/gamma.xml");
    private final Source other = source("Other", "http://other.example/feed");

    PolitenessTest() {
        polite.maxPerHost = 2;
        polite.hostPauseAfter = 2;
        polite.hostPauseMax = Duration.ofHours(6);
        polite.hintMax = Duration.ofHours(1);
        polite.hostSpread = Duration.ofSeconds(120);
        ingest.minInterval = Duration.ofSeconds(10);
        pauses.settings = polite;
        politeness.settings = polite;
        politeness.ingest = ingest;
        politeness.pauses = pauses;
    }

    private static Source source(String name, String url) {
        return new Source(name, List.of(URI.create(url)), "world", "US", "public", "center");
    }

    private static SourceState state(int failures, Instant next) {
        return new SourceState(SourceStat.of(source("X", "http://x.example/"), FeedStatus.SUCCESS, 1, null, NOW, 0.1),
                failures, next, null);
    }

    private static UrlReport report(FetchOutcome.Kind kind) {
        return new UrlReport("http://news.example/alpha.xml", kind.name(), kind == FetchOutcome.Kind.NOT_MODIFIED ? 304 : 200,
                null, null, null, null, 0, List.of(), null, null, null);
    }

    private static SourceFetch fetch(Source source, FeedStatus status, Duration retryAfter, Duration hint, UrlReport... urls) {
        return new SourceFetch(source, List.of(), SourceStat.of(source, status, 0, null, NOW, 0.1), List.of(urls), List.of(),
                retryAfter, hint);
    }

    @Test
    void aSourceWaitsForItsNextAttemptAsBackOffAfterFailuresOrAsItsFeedsHintAfterSuccess() {
        assertEquals(Optional.empty(), politeness.deferral(alpha, state(0, null), NOW));
        assertEquals(Optional.empty(), politeness.deferral(alpha, state(2, NOW), NOW), "due exactly now");
        assertEquals(Optional.of(new Deferral(Deferral.BACKOFF, NOW.plusSeconds(60))),
                politeness.deferral(alpha, state(1, NOW.plusSeconds(60)), NOW));
        assertEquals(Optional.of(new Deferral(Deferral.FEED_HINT, NOW.plusSeconds(60))),
                politeness.deferral(alpha, state(0, NOW.plusSeconds(60)), NOW));
        Instant dayAhead = NOW.plus(RetryAfter.MAX);
        assertEquals(Optional.of(new Deferral(Deferral.BACKOFF, dayAhead)), politeness.deferral(alpha, state(3, dayAhead), NOW),
                "a day ahead is still honoured");
        assertEquals(Optional.empty(), politeness.deferral(alpha, state(3, dayAhead.plusSeconds(1)), NOW),
                "further than a day ahead (an older version's record) is due: nothing is shelved for good");
    }

    @Test
    void aHostPausesWhenEnoughOfItsFeedsAskToStayAwayAndTheLaterOfPauseAndBackOffWins() {
        assertNull(politeness.fetched(fetch(alpha, FeedStatus.ERROR, Duration.ofMinutes(30), null), NOW),
                "a failure's next attempt is the back-off's to decide");
        assertEquals(Optional.empty(), politeness.deferral(gamma, state(0, null), NOW), "one feed of the host is not the host");

        politeness.fetched(fetch(beta, FeedStatus.ERROR, Duration.ofMinutes(10), null), NOW.plusSeconds(1));
        Instant until = NOW.plus(Duration.ofMinutes(30));
        assertEquals(Optional.of(new Deferral(Deferral.HOST_PAUSE, until)), politeness.deferral(gamma, state(0, null), NOW),
                "two feeds of news.example (any case) asked: the whole host waits for the longest");
        assertEquals(Optional.empty(), politeness.deferral(other, state(0, null), NOW), "another host is not paused");
        assertEquals(Optional.of(new Deferral(Deferral.HOST_PAUSE, until)),
                politeness.deferral(gamma, state(1, NOW.plusSeconds(60)), NOW), "a pause longer than the back-off wins");
        Instant later = until.plusSeconds(60);
        assertEquals(Optional.of(new Deferral(Deferral.BACKOFF, later)), politeness.deferral(gamma, state(1, later), NOW));
        assertEquals(Map.of("news.example", until), pauses.paused(NOW));
        assertEquals(Map.of(), pauses.paused(until), "a pause ends at its instant");
        assertEquals(Optional.empty(), pauses.pausedUntil("news.example", until));
        assertEquals(Map.of(), pauses.paused(NOW), "and is forgotten once seen over");
    }

    @Test
    void aHostPauseIsCappedAndCountsOnlyFeedsStillAskingToStayAway() {
        pauses.retryAfter("h", "a", Duration.ofDays(2), NOW);
        pauses.answered("h", "a"); // answered normally since: no longer counts
        pauses.answered("nobody-asked", "x");
        pauses.retryAfter("h", "b", Duration.ofMinutes(5), NOW);
        assertEquals(Optional.empty(), pauses.pausedUntil("h", NOW));

        pauses.retryAfter("h", "c", Duration.ofMinutes(1), NOW.plus(Duration.ofMinutes(5)));
        assertEquals(Optional.empty(), pauses.pausedUntil("h", NOW.plus(Duration.ofMinutes(5))),
                "b's request ran out exactly when c asked: one feed asking");

        pauses.retryAfter("h", "d", Duration.ofDays(2), NOW);
        assertEquals(Optional.of(NOW.plus(Duration.ofHours(6))), pauses.pausedUntil("h", NOW),
                "two feeds asking; two days are capped at host-pause-max");
        pauses.retryAfter("h", "e", Duration.ofMinutes(1), NOW);
        assertEquals(Optional.of(NOW.plus(Duration.ofHours(6))), pauses.pausedUntil("h", NOW), "the longest request still asking holds");

        polite.hostPauseAfter = 0;
        assertEquals(1, polite.hostPauseAfter(), "at least one feed");
        pauses.retryAfter("solo", "a", Duration.ofMinutes(3), NOW);
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(3))), pauses.pausedUntil("solo", NOW));
    }

    @Test
    void aSuccessfulFetchIsNextDueAtTheLaterOfItsFeedsBoundedHintAndTheServersRetryAfter() {
        UrlReport fetched = report(FetchOutcome.Kind.OK);
        assertNull(politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, null, fetched), NOW), "no hint: whenever asked");
        assertEquals(NOW.plus(Duration.ofMinutes(30)),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, Duration.ofMinutes(30), fetched), NOW));
        assertEquals(NOW.plus(Duration.ofHours(1)),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, Duration.ofHours(5), fetched), NOW), "bounded by hint-max");
        assertNull(politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, Duration.ofSeconds(10), fetched), NOW),
                "a hint within the min-interval changes nothing");
        assertEquals(NOW.plusSeconds(11),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, Duration.ofSeconds(11), fetched), NOW));
        assertEquals(NOW.plus(Duration.ofHours(2)),
                politeness.fetched(fetch(alpha, FeedStatus.WARNING, Duration.ofHours(2), Duration.ofMinutes(30), fetched), NOW),
                "a later Retry-After wins");
        assertEquals(NOW.plus(Duration.ofMinutes(30)),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, Duration.ofMinutes(1), Duration.ofMinutes(30), fetched), NOW));
        assertEquals(NOW.plus(Duration.ofMinutes(1)),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, Duration.ofMinutes(1), null, fetched), NOW));
    }

    @Test
    void aNotModifiedAnswerKeepsTheHintOfTheLastFullDocument() {
        UrlReport fetched = report(FetchOutcome.Kind.OK), notModified = report(FetchOutcome.Kind.NOT_MODIFIED);
        politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, Duration.ofMinutes(20), fetched), NOW);
        assertEquals(NOW.plus(Duration.ofMinutes(20)),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, null, notModified), NOW), "a 304 has no body to hint");
        assertEquals(NOW.plus(Duration.ofMinutes(25)),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, Duration.ofMinutes(25), notModified), NOW),
                "a hint in the 304's own headers counts");
        assertEquals(NOW.plus(Duration.ofMinutes(20)),
                politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, null, notModified), NOW),
                "but does not replace the document's");
        assertNull(politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, null, notModified, fetched), NOW),
                "one URL sent a full document without a hint: the old hint is gone");
        assertNull(politeness.fetched(fetch(alpha, FeedStatus.SUCCESS, null, null, notModified), NOW));

        politeness.fetched(fetch(beta, FeedStatus.SUCCESS, null, Duration.ofMinutes(20), fetched), NOW);
        politeness.forget("Beta");
        assertNull(politeness.fetched(fetch(beta, FeedStatus.SUCCESS, null, null, notModified), NOW), "a removed source's hint goes");
        assertNull(politeness.fetched(fetch(gamma, FeedStatus.SUCCESS, null, null), NOW), "no URL answered: nothing to keep");
    }

    @Test
    void settingsStayWithinTheirBounds() {
        polite.maxPerHost = 0;
        assertEquals(1, polite.maxPerHost());
        polite.maxPerHost = 3;
        assertEquals(3, polite.maxPerHost());
        polite.hostSpread = Duration.ofSeconds(-5);
        assertEquals(Duration.ZERO, polite.hostSpread());
        polite.hostSpread = Duration.ofSeconds(5);
        assertEquals(Duration.ofSeconds(5), polite.hostSpread());
        assertEquals(Duration.ofHours(1), polite.hintMax());

        ingest.backoffBase = Duration.ofMinutes(10);
        ingest.backoffMax = Duration.ofMinutes(35);
        assertEquals(Duration.ofMinutes(10), ingest.backoff(1, null));
        assertEquals(Duration.ofMinutes(20), ingest.backoff(2, null));
        assertEquals(Duration.ofMinutes(35), ingest.backoff(3, null), "capped");
        assertEquals(Duration.ofMinutes(50), ingest.backoff(1, Duration.ofMinutes(50)), "a longer Retry-After wins");
        assertEquals(Duration.ofSeconds(10), ingest.minInterval());
    }
}
