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
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a new stream is first told: the cache's snapshot of its category and the JSON of its
 * {@code initial} frame, made once per cache version and category and shared by every stream that
 * opens meanwhile. Serialising 200 articles per client on the request thread was what made 100
 * streams opened at once wait up to 0.4 s for their first frame; now they get the same bytes.
 *
 * <p>A view is rebuilt when the store's version moves (a fetch recorded, arrivals numbered) or after
 * {@link #MAX_AGE_NANOS}, so {@code cache_age_seconds} and the freshness decision are never more than
 * five seconds behind the clock. A request thread never waits for another's rebuild when the view it would
 * get already holds every arrival up to its stream's own position: with fetches recorded many times a
 * second (min-interval 0, thousands of streams) the version moves constantly, and every new stream
 * rebuilding under the category's lock in turn held every HTTP thread for up to 12 s, {@code /health}
 * included. Only a view older than the stream's position is waited for, and one build serves every stream
 * that waited for it. The {@code initial} frame therefore names no stream: the stream id is in
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

    /** One builder per category at a time; the others take the view they can use, or wait for one they can. */
    private static final class Slot {
        private final ReentrantLock building = new ReentrantLock();
        private volatile View view;
    }

    /** The view for a stream whose position in the arrival log is {@code position} (every arrival up to it must be in it). */
    public View view(String category, List<Source> sources, long position) {
        // an unknown category has no sources and costs nothing to answer; not keeping it keeps the map
        // as small as the sources file, whatever categories clients make up
        if (sources.isEmpty()) return build(category, sources);
        Slot slot = slots.computeIfAbsent(category == null ? "" : category, c -> new Slot());
        View seen = slot.view;
        boolean usable = usable(seen, position);
        if (usable && seen.version() == store.version()) return seen;
        if (usable) {
            if (!slot.building.tryLock()) return seen; // being rebuilt: this one already holds the stream's arrivals
        } else {
            slot.building.lock();
        }
        try {
            View current = slot.view;
            // a view built while this thread waited serves it, whatever the version did meanwhile
            if (!usable(current, position) || current == seen && current.version() != store.version()) {
                current = build(category, sources);
                slot.view = current;
            }
            return current;
        } finally {
            slot.building.unlock();
        }
    }

    /** Holds every arrival up to {@code position} and is young enough for its age and freshness to be told. */
    private static boolean usable(View view, long position) {
        return view != null && view.sequence() >= position && System.nanoTime() - view.builtNanos() < MAX_AGE_NANOS;
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
