package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Wait;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The writer threads as the streams use them: a fixed number of threads from the factory handed over, all
 * made at start, a bounded queue that rejects rather than waits, and a stop that does not wait for a
 * writer stuck on a client.
 */
class StreamWritersTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final List<Thread> made = new CopyOnWriteArrayList<>();
    private final ThreadFactory factory = task -> {
        Thread t = Executors.defaultThreadFactory().newThread(task);
        made.add(t);
        return t;
    };
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final StreamWriters writers = new StreamWriters();

    private void start(int threads, int queue) {
        StreamSettings settings = new StreamSettings();
        settings.writerThreads = threads;
        settings.writerQueue = queue;
        writers.settings = settings;
        writers.metrics = metrics;
        writers.start(factory);
    }

    @AfterEach
    void stop() {
        gate.countDown();
        writers.stop();
    }

    /** Occupies one writer until the gate opens; counts down {@code started} once it runs. */
    private Runnable blocked(CountDownLatch started) {
        return () -> {
            started.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void everyWriterThreadIsMadeAtStartFromTheGivenFactory() {
        start(3, 1000);
        assertEquals(3, made.size(), "made at deployment, where the container's factory can be used");
        assertTrue(made.stream().allMatch(Thread::isAlive));
    }

    @Test
    void noConfiguredThreadsStillMeansOneWriter() throws InterruptedException {
        start(0, 1000);
        CountDownLatch ran = new CountDownLatch(1);
        writers.execute(ran::countDown);
        assertTrue(ran.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the task never ran");
        assertEquals(1, made.size());
    }

    @Test
    void busyWritersQueueTasksUpToTheBoundAndRejectBeyondIt() throws InterruptedException {
        start(2, 10); // a queue below 1000 is raised to 1000: a burst of one frame per client must fit
        CountDownLatch started = new CountDownLatch(2);
        writers.execute(blocked(started));
        writers.execute(blocked(started));
        assertTrue(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the writers never started");
        assertEquals(2, writers.busy());

        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 1000; i++) writers.execute(ran::incrementAndGet);
        assertEquals(1000, writers.queued());
        assertEquals(1000, metrics.gauge("newsstream_stream_writer_queue"), "the gauge shows the same queue");
        assertThrows(RejectedExecutionException.class, () -> writers.execute(ran::incrementAndGet),
                "a full queue rejects at once; nothing waits");

        gate.countDown();
        Wait.until(() -> ran.get() == 1000 && writers.queued() == 0, PATIENCE,
                () -> ran.get() + " ran, " + writers.queued() + " queued");
        assertEquals(0, metrics.gauge("newsstream_stream_writer_queue"));
    }

    @Test
    void stopDoesNotWaitForAWriterStuckOnAClient() throws InterruptedException {
        start(1, 1000);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        writers.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // a write that never finishes
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        assertTrue(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the writer never started");
        writers.stop();
        Wait.until(() -> interrupted.get() == 1, PATIENCE, () -> "the stuck writer was never interrupted");
        Wait.until(() -> made.stream().noneMatch(Thread::isAlive), PATIENCE, () -> "writer threads still alive: " + made);
        assertThrows(RejectedExecutionException.class, () -> writers.execute(() -> { }), "a stopped pool takes nothing");
    }
}
