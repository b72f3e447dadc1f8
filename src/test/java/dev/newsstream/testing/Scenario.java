package dev.newsstream.testing;

import org.junit.jupiter.api.function.Executable;

/**
 * The steps of a scenario that truly is ordered (each step needs what the one before left), written as
 * one test method: {@code step("switching category closes the previous stream", this::switchCategory)}.
 * A failure names the step it happened in; the steps stay small private methods of the test class.
 */
public final class Scenario {

    private Scenario() {
    }

    /** Runs one step; an assertion that fails in it fails with the step's name in front. */
    public static void step(String name, Executable step) throws Throwable {
        try {
            step.execute();
        } catch (AssertionError e) {
            throw new AssertionError("step \"" + name + "\": " + e.getMessage(), e);
        }
    }
}
