package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The last N articles in the order they arrived, numbered. Live streams read from it at their own
 * pace (each keeps a cursor), so one shared, bounded log replaces a queue per client; a client whose
 * cursor falls off the end has fallen too far behind. Also what makes {@code Last-Event-ID} work.
 *
 * <p>The numbers are the articles' ids (see {@link ArrivalNumbering}, stored as the database ids): they
 * only grow, may have gaps, and go on across a restart (the log is warmed from the database's newest
 * articles and continues above every id reserved before). So the log knows a floor: every arrival
 * numbered above it is here, and a resume from any number in [floor, last] loses nothing.
 */
final class ArrivalLog {

    private static final Logger LOG = Logger.getLogger(ArrivalLog.class.getName());

    private final int capacity;
    private final ArrayDeque<LoggedArticle> entries = new ArrayDeque<>();
    private long lastSequence;
    private long floor;

    ArrivalLog(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /**
     * Starts from what the database holds: its newest arrivals (oldest first, at most the capacity),
     * the highest number it ever gave, and the floor (the highest number not among those entries).
     */
    synchronized void warm(List<LoggedArticle> oldestFirst, long lastSequence, long floor) {
        entries.clear();
        int skipped = Math.max(0, oldestFirst.size() - capacity);
        oldestFirst.stream().skip(skipped).forEach(entries::addLast);
        this.lastSequence = lastSequence;
        this.floor = skipped > 0 ? oldestFirst.get(skipped - 1).sequence() : Math.min(floor, lastSequence);
    }

    /** Adds articles as they were stored, in ascending number; returns those added. */
    synchronized List<LoggedArticle> append(List<LoggedArticle> arrived) {
        List<LoggedArticle> added = new ArrayList<>(arrived.size());
        for (LoggedArticle entry : arrived) {
            if (entry.sequence() <= lastSequence) {
                // cannot happen on one instance: numbering and applying happen under one lock
                LOG.warning("Arrival " + entry.sequence() + " is not after " + lastSequence + "; not logged");
                continue;
            }
            lastSequence = entry.sequence();
            entries.addLast(entry);
            added.add(entry);
            if (entries.size() > capacity) floor = entries.removeFirst().sequence();
        }
        return added;
    }

    /**
     * Ids up to {@code sequence} were handed out, though not all are here (an arrival the shelf did not
     * keep, a duplicate): a stream that is up to date is up to date with them.
     */
    synchronized void advanceTo(long sequence) {
        if (sequence > lastSequence) lastSequence = sequence;
    }

    /**
     * Takes a dropped source's articles out; returns how many. The floor stays: a resume from any number
     * in [floor, last] still gets every article that is left.
     */
    synchronized int removeSource(String source) {
        int before = entries.size();
        entries.removeIf(e -> source.equals(e.article().source()));
        return before - entries.size();
    }

    synchronized long lastSequence() {
        return lastSequence;
    }

    /** True if every article after {@code sequence} is still here (so a resume from it loses nothing). */
    synchronized boolean covers(long sequence) {
        return sequence >= floor && sequence <= lastSequence;
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
        boolean cut = false;
        for (LoggedArticle e : newer) {
            if (found.size() >= max) {
                cut = true;
                break;
            }
            scanned = e.sequence();
            if (filter.test(e.article())) found.add(e);
        }
        // numbers past the last entry (gaps, or articles of sources no longer configured) hold nothing to send
        if (!cut && sequence >= floor) scanned = Math.max(scanned, lastSequence);
        return new Page(found, scanned);
    }

    record Page(List<LoggedArticle> articles, long scannedUpTo) {
    }
}
