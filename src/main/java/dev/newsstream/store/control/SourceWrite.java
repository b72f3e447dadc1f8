package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.store.entity.FetchRecord;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.SourceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one fetch of one source changes in the database, written in one transaction: its articles
 * (inserted with the id memory gave them, or updated by source and key), its fetch state and its URLs'
 * validators. Later writes of the same source are folded into the waiting one, so at most one write
 * per source waits and none holds more than {@code maxArticles} articles; {@code createdAt} stays the
 * oldest, which is how old the oldest waiting change is.
 */
record SourceWrite(String source, List<LoggedArticle> articles, SourceState state,
                   Map<String, ConditionalHeaders> validators, Instant createdAt) {

    SourceWrite {
        articles = List.copyOf(articles);
        validators = Map.copyOf(validators);
    }

    static SourceWrite of(String source, List<LoggedArticle> articles, SourceState state,
                          Map<String, ConditionalHeaders> validators) {
        return new SourceWrite(source, articles, state, validators, Instant.now());
    }

    /** What the fetching instance writes of an applied record. */
    static SourceWrite of(FetchRecord record) {
        List<LoggedArticle> all = new ArrayList<>(record.known());
        all.addAll(record.arrivals());
        return of(record.source(), all, record.state(), record.validators());
    }

    /** This write followed by a later one of the same source, as one write. */
    SourceWrite then(SourceWrite later, int maxArticles) {
        Map<String, LoggedArticle> byKey = new LinkedHashMap<>();
        for (LoggedArticle a : articles) byKey.put(SourceShelf.keyOf(a.article()), a);
        for (LoggedArticle a : later.articles) {
            byKey.merge(SourceShelf.keyOf(a.article()), a, (known, fresh) ->
                    new LoggedArticle(known.sequence(), SourceShelf.updated(known.article(), fresh.article())));
        }
        List<LoggedArticle> merged = new ArrayList<>(byKey.values());
        if (merged.size() > maxArticles) {
            merged.sort(Comparator.comparing(LoggedArticle::article, SourceShelf.NEWEST_FIRST));
            merged = merged.subList(0, maxArticles);
        }
        Map<String, ConditionalHeaders> headers = new LinkedHashMap<>(validators);
        headers.putAll(later.validators);
        return new SourceWrite(source, merged, later.state != null ? later.state : state, headers, createdAt);
    }

    /** The same write with only one of its articles and nothing else (row by row, after a refusal). */
    SourceWrite only(LoggedArticle article) {
        return new SourceWrite(source, List.of(article), null, Map.of(), createdAt);
    }

    /** The same write without its articles: state and validators only. */
    SourceWrite withoutArticles() {
        return new SourceWrite(source, List.of(), state, validators, createdAt);
    }

    int size() {
        return articles.size();
    }
}
