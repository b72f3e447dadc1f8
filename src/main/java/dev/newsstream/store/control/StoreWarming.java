package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.StoredSourceState;
import dev.newsstream.store.entity.StoredValidator;
import dev.newsstream.story.control.Stories;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Start-up only: memory from the database (each configured source's newest articles with their ids,
 * its fetch state, its URLs' validators, and the newest arrivals for {@code Last-Event-ID}), and the
 * articles kept of sources removed at run time with {@code articles=keep}.
 */
@ApplicationScoped
public class StoreWarming {

    @Inject
    StorageSettings settings;

    @Inject
    ArticleRepository repository;

    @Inject
    SourceCatalog catalog;

    @Inject
    ArticleShelves shelves;

    @Inject
    FetchStates states;

    @Inject
    Arrivals arrivals;

    @Inject
    Stories stories;

    /** Warms memory; {@code lastId} is the highest id any earlier life may have handed out. */
    void warm(long lastId) {
        Instant cutoff = Instant.now().minus(settings.retention());
        Map<String, Source> configured = new LinkedHashMap<>();
        catalog.all().forEach(s -> configured.put(s.name(), s));
        for (StoredSourceState row : repository.states()) {
            Source source = configured.get(row.sourceName());
            if (source != null) states.warmState(source.name(), row.toState(source));
        }
        for (StoredValidator row : repository.validators()) {
            states.warmValidator(URI.create(row.url()), new ConditionalHeaders(row.etag(), row.lastModified()));
        }
        List<LoggedArticle> warmed = new ArrayList<>();
        for (Source source : configured.values()) {
            List<LoggedArticle> newest = repository.newestOf(source.name(), cutoff, settings.maxPerSource());
            shelves.load(source.name(), newest);
            warmed.addAll(newest);
        }
        // a source an operator removed with articles=keep: what was kept is served as before the restart, under
        // the name and category it was stored with, never fetched again, until retention takes it (a removal
        // with articles=drop deleted the rows, so nothing comes back; a source only taken out of the sources
        // file is not warmed: its rows wait in the database for retention)
        Set<String> served = new HashSet<>(configured.keySet());
        for (String name : new TreeSet<>(catalog.removedAtRunTime())) {
            List<LoggedArticle> kept = repository.newestOf(name, cutoff, settings.maxPerSource());
            if (kept.isEmpty()) continue;
            shelves.load(name, kept);
            shelves.retire(name);
            served.add(name);
            warmed.addAll(kept);
        }
        // stories grouped again in arrival order, as they were first grouped: the same articles get the same ids
        warmed.sort(java.util.Comparator.comparingLong(LoggedArticle::sequence));
        stories.rebuild(warmed.stream().map(LoggedArticle::article).toList());
        int logSize = settings.logSize();
        List<LoggedArticle> newestFirst = repository.newestArrivals(logSize + 1);
        long last = Math.max(lastId, newestFirst.isEmpty() ? 0 : newestFirst.get(0).sequence());
        long floor = newestFirst.size() > logSize ? newestFirst.get(logSize).sequence() : 0;
        List<LoggedArticle> kept = new ArrayList<>(newestFirst.subList(0, Math.min(logSize, newestFirst.size())));
        // arrivals of sources no longer served, or past the age limit, are not replayed
        kept.removeIf(a -> !served.contains(a.article().source()) || a.article().published().isBefore(cutoff));
        Collections.reverse(kept);
        arrivals.warm(kept, last, floor);
        shelves.warmedLastUpdated(states.all().stream().map(s -> s.stat().lastChecked()).filter(t -> t != null)
                .max(Instant::compareTo).orElse(null));
    }
}
