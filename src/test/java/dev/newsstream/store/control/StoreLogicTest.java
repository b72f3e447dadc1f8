package dev.newsstream.store.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The store's pure logic: arrival numbering across a restart, paging without sorting everything, folded writes. */
class StoreLogicTest {

    static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

    static Article article(String source, String title, Instant published) {
        return new Article(title, "http://x/" + title, "d", published, source, "c", "US", null, source + "-" + title);
    }

    static LoggedArticle logged(long id) {
        return new LoggedArticle(id, article("S", "a" + id, T));
    }

    @Test
    void aWarmedLogResumesFromAnyNumberAboveItsFloorDespiteGapsAndContinuesAfterTheHighestId() {
        ArrivalLog log = new ArrivalLog(3);
        // the database's newest four ids are 5, 7, 8, 10 (gaps: rolled back or deleted); the log holds three
        log.warm(List.of(logged(7), logged(8), logged(10)), 10, 5);
        assertEquals(10, log.lastSequence());
        assertFalse(log.covers(4), "below the floor: 5 is not in the log");
        assertTrue(log.covers(5) && log.covers(6) && log.covers(9) && log.covers(10));
        assertFalse(log.covers(11), "a number never given");
        assertEquals(List.of(7L, 8L, 10L), log.after(5, 10, a -> true).articles().stream().map(LoggedArticle::sequence).toList());
        assertEquals(List.of(10L), log.after(8, 10, a -> true).articles().stream().map(LoggedArticle::sequence).toList());

        log.append(List.of(logged(12), logged(13)));
        assertEquals(13, log.lastSequence());
        assertFalse(log.covers(7), "7 and 8 fell off a log of three: the floor moved to 8");
        assertTrue(log.covers(8));
        assertEquals(List.of(10L, 12L, 13L), log.after(8, 10, a -> true).articles().stream().map(LoggedArticle::sequence).toList());
        log.append(List.of(logged(11))); // never happens with one writer; must not break the order
        assertEquals(13, log.lastSequence());
    }

    @Test
    void aDroppedSourceLeavesTheLogAndAResumeStillGetsEverythingElse() {
        ArrivalLog log = new ArrivalLog(10);
        log.warm(List.of(), 0, 0);
        log.append(List.of(new LoggedArticle(1, article("Keep", "k1", T)), new LoggedArticle(2, article("Drop", "d1", T)),
                new LoggedArticle(3, article("Keep", "k2", T))));
        assertEquals(1, log.removeSource("Drop"));
        assertEquals(List.of(1L, 3L), log.after(0, 10, a -> true).articles().stream().map(LoggedArticle::sequence).toList());
        assertTrue(log.covers(0) && log.covers(2), "the floor and the last number stay");
        assertEquals(3, log.lastSequence());
    }

    @Test
    void aRemovedSourcesKeptArticlesAreServedInTheirCategoryUntilRetentionEmptiesThem() {
        ArticleShelves shelves = new ArticleShelves();
        shelves.settings = new StorageSettings();
        shelves.settings.maxPerSource = 10;
        shelves.states = new FetchStates();
        shelves.merge("Kept", List.of(new LoggedArticle(1, article("Kept", "old", T.minusSeconds(7200))),
                new LoggedArticle(2, article("Kept", "new", T))));
        java.time.Duration fresh = java.time.Duration.ofMinutes(5);
        assertEquals(List.of(), shelves.snapshot(List.of(), null, fresh, 10).articles(),
                "a shelf of no source asked for and not retired is not in a snapshot");
        shelves.retire("Kept");
        assertEquals(List.of("new", "old"), shelves.snapshot(List.of(), null, fresh, 10).articles().stream()
                .map(Article::title).toList());
        assertEquals(2, shelves.snapshot(List.of(), "c", fresh, 10).totalArticles(), "their stored category is 'c'");
        assertEquals(0, shelves.snapshot(List.of(), "other", fresh, 10).totalArticles());
        assertFalse(shelves.snapshot(List.of(), null, fresh, 10).fresh(), "kept articles make no stream fresh");

        assertEquals(1, shelves.dropPublishedBefore(T.minusSeconds(3600)));
        assertEquals(List.of("new"), shelves.articlesOf("Kept").stream().map(Article::title).toList());
        assertEquals(1, shelves.dropPublishedBefore(T.plusSeconds(1)));
        assertEquals(0, shelves.sources(), "retention emptied the removed source's shelf: it is gone");
    }

    @Test
    void aDroppedSourcesWaitingWriteIsDiscardedAndItsRowsAreDeletedAfterTheWriteUnderWay() throws Exception {
        WriteQueue queue = new WriteQueue(10);
        queue.submit(SourceWrite.of("Drop", List.of(logged(1)), null, Map.of()));
        Object underWay = queue.take(); // the writer took this write before the drop
        queue.submit(SourceWrite.of("Drop", List.of(logged(2)), null, Map.of()));
        queue.submit(SourceWrite.of("Other", List.of(logged(3)), null, Map.of()));
        queue.purge("Drop");
        queue.done();
        assertTrue(underWay instanceof WriteQueue.Job);
        assertEquals(new WriteQueue.Purge("Drop"), queue.take(), "the purge comes before any other write");
        queue.done();
        assertEquals("Other", ((WriteQueue.Job) queue.take()).write.source(), "the dropped source's waiting write is gone");
        queue.done();
        assertTrue(queue.flush(java.time.Duration.ofMillis(10)));
    }

