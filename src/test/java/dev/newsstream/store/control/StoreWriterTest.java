package dev.newsstream.store.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import java.sql.SQLException;
import dev.newsstream.testing.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The writer against statements that misbehave on purpose (no database: a subclass of the statements
 * whose write throws what a database or the JVM could): it survives anything, and skips only the
 * rows the database refuses.
 */
class StoreWriterTest {

    static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

    static LoggedArticle article(long id, String title) {
        return new LoggedArticle(id, new Article(title, "http://x/" + title, "d", T.plusSeconds(id), "S", "c", "US",
                null, "S-" + title));
    }

    @Test
    void theWriterSurvivesAnyThrowableAndSkipsOnlyTheRowsTheDatabaseRefuses() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> written = new CopyOnWriteArrayList<>();
        SourceWriteStatements statements = new SourceWriteStatements() {
            @Override
            Written write(SourceWrite write) {
                if (calls.incrementAndGet() == 1) throw new StackOverflowError("thrown on purpose");
                if (write.articles().stream().anyMatch(a -> a.article().title().equals("too long"))) {
                    throw new IllegalStateException("rollback", new SQLException("value too long for type", "22001"));
                }
                write.articles().forEach(a -> written.add(write.source() + ":" + a.article().title()));
                return new Written(write.size(), 0);
            }
        };
        WriteQueue queue = new WriteQueue(10);
        StoreWriter writer = new StoreWriter(queue, statements, () -> { }, () -> { }, "");
        writer.start(Thread::new);
        try {
            queue.submit(SourceWrite.of("A", List.of(article(1, "first")), null, Map.of()));
            assertTrue(until(() -> queue.paused() && queue.depth() == 1), "the write waits after the Error");
            writer.check(); // what the scheduler does every retry-interval
            assertTrue(until(() -> written.contains("A:first")), "written after the Error: " + written);
            queue.submit(SourceWrite.of("B", List.of(article(2, "fine"), article(3, "too long"), article(4, "also fine")),
                    null, Map.of()));
            assertTrue(until(() -> written.contains("B:also fine")), () -> "the rest of the source: " + written);
            assertTrue(until(() -> queue.depth() == 0));
            assertEquals(List.of("A:first", "B:fine", "B:also fine"), written);
            assertEquals(1, writer.refused());
            assertTrue(writer.refusals().get(0).what().contains("too long"), writer.refusals().toString());
            assertTrue(writer.refusals().get(0).reason().contains("value too long"), writer.refusals().toString());
            assertTrue(writer.health().up(), "a refusal is no outage");
            assertNull(writer.stopped(), "the writer still runs");
        } finally {
            writer.stop(Duration.ofSeconds(2));
        }
    }

    static boolean until(BooleanSupplier condition) throws InterruptedException {
        return Wait.waitFor(condition, Duration.ofSeconds(10));
    }
}
