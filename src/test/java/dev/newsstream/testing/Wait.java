package dev.newsstream.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for a condition with a generous bound: a correctness bound, not a performance target. */
public final class Wait {
    private Wait() {
    }

    public static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
