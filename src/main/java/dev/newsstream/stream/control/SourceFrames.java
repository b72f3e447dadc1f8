package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.stream.entity.Progress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JSON of {@code source_complete} frames, its costly part made once per fetch result rather than
 * once per waiting stream. A shared fetch hands every stream that waited for it the same
 * {@link SourceResult}; its source, first articles and stat are serialised the first time a stream
 * reports it, and each stream only adds its own id, progress and timestamp around those bytes. Streams
 * that came after the fetch and were answered from the cache share one serialisation as well.
 * With 100 streams over the same 100 sources that is 100 serialisations of the articles, not 10,000.
 */
@ApplicationScoped
public class SourceFrames {

    /** Results remembered: every waiter of a flight reports it within moments, so a few hundred suffice. */
    static final int KEEP = 512;

    /** What is the same for every stream: the fields after the stream's own. */
    public record Shared(String source, List<Article> articles, SourceStat sourceStat, Deferral deferred) {
    }

    /** What each stream adds: the fields before the shared ones. */
    public record Own(String status, String streamId, Progress progress, Instant timestamp) {
    }

    @Inject
    StreamSettings settings;

    @Inject
    ArticleFrames frames;

    private final Map<Identity, String> shared = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Identity> order = new ConcurrentLinkedQueue<>();
    private final AtomicLong serialised = new AtomicLong();

    /** The whole {@code source_complete} JSON of this result for one stream. */
    public String json(String streamId, SourceResult result, Progress progress) {
        String own = JsonFormat.toJson(new Own("source_complete", streamId, progress, Instant.now()));
        String common = sharedJson(result);
        // {"status":…,"progress":{…}} + {"source":…} → {"status":…,"progress":{…},"source":…}
        return own.substring(0, own.length() - 1) + "," + common.substring(1);
    }

    private String sharedJson(SourceResult result) {
        Identity key = new Identity(result);
        String json = shared.get(key);
        if (json != null) return json;
        json = JsonFormat.toJson(new Shared(result.source().name(), frames.withStories(carried(result)),
                result.stat(), result.deferred()));
        serialised.incrementAndGet();
        if (shared.putIfAbsent(key, json) == null) {
            order.add(key);
            while (shared.size() > KEEP) {
                Identity oldest = order.poll();
                if (oldest == null) break;
                shared.remove(oldest);
            }
        }
        return json;
    }

    /** The articles a {@code source_complete} frame of this result carries: its newest few. */
    public List<Article> carried(SourceResult result) {
        List<Article> articles = result.articles();
        return articles.subList(0, Math.min(settings.articlesPerEvent(), articles.size()));
    }

    /** How many results were serialised since start (for /debug/streams): once per result, not per stream. */
    public long serialised() {
        return serialised.get();
    }

    /**
     * A result by the identity of what it carries: the shelf's (immutable) article list and the stat (and
     * its deferral, by value: a source answered from its last outcome carries the same list and stat). A
     * flight hands all its waiters one result; a source answered from the cache within min-interval is a
     * new result each time, but over the same list and stat, so it is serialised once too. Comparing 200
     * articles by value would cost more than serialising them.
     */
    private static final class Identity {
        private final String source;
        private final List<Article> articles;
        private final SourceStat stat;
        private final Deferral deferred;

        Identity(SourceResult result) {
            this.source = result.source().name();
            this.articles = result.articles();
            this.stat = result.stat();
            this.deferred = result.deferred();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Identity i && i.articles == articles && i.stat == stat && i.source.equals(source)
                    && java.util.Objects.equals(i.deferred, deferred);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(articles) + System.identityHashCode(stat);
        }
    }
}
