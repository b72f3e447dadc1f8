package dev.newsstream.ingest.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.SourceState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records each fetch once: articles, validators and back-off state into the store, and what its waiters get. */
@ApplicationScoped
public class FetchRecorder {

    @Inject
    ArticleStore store;

    @Inject
    IngestSettings settings;

    @Inject
    Politeness politeness;

    @Inject
    SourceCatalog catalog;

    /**
     * Writes a fetch into the store (articles, validators, back-off state: one record, stored in one
     * transaction) and says what waiters get.
     */
    SourceResult record(SourceFetch fetch) {
        Source source = fetch.source();
        if (catalog.byName(source.name()).isEmpty()) { // removed while it was fetched: store nothing of it
            return new SourceResult(source, List.of(), fetch.stat());
        }
        Map<URI, ConditionalHeaders> validators = new LinkedHashMap<>();
        for (UrlReport url : fetch.urls()) {
            if (url.failureReason() == null && (url.etag() != null || url.lastModified() != null)) {
                // under the configured URL, which is what the next fetch looks up, redirect or not
                validators.put(URI.create(url.configuredUrl()), new ConditionalHeaders(url.etag(), url.lastModified()));
            }
        }
        SourceState previous = store.state(source);
        Instant now = Instant.now();
        Instant next = politeness.fetched(fetch, now);
        if (fetch.failed()) {
            int failures = previous.consecutiveFailures() + 1;
            Instant retry = now.plus(settings.backoff(failures, fetch.retryAfter()));
            store.recordFetch(source, null, validators,
                    count -> new SourceState(fetch.stat(), failures, retry, previous.lastSuccessAt()));
            return new SourceResult(source, List.of(), fetch.stat());
        }
        List<Article> cached = store.recordFetch(source, fetch.articles(), validators,
                count -> new SourceState(withCount(fetch.stat(), count), 0, next, now));
        return new SourceResult(source, cached, withCount(fetch.stat(), cached.size()));
    }

    private static SourceStat withCount(SourceStat s, int count) {
        return new SourceStat(s.name(), s.url(), s.category(), s.country(), s.fundingType(), s.biasRating(), count,
                s.status(), s.errorMessage(), s.lastChecked(), s.processingTimeSeconds());
    }

}
