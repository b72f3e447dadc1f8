package dev.newsstream.sources.control;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.ingest.control.FetchCoordinator;
import dev.newsstream.ingest.control.Politeness;
import dev.newsstream.store.control.ArticleStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Adding and removing sources at run time: the catalog stores the change (so it survives a restart);
 * a removed source's fetch in flight is cancelled for everyone waiting, and its articles are dropped
 * or kept as asked.
 */
@ApplicationScoped
public class SourceAdmin {

    /** What a removal did. */
    public record Removal(String source, boolean articlesDropped, boolean fetchCancelled) {
    }

    @Inject
    SourceCatalog catalog;

    @Inject
    FetchCoordinator coordinator;

    @Inject
    Politeness politeness;

    @Inject
    ArticleStore store;

    /** See {@link SourceCatalog#add}. */
    public void add(List<Source> sources) {
        catalog.add(sources);
        sources.forEach(s -> store.adopt(s.name()));
    }

    public Optional<Removal> remove(String name, boolean dropArticles) {
        Optional<Source> removed = catalog.remove(name, dropArticles);
        if (removed.isEmpty()) return Optional.empty();
        // after the catalog: a fetch that ends now finds its source gone and stores nothing
        boolean cancelled = coordinator.abort(name);
        politeness.forget(name);
        store.forget(name, dropArticles);
        return Optional.of(new Removal(name, dropArticles, cancelled));
    }
}
