package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.ingest.control.IngestSettings;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.CacheSnapshot;
import dev.newsstream.stream.entity.StreamEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a new stream is first told: the cache's snapshot of its category and the JSON of its
 * {@code initial} frame, made once per cache version and category and shared by every stream that
 * opens meanwhile. Serialising 200 articles per client on the request thread was what made 100
 * streams opened at once wait up to 0.4 s for their first frame; now they get the same bytes.
 *
 * <p>A view is rebuilt when the store's version moves (a fetch recorded, arrivals numbered) or after
 * {@link #MAX_AGE_NANOS}, so {@code cache_age_seconds} and the freshness decision are never more than
 * five seconds behind the clock. The {@code initial} frame therefore names no stream: the stream id is in
 * the {@code X-Stream-ID} header and in every other frame. Each stream stamps it with its own position
 * in the arrival log, so resume and live delivery are exactly as without the sharing.
 */
@ApplicationScoped
public class InitialFrames {

    static final long MAX_AGE_NANOS = 5_000_000_000L;

    /** One category's view: the snapshot, the frame's JSON (null when the cache has nothing), its event id. */
    public record View(CacheSnapshot snapshot, String json, long sequence, long version, long builtNanos) {
    }

    @Inject
    ArticleStore store;

    @Inject
    IngestSettings ingest;

    @Inject
    StreamSettings settings;

    @Inject
    ArticleFrames frames;

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong serialised = new AtomicLong();

    /** One lock per category: streams opening together wait for the one building the view, not build it too. */
    private static final class Slot {
        private View view;
    }

    public View view(String category, List<Source> sources) {
        // an unknown category has no sources and costs nothing to answer; not keeping it keeps the map
        // as small as the sources file, whatever categories clients make up
        if (sources.isEmpty()) return build(category, sources);
        Slot slot = slots.computeIfAbsent(category == null ? "" : category, c -> new Slot());
        synchronized (slot) {
            View current = slot.view;
            if (current == null || current.version() != store.version()
                    || System.nanoTime() - current.builtNanos() >= MAX_AGE_NANOS) {
                slot.view = build(category, sources);
            }
            return slot.view;
        }
    }

    private View build(String category, List<Source> sources) {
        long now = System.nanoTime();
        long version = store.version();
        // the event id is read before the snapshot: what it names is in the snapshot (or newer), so a
        // client resuming from it may see an article twice but never misses one
        long sequence = store.lastSequence();
        // with the articles kept of removed sources in this category (they are no source's any more)
        CacheSnapshot snapshot = store.snapshot(sources, category, ingest.freshFor(), settings.initialArticles());
        String json = null;
        if (!snapshot.articles().isEmpty()) {
            json = JsonFormat.toJson(new StreamEvent.Initial(frames.withStories(snapshot.articles()), snapshot.stats(),
                    snapshot.ageSeconds()));
            serialised.incrementAndGet();
        }
        return new View(snapshot, json, sequence, version, now);
    }

    /** How many {@code initial} frames were serialised since start (for /debug/streams): one per version, not per client. */
    public long serialised() {
        return serialised.get();
    }
}
