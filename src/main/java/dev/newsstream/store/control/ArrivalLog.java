package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The last N articles in the order they arrived, numbered. Live streams read from it at their own
 * pace (each keeps a cursor), so one shared, bounded log replaces a queue per client; a client whose
 * cursor falls off the end has fallen too far behind. Also what makes {@code Last-Event-ID} work.
 */
final class ArrivalLog {

    private final int capacity;
    private final ArrayDeque<LoggedArticle> entries = new ArrayDeque<>();
    private long lastSequence;

    ArrivalLog(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    synchronized List<LoggedArticle> append(List<Article> articles) {
        List<LoggedArticle> logged = new ArrayList<>(articles.size());
        for (Article a : articles) {
            LoggedArticle entry = new LoggedArticle(++lastSequence, a);
            entries.addLast(entry);
            logged.add(entry);
            if (entries.size() > capacity) entries.removeFirst();
        }
        return logged;
    }

    /** Continues numbering after a restart (the database knows the last number). */
    synchronized void startAfter(long sequence) {
        if (sequence > lastSequence) lastSequence = sequence;
    }

    synchronized long lastSequence() {
        return lastSequence;
    }

    /** True if every article after {@code sequence} is still here (so a resume from it loses nothing). */
    synchronized boolean covers(long sequence) {
        if (sequence > lastSequence || sequence < 0) return false;
        long oldest = entries.isEmpty() ? lastSequence + 1 : entries.peekFirst().sequence();
        return sequence >= oldest - 1;
    }

    /**
     * Up to {@code max} matching articles after {@code sequence}, in arrival order, and how far the
     * scan got (so a cursor also skips the non-matching ones).
     */
    synchronized Page after(long sequence, int max, Predicate<Article> filter) {
        List<LoggedArticle> found = new ArrayList<>();
        long scanned = sequence;
        Iterator<LoggedArticle> it = entries.descendingIterator();
        ArrayDeque<LoggedArticle> newer = new ArrayDeque<>();
        while (it.hasNext()) {
            LoggedArticle e = it.next();
            if (e.sequence() <= sequence) break;
            newer.addFirst(e);
        }
        for (LoggedArticle e : newer) {
            if (found.size() >= max) break;
            scanned = e.sequence();
            if (filter.test(e.article())) found.add(e);
        }
        return new Page(found, scanned);
    }

    record Page(List<LoggedArticle> articles, long scannedUpTo) {
    }
}
