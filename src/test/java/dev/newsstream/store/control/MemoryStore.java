package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.store.entity.FetchRecord;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.SourceState;
import dev.newsstream.story.control.Stories;
import dev.newsstream.story.control.TestStories;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A real {@link ArticleStore} without a database, for unit tests of what reads it (streams): its shelves,
 * fetch states and arrival log are the real ones, and {@link #record} applies a fetch the way
 * {@code recordFetch} does on one instance (new articles numbered oldest first, then applied and
 * published through the real {@link FetchRecordApplier}); only the database write is left out.
 */
public final class MemoryStore {

    private final ArticleStore store = new ArticleStore();
    private final FetchRecordApplier applier = new FetchRecordApplier();
    private final Stories stories = TestStories.create();
    private long lastId;

    public MemoryStore(int logSize) {
        StorageSettings settings = new StorageSettings();
        settings.maxPerSource = 200;
        settings.logSize = logSize;
        FetchStates states = new FetchStates();
        ArticleShelves shelves = new ArticleShelves();
        shelves.settings = settings;
        shelves.states = states;
        Arrivals arrivals = new Arrivals();
        arrivals.settings = settings;
        arrivals.listeners = new NoListeners();
        arrivals.create();
        store.settings = settings;
        store.shelves = shelves;
        store.states = states;
        store.arrivals = arrivals;
        store.stories = stories;
        applier.shelves = shelves;
        applier.states = states;
        applier.arrivals = arrivals;
        applier.stories = stories;
    }

    public ArticleStore store() {
        return store;
    }

    public Stories stories() {
        return stories;
    }

    /** One successful fetch of {@code source}, checked at {@code checkedAt}; returns the arrivals it numbered. */
    public synchronized List<LoggedArticle> record(Source source, Instant checkedAt, Article... articles) {
        List<LoggedArticle> known = new ArrayList<>();
        List<Article> fresh = new ArrayList<>();
        for (Article a : articles) {
            long id = store.shelves.idOf(source.name(), a);
            if (id > 0) known.add(new LoggedArticle(id, a));
            else fresh.add(a);
        }
        fresh.sort(SourceShelf.NEWEST_FIRST.reversed());
        List<LoggedArticle> arrived = new ArrayList<>();
        for (Article a : fresh) arrived.add(new LoggedArticle(++lastId, a));
        int count = store.shelves.sizeOf(source.name()) + arrived.size();
        SourceStat stat = SourceStat.of(source, FeedStatus.SUCCESS, count, null, checkedAt, 0.1);
        applier.apply(new FetchRecord(source.name(), true, arrived, known, new SourceState(stat, 0, null, checkedAt),
                Map.of()));
        return arrived;
    }

    /** The container's {@code Instance} of arrival listener beans when there are none. */
    private static final class NoListeners implements Instance<ArrivalListener> {
        @Override public Iterator<ArrivalListener> iterator() { return Collections.emptyIterator(); }
        @Override public ArrivalListener get() { throw new UnsupportedOperationException("no listener bean"); }
        @Override public Instance<ArrivalListener> select(Annotation... qualifiers) { return this; }
        @Override public <U extends ArrivalListener> Instance<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
        @Override public <U extends ArrivalListener> Instance<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
        @Override public boolean isUnsatisfied() { return true; }
        @Override public boolean isAmbiguous() { return false; }
        @Override public void destroy(ArrivalListener instance) { }
        @Override public Handle<ArrivalListener> getHandle() { throw new UnsupportedOperationException(); }
        @Override public Iterable<? extends Handle<ArrivalListener>> handles() { return List.of(); }
    }
}
