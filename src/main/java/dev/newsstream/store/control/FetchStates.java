package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.store.entity.SourceState;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the service remembers about fetching each source, in memory: its state (last stat, failure
 * streak, next attempt) and the validators (ETag, Last-Modified) of each of its URLs. Warmed from the
 * database at start-up, changed only by applied fetch records.
 */
@ApplicationScoped
public class FetchStates {

    private final Map<String, SourceState> states = new ConcurrentHashMap<>();
    private final Map<URI, ConditionalHeaders> validators = new ConcurrentHashMap<>();

    /** A removed source's state leaves memory. */
    void remove(String source) {
        states.remove(source);
    }

    public SourceState state(Source source) {
        return states.getOrDefault(source.name(), SourceState.never(
                SourceStat.of(source, FeedStatus.PENDING, 0, null, null, 0)));
    }

    /** The state of a source if one was ever recorded, else null. */
    SourceState known(String source) {
        return states.get(source);
    }

    public ConditionalHeaders validators(URI url) {
        return validators.getOrDefault(url, ConditionalHeaders.NONE);
    }

    /** A fetch's new state and validators; a validator without ETag and Last-Modified is forgotten. */
    void apply(String source, SourceState state, Map<String, ConditionalHeaders> urlValidators) {
        urlValidators.forEach((url, headers) -> {
            URI uri = URI.create(url);
            if (headers.etag() == null && headers.lastModified() == null) validators.remove(uri);
            else validators.put(uri, headers);
        });
        if (state != null) states.put(source, state);
    }

    void warmState(String source, SourceState state) {
        states.put(source, state);
    }

    void warmValidator(URI url, ConditionalHeaders headers) {
        validators.put(url, headers);
    }

    int count() {
        return states.size();
    }

    java.util.Collection<SourceState> all() {
        return states.values();
    }
}
