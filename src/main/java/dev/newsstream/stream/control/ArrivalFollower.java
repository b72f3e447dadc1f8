package dev.newsstream.stream.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.LoggedArticle;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * One stream's place in the store's arrival log. Its promise: the client gets every article of its
 * categories that arrived after the stream opened (or after the id it resumed from) exactly once, in
 * arrival order and at its own pace: the writer asks for more whenever the outbox runs low, so a burst or
 * a resume's backlog never overflows a healthy client. Articles a {@code source_complete} frame already
 * carried are skipped when the log brings them.
 */
final class ArrivalFollower {

    private static final int PAGE = 32;

    private final ArticleStore store;
    private final SseChannel channel;
    private final ArticleFrames frames;
    private final Predicate<Article> inCategory;
    private final long openedAt;              // the last arrival when this stream opened: it gets everything after it
    private final Object lock = new Object();
    private final Set<String> carried = ConcurrentHashMap.newKeySet(); // sent in source_complete
    private volatile long cursor;             // every matching arrival up to here was sent (or carried) to this client
    private volatile boolean following;       // articles flow from the log ...
    private volatile long limit;              // ... up to this arrival (a resume's replay) or without end (live)
    private volatile long carriedUpTo;        // after this arrival no carried article can come from the log any more
    private Runnable afterCatchUp;            // what follows once the replay reached its limit (guarded by lock)

    ArrivalFollower(ArticleStore store, SseChannel channel, ArticleFrames frames, Predicate<Article> inCategory) {
        this.store = store;
        this.channel = channel;
        this.frames = frames;
        this.inCategory = inCategory;
        this.cursor = store.lastSequence();
        this.openedAt = cursor;
    }

    /**
     * The id frames are stamped with: every matching article that arrived up to it was sent to this client
     * (in {@code initial} or as {@code article} frames), so a resume from any id it saw loses nothing.
     */
    long position() {
        return cursor;
    }

    boolean following() {
        return following;
    }

    /**
     * Replays every matching article after {@code lastSequence} up to the arrivals of the moment the stream
     * opened, then runs {@code next}.
     */
    void replayFrom(long lastSequence, Runnable next) {
        synchronized (lock) {
            cursor = Math.min(lastSequence, openedAt);
            limit = openedAt;
            afterCatchUp = next;
            following = true;
        }
        pump();
    }

    /** Remembers articles a {@code source_complete} frame carried, so the log does not bring them again. */
    void carried(List<Article> articles) {
        articles.forEach(a -> carried.add(key(a)));
    }

    /** From now on every arrival follows, without end. */
    void followLive() {
        synchronized (lock) {
            carriedUpTo = store.lastSequence();
            limit = Long.MAX_VALUE;
            following = true;
        }
        pump();
    }

    void stop() {
        following = false;
    }

    /** Moves arrivals into the outbox while the client keeps up; called by the fan-out and by the writer. */
    void pump() {
        if (!following || channel.isClosed()) return;
        Runnable next = null;
        synchronized (lock) {
            if (!following) return;
            while (channel.wantsMore(PAGE)) {
                long until = limit;
                if (cursor >= until || cursor >= store.lastSequence()) break;
                ArticleStore.ArrivalPage page = store.arrivedAfter(cursor, PAGE, inCategory);
                if (page == null) {
                    channel.close("client too slow: fell more than the live log behind");
                    return;
                }
                for (LoggedArticle arrived : page.articles()) {
                    if (arrived.sequence() > until) break;
                    if (carried.isEmpty() || !carried.remove(key(arrived.article()))) {
                        channel.sendJson("article", arrived.sequence(), frames.json(arrived));
                    }
                }
                long reached = Math.min(page.cursor(), until);
                if (reached <= cursor) break;
                cursor = reached;
                if (!carried.isEmpty() && cursor >= carriedUpTo) carried.clear();
            }
            if (afterCatchUp != null && cursor >= limit) {
                next = afterCatchUp;
                afterCatchUp = null;
                following = false;
            }
        }
        if (next != null) next.run();
    }

    private static String key(Article article) {
        return article.source() + '\n' + article.key();
    }
}