    @Test
    void anEmptyLogCoversOnlyItsLastNumber() {
        ArrivalLog log = new ArrivalLog(10);
        log.warm(List.of(), 0, 0);
        assertTrue(log.covers(0));
        assertFalse(log.covers(1));
        ArrivalLog afterRestart = new ArrivalLog(10);
        afterRestart.warm(List.of(), 42, 42); // every stored article is of a source no longer configured
        assertTrue(afterRestart.covers(42));
        assertFalse(afterRestart.covers(41));
        ArrivalLog.Page page = afterRestart.after(42, 10, a -> true);
        assertEquals(42, page.scannedUpTo());
    }

    @Test
    void aScanThatFindsNothingMatchingStillMovesTheCursorToTheEnd() {
        ArrivalLog log = new ArrivalLog(10);
        log.warm(List.of(logged(1), logged(2)), 5, 0);
        ArrivalLog.Page page = log.after(0, 10, a -> false);
        assertEquals(List.of(), page.articles());
        assertEquals(5, page.scannedUpTo(), "ids 3..5 hold nothing for this client either");
    }

    @Test
    void mergingSortedListsGivesExactlyWhatSortingEverythingGives() {
        Random random = new Random(7);
        List<List<Article>> lists = new ArrayList<>();
        List<Article> all = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            List<Article> shelf = new ArrayList<>();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) shelf.add(article("S" + s, "t" + random.nextInt(5), T.minusSeconds(random.nextInt(100))));
            shelf.sort(SourceShelf.NEWEST_FIRST);
            lists.add(shelf);
            all.addAll(shelf);
        }
        all.sort(SourceShelf.NEWEST_FIRST);
        for (int[] page : new int[][] {{0, 50}, {0, 1}, {7, 13}, {all.size() - 3, 50}, {all.size(), 5}, {0, Integer.MAX_VALUE}}) {
            List<Article> expected = all.subList(Math.min(page[0], all.size()),
                    (int) Math.min((long) page[0] + page[1], all.size()));
            List<Article> merged = ArticleShelves.newestFirst(lists, page[0], page[1]);
            assertEquals(expected.stream().map(Article::published).toList(), merged.stream().map(Article::published).toList());
            assertEquals(expected.stream().map(Article::title).toList(), merged.stream().map(Article::title).toList());
        }
        assertEquals(List.of(), ArticleShelves.newestFirst(List.of(), 0, 10));
    }

    @Test
    void laterWritesOfASourceFoldIntoTheWaitingOneNewestTextEarliestDateCapped() {
        Article first = article("S", "one", T);
        Article again = new Article("one, corrected", first.link(), "d2", T.plusSeconds(60), "S", "c", "US", null, first.key());
        SourceWrite waiting = SourceWrite.of("S", List.of(new LoggedArticle(1, first)), null,
                Map.of("http://a", new ConditionalHeaders("e1", null)));
        List<LoggedArticle> more = IntStream.rangeClosed(1, 5)
                .mapToObj(i -> new LoggedArticle(10 + i, article("S", "n" + i, T.plusSeconds(i)))).toList();
        List<LoggedArticle> later = new ArrayList<>(more);
        later.add(new LoggedArticle(1, again));
        SourceWrite folded = waiting.then(SourceWrite.of("S", later, null, Map.of("http://a", new ConditionalHeaders("e2", null))), 4);
        assertEquals(4, folded.size(), "capped at the newest max-per-source");
        assertTrue(folded.articles().stream().noneMatch(a -> a.article().title().startsWith("one")),
                "the oldest fell off the cap: " + folded.articles());
        SourceWrite roomy = waiting.then(SourceWrite.of("S", List.of(new LoggedArticle(1, again)), null, Map.of()), 10);
        assertEquals(1, roomy.size());
        assertEquals("one, corrected", roomy.articles().get(0).article().title(), "the newer text wins");
        assertEquals(T, roomy.articles().get(0).article().published(), "the earlier date stays");
        assertEquals(1, roomy.articles().get(0).sequence(), "the id it arrived with stays");
        assertEquals("e2", folded.validators().get("http://a").etag());
        assertNull(folded.state());
    }

    @Test
    void urlsInMessagesHideTheirPassword() {
        assertEquals("jdbc:postgresql://db/news?user=a&password=***&ssl=true",
                StorageSettings.mask("jdbc:postgresql://db/news?user=a&password=secret&ssl=true"));
        assertEquals("jdbc:postgresql://a:***@db/news", StorageSettings.mask("jdbc:postgresql://a:secret@db/news"));
        assertEquals("jdbc:h2:file:./data/newsstream;MODE=LEGACY", StorageSettings.mask("jdbc:h2:file:./data/newsstream;MODE=LEGACY"));
        assertEquals("refused (***)", NewsDatabase.reason(new RuntimeException("refused", new RuntimeException("s3cret")), "s3cret"));
    }
}
