package dev.newsstream.store.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The write-behind's pure parts: the shelf decides what is new, the queue stays bounded, refusals are told apart. */
class WriteBehindTest {

    static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

    static Article article(String title, Instant published) {
        return new Article(title, "http://x/" + title, "d", published, "S", "c", "US", null, "S-" + title);
    }

    @Test
    void theShelfDecidesWhatIsNewAndAKnownArticleKeepsTheIdItArrivedWith() {
        SourceShelf shelf = new SourceShelf();
        List<LoggedArticle> added = shelf.merge(List.of(new LoggedArticle(5, article("a", T)),
                new LoggedArticle(4, article("b", T.minusSeconds(1)))), 10);
        assertEquals(List.of(4L, 5L), added.stream().map(LoggedArticle::sequence).toList(), "ascending id");
        assertEquals(5, shelf.idOf(article("a", T)));
        assertEquals(0, shelf.idOf(article("c", T)));
        List<LoggedArticle> again = shelf.merge(List.of(new LoggedArticle(9, article("a", T.plusSeconds(5)))), 10);
        assertEquals(List.of(), again, "numbered as new elsewhere, but known here: no arrival");
        assertEquals(5, shelf.idOf(article("a", T)), "keeps its first id");
        assertEquals(T, shelf.articles().get(0).published(), "and its earlier date");
    }

    @Test
    void theQueueHoldsOneWritePerSourceAndKnowsTheAgeOfTheOldestChange() throws Exception {
        WriteQueue queue = new WriteQueue(3);
        assertNull(queue.oldest());
        SourceWrite first = new SourceWrite("S", List.of(new LoggedArticle(1, article("a", T))), null, Map.of(),
                Instant.now().minusSeconds(30));
        queue.submit(first);
        for (int i = 0; i < 10; i++) {
            queue.submit(SourceWrite.of("S", List.of(new LoggedArticle(10 + i, article("n" + i, T.plusSeconds(i)))),
                    null, Map.of()));
        }
        queue.submit(SourceWrite.of("R", List.of(), null, Map.of()));
        assertEquals(2, queue.depth(), "one write per source, whatever the number of fetches");
        assertEquals(3 + 0, queue.articles(), "capped at max-per-source");
        assertEquals(first.createdAt(), queue.oldest(), "a folded write keeps the age of its oldest change");
        Object taken = queue.take();
        assertTrue(taken instanceof WriteQueue.Job job && job.write.source().equals("S"));
        assertEquals(2, queue.depth(), "the write being written still counts");
        queue.done();
        assertEquals(1, queue.depth());
        queue.requestRetention();
        assertSame(WriteQueue.RETENTION, queue.take(), "retention goes between two writes");
        queue.done();
        queue.pause();
        assertFalse(queue.flush(Duration.ofMillis(10)), "paused: the write waits");
        assertEquals(1, queue.stop());
        assertNull(queue.take(), "stopped: the writer ends");
    }

    @Test
    void refusalsOfTheDataAreToldApartFromAnAbsentDatabase() {
        RuntimeException tooLong = new RuntimeException("rollback",
                new RuntimeException("wrapped", new SQLException("value too long", "22001")));
        RuntimeException check = new RuntimeException(new SQLException("violates check constraint", "23514"));
        RuntimeException refused = new RuntimeException(new SQLException("Connection refused", "08001"));
        RuntimeException timeout = new RuntimeException(new SQLException("canceling statement", "57014"));
        assertTrue(DatabaseErrors.isDataError(tooLong));
        assertTrue(DatabaseErrors.isDataError(check));
        assertFalse(DatabaseErrors.isDataError(refused));
        assertFalse(DatabaseErrors.isDataError(timeout));
        assertFalse(DatabaseErrors.isDataError(new IllegalStateException("no SQL at all")));
        assertNotNull(DatabaseErrors.class);
    }
}
