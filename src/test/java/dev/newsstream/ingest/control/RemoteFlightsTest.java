package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.cluster.control.ClusteredFetchRecordDelivery;
import dev.newsstream.cluster.control.Grid;
import dev.newsstream.cluster.entity.ClusterMember;
import dev.newsstream.cluster.entity.LeaseHolder;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.testing.Wait;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One fetch per source in the cluster, against a grid of our own ({@link Grid}, the interface the Hazelcast
 * grid implements): who fetches, what a waiting flight does with each word from the fetching instance, when
 * it claims again, and how other instances' interest joins a fetch running here.
 */
class RemoteFlightsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Instant SINCE = Instant.parse("2026-12-01T12:00:00Z");
    private static final long MILLIS = SINCE.toEpochMilli();
    private static final Source A = new Source("A", List.of(URI.create("http://a.example/rss")), "general", "US", "", "");

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final IngestDoubles.Cluster cluster = new IngestDoubles.Cluster();
    private final FakeGrid grid = new FakeGrid();
    private final Records records = new Records();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final RemoteFlights cut = new RemoteFlights();

    /** The calls a grid gets, each as a line; claims answer what the test set (by default: this member). */
    static final class FakeGrid implements Grid {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Map<String, LeaseHolder> holders = new ConcurrentHashMap<>();
        volatile RuntimeException failing;

        private void call(String line) {
            calls.add(line);
            if (failing != null) throw failing;
        }

        @Override public String localMember() { return "me"; }
        @Override public LeaseHolder claimFlight(String source, Duration ttl) {
            call("claim " + source + " " + ttl);
            return holders.getOrDefault(source, new LeaseHolder("me", SINCE));
        }
        @Override public void endFlight(String source) { call("end " + source); }
        @Override public void addInterest(String source, String owner) { call("interest " + source + " " + owner); }
        @Override public void removeInterest(String source) { call("withdraw " + source); }
        @Override public void publish(String body) { call("publish " + body.replace('\t', ' ')); }
        @Override public List<ClusterMember> members() { throw new UnsupportedOperationException(); }
        @Override public LeaseHolder holdLease(String name, Duration period) { throw new UnsupportedOperationException(); }
        @Override public LeaseHolder leaseHolder(String name) { throw new UnsupportedOperationException(); }
        @Override public void releaseLease(String name) { throw new UnsupportedOperationException(); }
        @Override public void putValue(String key, String value) { throw new UnsupportedOperationException(); }
        @Override public String value(String key) { throw new UnsupportedOperationException(); }
        @Override public Map<String, LeaseHolder> flights() { throw new UnsupportedOperationException(); }
        @Override public long takeNumbers(int count, long floor) { throw new UnsupportedOperationException(); }
        @Override public void releaseNumbers() { throw new UnsupportedOperationException(); }
        @Override public long numbersGiven() { throw new UnsupportedOperationException(); }
        @Override public void listen(Listener listener) { throw new UnsupportedOperationException(); }
        @Override public void close() { throw new UnsupportedOperationException(); }
    }

    /** Which record each source's last fetch published here, and which records arrived here. */
    static final class Records extends ClusteredFetchRecordDelivery {
        final Map<String, String> published = new ConcurrentHashMap<>();
        final Set<String> applied = ConcurrentHashMap.newKeySet();

        @Override
        public String publishedFor(String source) {
            return published.get(source);
        }

        @Override
        public boolean applied(String tag) {
            return applied.contains(tag);
        }
    }

    RemoteFlightsTest() {
        scheduler.setRemoveOnCancelPolicy(true);
        cluster.grid = grid;
        cut.cluster = cluster;
        cut.records = records;
        cut.limits = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(20), 1024, 5, "test");
        cut.listen(scheduler);
        cut.bind(new RemoteFlights.Handler() {
            @Override
            public void answer(Flight flight) {
                handled.add("answer " + flight.source().name());
            }

            @Override
            public void fetchHere(Flight flight) {
                handled.add("fetch here " + flight.source().name());
            }
        });
    }

    @AfterEach
    void stopScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static Flight flight() {
        Flight flight = new Flight(A, () -> { });
        flight.join("stream");
        return flight;
    }

    private static void finish(Flight flight) {
        SourceStat stat = SourceStat.of(A, FeedStatus.SUCCESS, 0, null, Instant.now(), 0);
        flight.finish(new SourceResult(A, List.of(), stat), new SourceFetch(A, List.of(), stat, List.of(), List.of(), null));
    }

    /** A flight waiting for {@code owner}'s fetch (claimed since SINCE). */
    private Flight waitingFor(String owner) {
        grid.holders.put("A", new LeaseHolder(owner, SINCE));
        Flight flight = flight();
        assertFalse(cut.claim(flight), "another instance fetches it");
        grid.holders.remove("A");
        grid.calls.clear();
        return flight;
    }

    @Test
    void aloneEveryFlightFetchesHereAndTheGridIsNeverAsked() {
        cluster.grid = null;
        Flight flight = flight();
        assertTrue(cut.claim(flight));
        finish(flight);
        cut.ended(flight);
        cut.message("fetched\tA", "other");
        assertEquals(List.of(), grid.calls);
        assertEquals(List.of(), handled);
        assertEquals(Map.of(), cut.waitingFor());
        assertEquals(List.of(cut), cluster.listeners, "it listens to the grid's events");
    }

    @Test
    void theClaimsWinnerFetchesAndAtItsEndReleasesTheClaimNamingWhatItPublished() {
        Flight flight = flight();
        assertTrue(cut.claim(flight));
        assertEquals(List.of("claim A PT1M10S"), grid.calls, "the claim outlives three fetch deadlines and 10 s");
        records.published.put("A", "tag-1");
        finish(flight);

        cut.ended(flight);

        assertEquals(List.of("claim A PT1M10S", "publish fetched A tag-1 " + MILLIS, "end A"), grid.calls);
        cut.ended(flight);
        assertEquals(3, grid.calls.size(), "once");
    }

    @Test
    void aFetchThatPublishedNothingSaysSoAndOneAbandonedSaysThat() {
        Flight fetched = flight();
        cut.claim(fetched);
        finish(fetched);
        cut.ended(fetched);
        Flight abandoned = flight();
        cut.claim(abandoned);
        abandoned.abort("gone");
        cut.ended(abandoned);
        assertEquals(List.of("claim A PT1M10S", "publish fetched A - " + MILLIS, "end A",
                "claim A PT1M10S", "publish abandoned A " + MILLIS, "end A"), grid.calls);
    }

    @Test
    void aGridThatFailsMakesTheFlightFetchHere() {
        grid.failing = new IllegalStateException("grid down");
        Flight flight = flight();
        assertTrue(cut.claim(flight));
        finish(flight);
        cut.ended(flight);
        assertEquals(List.of("claim A PT1M10S"), grid.calls, "not registered as the cluster's fetch: nothing to release");
    }

    @Test
    void aLosingFlightWaitsRegistersItsInterestAndWithdrawsItWhenItEnds() {
        Flight flight = waitingFor("other");
        assertEquals(Map.of("A", "other"), cut.waitingFor());
        assertEquals(1, cluster.remoteWaits.get());

        flight.abort("nobody waits");

        assertEquals(List.of("withdraw A"), grid.calls);
        assertEquals(Map.of(), cut.waitingFor());
        cut.ended(flight);
        assertEquals(List.of("withdraw A"), grid.calls, "a flight that waited releases no claim");
    }

    @Test
    void theWordThatItsResultArrivedAnswersTheWaitingFlightFromTheStore() {
        waitingFor("other");
        records.applied.add("tag-1");
        cut.message("fetched\tA\ttag-1\t" + MILLIS, "me");
        cut.message("fetched\tA\ttag-1\t" + MILLIS, "third");
        cut.message("fetched\tA\ttag-1\t" + (MILLIS - 1), "other");
        cut.message("fetched\tB\ttag-1\t" + MILLIS, "other");
        cut.message("something else", "other");
        assertEquals(List.of(), handled, "its own word, another member's, an earlier claim's and another source's are not the answer");

        cut.message("fetched\tA\ttag-1\t" + MILLIS, "other");

        assertEquals(List.of("answer A"), handled);
        assertEquals(Map.of(), cut.waitingFor());
        cut.message("fetched\tA\ttag-1\t" + MILLIS, "other");
        assertEquals(List.of("answer A"), handled, "answered once");
    }

    @Test
    void anOlderWordWithoutTagOrClaimStillAnswers() {
        waitingFor("other");
        cut.message("fetched\tA", "other");
        assertEquals(List.of("answer A"), handled);
        waitingFor("other");
        records.applied.add("tag-3");
        cut.message("fetched\tA\ttag-3", "other");
        assertEquals(List.of("answer A", "answer A"), handled, "a tag without the claim's start is about any claim");
        waitingFor("other");
        cut.message("fetched\tA\ttag-2\tnot-a-number", "other");
        assertEquals(List.of("answer A", "answer A", "fetch here A"), handled, "tag-2 never arrived here: fetched here instead");
        assertEquals(List.of("claim A PT1M10S"), grid.calls);
    }

    @Test
    void aResultThatNeverReachedThisStoreIsFetchedHere() {
        waitingFor("other");
        cut.message("fetched\tA\t-\t" + MILLIS, "other");
        assertEquals(List.of("fetch here A"), handled);
        assertEquals(List.of("claim A PT1M10S"), grid.calls);
        assertEquals(Map.of(), cut.waitingFor());

        Flight second = waitingFor("other");
        cut.message("fetched\tA\tmissing\t" + MILLIS, "other");
        assertEquals(List.of("fetch here A", "fetch here A"), handled);
        finish(second);
        cut.ended(second);
        assertEquals(List.of("claim A PT1M10S", "publish fetched A - " + MILLIS, "end A"), grid.calls,
                "the flight that claimed again releases its claim");
    }

    @Test
    void anAbandonedFetchIsClaimedAgainAndMayBeWaitedForElsewhere() {
        waitingFor("other");
        cut.message("abandoned\tA\t" + (MILLIS + 5), "other");
        cut.message("abandoned\tA\t" + MILLIS, "third");
        cut.message("abandoned\tB\t" + MILLIS, "other");
        assertEquals(List.of(), grid.calls, "not about this claim");

        grid.holders.put("A", new LeaseHolder("third", SINCE));
        cut.message("abandoned\tA\t" + MILLIS, "other");

        assertEquals(List.of("claim A PT1M10S", "interest A third"), grid.calls);
        assertEquals(Map.of("A", "third"), cut.waitingFor());
        assertEquals(List.of(), handled);
        cut.message("abandoned\tA", "third");
        assertEquals(List.of("claim A PT1M10S", "interest A third", "claim A PT1M10S", "interest A third"), grid.calls);
    }

    @Test
    void aClaimThatFailsOnRetryFetchesHere() {
        waitingFor("other");
        grid.failing = new IllegalStateException("grid down");
        cut.memberLeft("other");
        assertEquals(List.of("fetch here A"), handled);
    }

    @Test
    void whenTheFetchingMemberLeavesTheWaitingFlightClaimsAgain() {
        waitingFor("other");
        cut.memberLeft("third");
        assertEquals(List.of(), handled);
        cut.memberLeft("other");
        assertEquals(List.of("fetch here A"), handled);
        assertEquals(Map.of(), cut.waitingFor());
    }

    @Test
    void aClaimThatEndsWithoutAWordIsClaimedAgainAfterAGrace() throws Exception {
        waitingFor("other");
        cut.flightEnded("A", new LeaseHolder("other", SINCE.plusMillis(1)));
        cut.flightEnded("A", null);
        cut.flightEnded("B", new LeaseHolder("other", SINCE));
        assertTrue(scheduler.getQueue().isEmpty(), "another claim's end schedules nothing");

        long start = System.nanoTime();
        cut.flightEnded("A", new LeaseHolder("other", SINCE));
        Wait.until(() -> !handled.isEmpty(), PATIENCE, () -> "never claimed again");
        assertTrue(System.nanoTime() - start >= 1_500_000_000L, "the word had its grace");
        assertEquals(List.of("fetch here A"), handled);
    }

    @Test
    void aClaimEndFollowedByItsWordNeedsNoRetry() throws Exception {
        waitingFor("other");
        records.applied.add("t");
        cut.flightEnded("A", new LeaseHolder("other", SINCE));
        cut.message("fetched\tA\tt\t" + MILLIS, "other");
        Wait.until(() -> scheduler.getQueue().isEmpty() && scheduler.getActiveCount() == 0, PATIENCE, () -> "grace still pending");
        assertEquals(List.of("answer A"), handled);
    }

    @Test
    void anotherInstancesInterestJoinsTheFetchRunningHereAndItsWithdrawalLeavesIt() {
        Flight flight = new Flight(A, () -> { });
        Flight.Ticket local = flight.join("local");
        cut.claim(flight);

        cut.interest("A", "me", "me", true);
        cut.interest("A", "peer", "third", true);
        cut.interest("B", "peer", "me", true);
        assertEquals(List.of("local"), flight.waiters(), "its own, another owner's and a source not running here do not join");

        cut.interest("A", "peer", "me", true);
        assertEquals(List.of("local", "cluster:peer"), flight.waiters());
        cut.interest("A", "peer", "me", true);
        assertEquals(List.of("local", "cluster:peer"), flight.waiters(), "a repeated word changes nothing");

        cut.interest("A", "peer", "me", false);
        cut.interest("A", "peer", "me", false);
        assertEquals(List.of("local"), flight.waiters(), "withdrawn");
        cut.interest("A", "peer", "me", true);
        local.cancel(true);
        assertFalse(flight.isOver(), "the other instance still waits");
        cut.interest("A", "peer", "me", false);
        assertTrue(flight.isOver(), "nobody on any instance waits any more");
        cut.ended(flight);
        cut.interest("A", "late", "me", true);
        assertEquals(List.of(), flight.waiters(), "a fetch over is joined by no one");
    }
}
