package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.testing.Wait;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared flight on a real single-thread executor: one start for every waiter, a waiter that leaves
 * stops only its own wait, the last one to leave cancels what is current (the read waiting on the network, or
 * the parse with an interrupt), and the flight ends exactly once however its endings race.
 */
class FlightTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Source SOURCE =
            new Source("Flight", List.of(URI.create("http://127.0.0.1:1/rss")), "general", "US", "", "");

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final AtomicInteger ended = new AtomicInteger();
    private final Flight cut = new Flight(SOURCE, ended::incrementAndGet);

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS), "the executor's thread did not end");
    }

    private static SourceResult result() {
        SourceStat stat = SourceStat.of(SOURCE, FeedStatus.SUCCESS, 0, null, Instant.now(), 0);
        return new SourceResult(SOURCE, List.of(), stat);
    }

    private static SourceFetch fetch(SourceResult result) {
        return new SourceFetch(SOURCE, List.of(), result.stat(), List.of(), List.of(), null);
    }

    @Test
    void everyWaiterSharesOneTaskAndHearsTheSameResult() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Flight.Ticket a = cut.join("a");
        Flight.Ticket b = cut.join("b");
        assertTrue(cut.launch(() -> executor.execute(runs::incrementAndGet)), "the first launch submits");
        assertFalse(cut.launch(() -> executor.execute(runs::incrementAndGet)), "a second launch must not submit again");
        Wait.until(() -> runs.get() == 1, PATIENCE, () -> "the task ran " + runs.get() + " times");
        assertEquals(List.of("a", "b"), cut.waiters());

        SourceResult result = result();
        cut.finish(result, fetch(result));
        assertSame(result, a.get(1, TimeUnit.SECONDS));
        assertSame(result, b.get(1, TimeUnit.SECONDS));
        assertEquals(1, ended.get(), "onOver runs once");
        assertEquals(1, runs.get());
        assertNotNull(cut.details());
    }

    @Test
    void aWaiterWhoLeavesStopsOnlyItsOwnWait() throws Exception {
        CompletableFuture<SourceFetch> read = new CompletableFuture<>();
        Flight.Ticket leaving = cut.join("leaving");
        Flight.Ticket staying = cut.join("staying");
        cut.launch(() -> executor.execute(() -> cut.reading(read)));
        cut.exchangeStarted(SOURCE.firstUrl());

        assertTrue(leaving.cancel(true));
        assertEquals(List.of("staying"), cut.waiters());
        assertEquals(0, ended.get(), "the flight goes on while someone waits");
        assertFalse(staying.isDone());
        Thread.sleep(100); // the read was handed over on the executor: give a wrong cancel its chance
        assertFalse(read.isCancelled(), "the read must not be cancelled while someone still waits");

        SourceResult result = result();
        cut.finish(result, fetch(result));
        assertSame(result, staying.get(1, TimeUnit.SECONDS));
        assertThrows(CancellationException.class, () -> leaving.get(1, TimeUnit.SECONDS));
        assertEquals(1, ended.get());
    }

    @Test
    void theLastWaiterToLeaveCancelsTheReadWaitingOnTheNetwork() throws Exception {
        CompletableFuture<SourceFetch> read = new CompletableFuture<>();
        Flight.Ticket a = cut.join("a");
        Flight.Ticket b = cut.join("b");
        CountDownLatch handedOver = new CountDownLatch(1);
        cut.launch(() -> executor.execute(() -> {
            cut.reading(read);
            cut.exchangeStarted(SOURCE.firstUrl());
            handedOver.countDown();
        }));
        assertTrue(handedOver.await(10, TimeUnit.SECONDS));
        assertEquals(Flight.Phase.NETWORK, cut.phase());
        assertNotNull(cut.busyFor(), "a fetch waiting on the network has a busy time");
        assertNull(cut.runner(), "and holds no thread");

        a.cancel(true);
        b.cancel(true);
        assertTrue(read.isCancelled(), "the read (and with it the exchange) was not cancelled");
        assertEquals(1, ended.get(), "onOver runs once when the flight is abandoned");
        assertTrue(cut.waiters().isEmpty());
        assertNull(cut.join("late"), "an abandoned flight takes nobody: the caller starts a new one");
    }

    @Test
    void theLastWaiterToLeaveInterruptsTheParse() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        Flight.Ticket only = cut.join("only");
        cut.launch(() -> { });
        cut.exchangeStarted(SOURCE.firstUrl());
        cut.exchangeEnded();
        assertEquals(Flight.Phase.PARSE_QUEUED, cut.phase());
        cut.reading(executor.submit(() -> {
            cut.parsing(true);
            try {
                blockUntil(new CountDownLatch(1), interrupted);
            } finally {
                cut.parsing(false);
            }
        }));
        Wait.until(() -> cut.runner() != null, PATIENCE, () -> "the parse never started");
        assertEquals(Flight.Phase.PARSING, cut.phase());

        only.cancel(true);
        Wait.until(interrupted::get, PATIENCE, () -> "the running parse was never interrupted");
        Wait.until(() -> cut.runner() == null, PATIENCE, () -> "the parsing thread was not forgotten");
        assertEquals(1, ended.get());
    }

    @Test
    void aReadThatBeginsAfterTheFlightEndedIsCancelledAtOnce() {
        Flight.Ticket only = cut.join("only");
        cut.launch(() -> { });
        only.cancel(true);
        CompletableFuture<SourceFetch> late = new CompletableFuture<>();
        assertFalse(cut.reading(late));
        assertTrue(late.isCancelled());
        assertEquals(1, ended.get());
    }

    @Test
    void theLastWaiterToLeaveAQueuedFetchKeepsItFromEverRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> blockUntil(release, new AtomicBoolean())); // the only thread is busy
        AtomicBoolean ran = new AtomicBoolean();
        Flight.Ticket only = cut.join("only");
        // the coordinator's start checks the flight first, as this one does
        cut.launch(() -> executor.execute(() -> {
            if (!cut.isOver()) ran.set(true);
        }));
        assertNull(cut.busyFor(), "a queued fetch is not busy");
        assertEquals(Flight.Phase.QUEUED, cut.phase());

        only.cancel(true);
        assertEquals(1, ended.get(), "a queued flight that nobody waits for ends at once, not when it would run");
        release.countDown();
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertFalse(ran.get(), "the cancelled task ran anyway");
    }

    @Test
    void aJoinAfterTheFinishGetsNoTicket() {
        Flight.Ticket a = cut.join("a");
        SourceResult result = result();
        cut.finish(result, fetch(result));
        assertTrue(a.isDone());
        assertNull(cut.join("b"), "a finished flight takes nobody: the caller starts a new one");
        assertFalse(cut.launch(() -> executor.execute(() -> { })), "a finished flight is not launched");
        assertEquals(1, ended.get());
    }

    @Test
    void aFinishAfterTheLastWaiterLeftDoesNotEndTheFlightAgain() {
        Flight.Ticket a = cut.join("a");
        a.cancel(true);
        assertEquals(1, ended.get());
        SourceResult result = result();
        cut.finish(result, fetch(result)); // the interrupted fetch still reports what it had
        cut.fail(new IllegalStateException("late"));
        assertEquals(1, ended.get(), "onOver ran again: it would release a claim a newer flight may hold");
    }

    @Test
    void aFinishRacingTheLastLeaveEndsTheFlightExactlyOnce() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 500; round++) {
                AtomicInteger endings = new AtomicInteger();
                Flight flight = new Flight(SOURCE, endings::incrementAndGet);
                Flight.Ticket ticket = flight.join("only");
                SourceResult result = result();
                CyclicBarrier start = new CyclicBarrier(2);
                var leave = racers.submit(() -> {
                    start.await();
                    return ticket.cancel(true);
                });
                var finish = racers.submit(() -> {
                    start.await();
                    flight.finish(result, fetch(result));
                    return null;
                });
                boolean left = leave.get(10, TimeUnit.SECONDS);
                finish.get(10, TimeUnit.SECONDS);
                assertEquals(1, endings.get(), "round " + round + ": the flight ended " + endings.get() + " times");
                if (left) {
                    assertTrue(ticket.isCancelled());
                } else {
                    assertSame(result, ticket.get(), "round " + round + ": the finish won, so the waiter has the result");
                }
                assertNull(flight.join("late"), "round " + round + ": an ended flight took a new waiter");
            }
        } finally {
            racers.shutdownNow();
        }
    }

    @Test
    void aFullExecutorEndsTheFlightWithAClearError() {
        ExecutorService full = Executors.newSingleThreadExecutor();
        full.shutdown(); // rejects everything, like a managed executor whose queue is full
        Flight.Ticket a = cut.join("a");
        assertTrue(cut.launch(() -> full.execute(() -> { })));
        ExecutionException error = assertThrows(ExecutionException.class, () -> a.get(1, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, error.getCause());
        assertTrue(error.getCause().getMessage().contains("server busy"), error.getCause().getMessage());
        assertEquals(1, ended.get());
        assertNull(cut.join("b"));
    }

    @Test
    void abortEndsEveryWaitAndInterruptsTheFetch() throws Exception {
        Flight.Ticket a = cut.join("a");
        Flight.Ticket b = cut.join("b");
        CompletableFuture<SourceFetch> read = new CompletableFuture<>();
        cut.launch(() -> { });
        cut.reading(read);

        cut.abort("Flight was removed");
        assertTrue(read.isCancelled(), "the aborted read was not cancelled");
        for (Flight.Ticket ticket : List.of(a, b)) {
            CancellationException error = assertThrows(CancellationException.class, () -> ticket.get(1, TimeUnit.SECONDS));
            assertEquals("Flight was removed", error.getMessage());
        }
        cut.abort("again");
        assertEquals(1, ended.get());
    }

    @Test
    void aRemoteFlightWaitsForTheOtherInstanceAndCanFetchHereAfterAll() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Flight.Ticket a = cut.join("a");
        assertTrue(cut.launch(() -> executor.execute(runs::incrementAndGet), () -> false));
        assertTrue(cut.remote());
        assertFalse(cut.launch(() -> executor.execute(runs::incrementAndGet)), "launched once already");

        assertTrue(cut.launchHere(() -> executor.execute(runs::incrementAndGet)), "the other instance died: fetch here");
        assertFalse(cut.remote());
        assertFalse(cut.launchHere(() -> executor.execute(runs::incrementAndGet)), "already fetching here");
        Wait.until(() -> runs.get() == 1, PATIENCE, () -> "the local fetch ran " + runs.get() + " times");
        cut.finishRemotely(result()); // too late: this instance fetches itself now
        assertFalse(a.isDone());
        assertEquals(0, ended.get());
    }

    @Test
    void aRemoteFlightEndsWithTheOtherInstancesResult() throws Exception {
        Flight.Ticket a = cut.join("a");
        cut.launch(() -> executor.execute(() -> { }), () -> false);
        SourceResult result = result();
        cut.finishRemotely(result);
        assertSame(result, a.get(1, TimeUnit.SECONDS));
        assertFalse(cut.remote());
        cut.finishRemotely(result);
        assertEquals(1, ended.get());
        assertFalse(cut.launchHere(() -> executor.execute(() -> { })), "an ended flight does not fetch");
    }

    private static void blockUntil(CountDownLatch release, AtomicBoolean interrupted) {
        try {
            release.await();
        } catch (InterruptedException e) {
            interrupted.set(true);
        }
    }
}
