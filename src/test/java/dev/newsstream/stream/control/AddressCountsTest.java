package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AddressCountsTest {

    final AddressCounts cut = new AddressCounts();

    @Test
    void anAddressGetsUpToItsShareAndAFreedSlotIsFreeAgain() {
        for (int i = 0; i < 3; i++) assertTrue(cut.tryAcquire("10.0.0.1", 3));
        assertFalse(cut.tryAcquire("10.0.0.1", 3));
        assertTrue(cut.tryAcquire("10.0.0.2", 3), "another address is not affected");
        cut.release("10.0.0.1");
        assertTrue(cut.tryAcquire("10.0.0.1", 3));
    }

    @Test
    void addressesWithoutStreamsLeaveNoEntry() {
        cut.tryAcquire("10.0.0.1", 3);
        cut.tryAcquire("10.0.0.1", 3);
        cut.release("10.0.0.1");
        cut.release("10.0.0.1");
        assertEquals(0, cut.addresses());
        assertEquals(0, cut.of("10.0.0.1"));
    }

    @Test
    void concurrentOpensNeverExceedTheCap() throws Exception {
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 1000; i++) pool.execute(() -> {
            if (cut.tryAcquire("10.0.0.9", 50)) admitted.incrementAndGet();
        });
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(50, admitted.get());
        assertEquals(50, cut.of("10.0.0.9"));
    }
}
