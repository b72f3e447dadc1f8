package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Wait;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostLanesTest {

    final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static PoliteSettings settings(int perHost, int pauseAfter) {
        PoliteSettings s = new PoliteSettings();
        s.maxPerHost = perHost;
        s.hostPauseAfter = pauseAfter;
        s.hostPauseMax = Duration.ofHours(24);
        s.hintMax = Duration.ofHours(1);
        s.hostSpread = Duration.ZERO;
        return s;
    }

    @Test
    void aHostNeverHasMoreThanItsLimitInFlightAndEveryTaskRuns() throws Exception {
        HostLanes lanes = new HostLanes();
        lanes.settings = settings(2, 2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger otherHost = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(12);
        ExecutorService a = lanes.laneFor(URI.create("http://A.example/x"), pool);
        ExecutorService b = lanes.laneFor(URI.create("http://b.example/y"), pool);
        for (int i = 0; i < 10; i++) {
            a.submit(() -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                sleep(30); // work that takes a while, so tasks of one host overlap if the lane lets them
                running.decrementAndGet();
                done.countDown();
            });
        }
        for (int i = 0; i < 2; i++) b.submit(() -> { otherHost.incrementAndGet(); done.countDown(); });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(2, peak.get());
        assertEquals(2, otherHost.get());
        assertEquals(lanes.laneFor(URI.create("http://a.example:8080/z"), pool), a, "ports do not make another host");
    }

    @Test
    void aQueuedTaskCancelledNeverRunsAndARunningOneIsInterrupted() throws Exception {
        HostLanes lanes = new HostLanes();
        lanes.settings = settings(1, 2);
        ExecutorService lane = lanes.laneFor(URI.create("http://h/"), pool);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger ranQueued = new AtomicInteger();
        Future<?> first = lane.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // blocks like a fetch until it is interrupted
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        Future<?> queued = lane.submit(ranQueued::incrementAndGet);
        CountDownLatch third = new CountDownLatch(1);
        lane.submit(third::countDown);
        queued.cancel(true);
        assertTrue(started.await(5, TimeUnit.SECONDS), "the first task never ran");
        first.cancel(true);
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
        assertTrue(third.await(5, TimeUnit.SECONDS), "the lane moves on");
        assertEquals(0, ranQueued.get());
        // the slot frees right after the task
        Wait.until(() -> lanes.running("h") == 0, Duration.ofSeconds(5), () -> lanes.running("h") + " still running");
    }

    @Test
    void aHeldSlotStaysTakenAfterItsThreadReturnsUntilItsReadIsReleased() throws Exception {
        HostLanes lanes = new HostLanes();
        lanes.settings = settings(2, 2);
        HostLanes.Lane lane = lanes.laneFor(URI.create("http://h/"), pool);
        List<Runnable> releases = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger started = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            lane.admit(new HostLanes.Held() {
                @Override
                public void start(Runnable release) {
                    started.incrementAndGet();
                    releases.add(release); // returns at once, like a read that now waits on the network
                }

                @Override
                public void rejected(java.util.concurrent.RejectedExecutionException e) {
                    throw new AssertionError(e);
                }
            });
        }
        Wait.until(() -> started.get() == 2, Duration.ofSeconds(5), () -> started.get() + " started");
        Thread.sleep(100); // the threads returned: a wrong lane would start the next ones now
        assertEquals(2, started.get(), "two reads waiting on the network hold both slots, threads or not");
        assertEquals(2, lanes.running("h"));
        assertEquals(3, lanes.waiting("h"));

        Runnable first = releases.get(0);
        first.run();
        first.run(); // a second release of one read must not free another slot
        Wait.until(() -> started.get() == 3, Duration.ofSeconds(5), () -> started.get() + " started");
        Thread.sleep(100);
        assertEquals(3, started.get(), "one release frees one slot");
        while (started.get() < 5 || releases.size() < 5) {
            for (Runnable r : List.copyOf(releases)) r.run();
            Thread.sleep(10);
        }
        for (Runnable r : List.copyOf(releases)) r.run();
        Wait.until(() -> lanes.running("h") == 0, Duration.ofSeconds(5), () -> lanes.running("h") + " still running");
        assertEquals(0, lanes.waiting("h"));
    }

    @Test
    void severalFeedsAskingToWaitPauseTheirHost() {
        HostPauses pauses = new HostPauses();
        pauses.settings = settings(2, 2);
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        pauses.retryAfter("h", "one", Duration.ofMinutes(5), now);
        assertTrue(pauses.pausedUntil("h", now).isEmpty(), "one feed is that feed's business");
        pauses.retryAfter("h", "two", Duration.ofMinutes(10), now);
        assertEquals(now.plus(Duration.ofMinutes(10)), pauses.pausedUntil("h", now).orElseThrow());
        assertTrue(pauses.pausedUntil("other", now).isEmpty());
        assertTrue(pauses.pausedUntil("h", now.plus(Duration.ofMinutes(11))).isEmpty(), "a pause ends");
        pauses.retryAfter("x", "one", Duration.ofDays(9), now);
        pauses.retryAfter("x", "two", Duration.ofDays(9), now);
        assertEquals(now.plus(Duration.ofHours(24)), pauses.pausedUntil("x", now).orElseThrow(), "capped");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
