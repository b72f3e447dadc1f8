package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostLanesTest {

    final ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(8);

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
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(12);
        ExecutorService a = lanes.laneFor(URI.create("http://A.example/x"), pool);
        ExecutorService b = lanes.laneFor(URI.create("http://b.example/y"), pool);
        for (int i = 0; i < 10; i++) {
            a.submit(() -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    gate.await(); // work that lasts until the test lets it end: the lane's tasks overlap if it lets them
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                done.countDown();
            });
        }
        for (int i = 0; i < 2; i++) b.submit(() -> { otherHost.incrementAndGet(); done.countDown(); });
        Wait.until(() -> running.get() == 2 && otherHost.get() == 2 && quiet(running.get()), Duration.ofSeconds(10),
                () -> running.get() + " running on a, " + otherHost.get() + " ran on b");
        assertEquals(2, running.get(), "two of a's tasks hold its slots, the pool has threads for more");
        assertEquals(8, lanes.waiting("a.example"));
        assertEquals(2, lanes.running("a.example"));
        gate.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(2, peak.get());
        assertEquals(lanes.laneFor(URI.create("http://a.example:8080/z"), pool), a, "ports do not make another host");
        assertEquals("lane a.example", a.toString());
        assertFalse(a.isShutdown());
        a.shutdown();
        assertEquals(List.of(), a.shutdownNow());
        assertFalse(a.isShutdown(), "a lane is a view: the pool's life is the container's");
        assertFalse(a.isTerminated());
        assertFalse(a.awaitTermination(1, TimeUnit.MILLISECONDS));
        assertFalse(pool.isShutdown());
    }

    /** Every task handed to the pool has ended (running ones blocked on a gate count as not ended). */
    private boolean quiet(int blocked) {
        return pool.getQueue().isEmpty() && pool.getActiveCount() == blocked;
    }

    @Test
    void aQueuedTaskThePoolRefusesWhenItsTurnComesIsCancelledAndTheLaneMovesOn() throws Exception {
        HostLanes lanes = new HostLanes();
        lanes.settings = settings(1, 2);
        java.util.concurrent.atomic.AtomicBoolean refusing = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.Executor refusable = task -> {
            if (refusing.get()) throw new java.util.concurrent.RejectedExecutionException("queue full");
            pool.execute(task);
        };
        ExecutorService lane = lanes.laneFor(URI.create("http://h/"), new java.util.concurrent.AbstractExecutorService() {
            @Override public void execute(Runnable task) { refusable.execute(task); }
            @Override public void shutdown() { }
            @Override public List<Runnable> shutdownNow() { return List.of(); }
            @Override public boolean isShutdown() { return false; }
            @Override public boolean isTerminated() { return false; }
            @Override public boolean awaitTermination(long t, TimeUnit u) { return false; }
        });
        CountDownLatch gate = new CountDownLatch(1);
        Future<?> first = lane.submit(() -> {
            gate.await();
            return null;
        });
        Future<?> second = lane.submit(() -> { });
        assertEquals(1, lanes.waiting("h"));
        refusing.set(true);
        gate.countDown();
        first.get(10, TimeUnit.SECONDS);
        Wait.until(second::isDone, Duration.ofSeconds(5), () -> "the refused task never heard of it");
        assertTrue(second.isCancelled());
        Wait.until(() -> lanes.running("h") == 0, Duration.ofSeconds(5), () -> lanes.running("h") + " still running");
        assertEquals(0, lanes.waiting("h"));
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> lane.submit(() -> { }));
        assertEquals(0, lanes.running("h"), "a start refused at once gives its slot back");
        assertEquals(0, lanes.running("nobody"));
        assertEquals(0, lanes.waiting("nobody"));
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
        Wait.until(() -> started.get() == 2 && pool.getActiveCount() == 0 && pool.getQueue().isEmpty(),
                Duration.ofSeconds(5), () -> started.get() + " started"); // the threads returned: a wrong lane starts more
        assertEquals(2, started.get(), "two reads waiting on the network hold both slots, threads or not");
        assertEquals(2, lanes.running("h"));
        assertEquals(3, lanes.waiting("h"));

        Runnable first = releases.get(0);
        first.run();
        first.run(); // a second release of one read must not free another slot
        Wait.until(() -> started.get() == 3 && pool.getActiveCount() == 0 && pool.getQueue().isEmpty(),
                Duration.ofSeconds(5), () -> started.get() + " started");
        assertEquals(3, started.get(), "one release frees one slot");
        Wait.until(() -> {
            for (Runnable r : List.copyOf(releases)) r.run();
            return started.get() == 5 && releases.size() == 5;
        }, Duration.ofSeconds(5), () -> started.get() + " started");
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

}
