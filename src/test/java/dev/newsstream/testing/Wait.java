package dev.newsstream.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling for a condition with a generous deadline: a correctness bound, not a performance target. Tests
 * wait for what they need to be true, never for the clock.
 */
public final class Wait {

    private static final Duration POLL = Duration.ofMillis(50);

    private Wait() {
    }

    /** True as soon as the condition holds; false if it still does not at the deadline. */
    public static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(POLL.toMillis());
        }
        return condition.getAsBoolean();
    }

    /** Waits for the condition, or fails the test with what is still wrong (evaluated only on failure). */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> whatIsWrong)
            throws InterruptedException {
        if (!waitFor(condition, timeout)) throw new AssertionError("after " + timeout.toMillis() + " ms: " + whatIsWrong.get());
    }
}
