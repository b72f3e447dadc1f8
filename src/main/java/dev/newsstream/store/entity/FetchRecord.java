package dev.newsstream.store.entity;

import dev.newsstream.feed.control.ConditionalHeaders;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One fetch of one source, numbered: what every instance applies to its memory and publishes to its
 * live streams (step 2 of recording a fetch). Serializable, so a cluster can send it to every instance.
 *
 * @param source     the source's name
 * @param fetched    false for a failed fetch: no articles, only state and validators change
 * @param arrivals   articles new to the fetching instance's memory, numbered, in ascending id
 * @param known      re-fetched articles memory already held, with the ids they arrived with (their text may be newer)
 * @param state      the source's new fetch state
 * @param validators each fetched URL's ETag / Last-Modified (both null: forget the URL's validators)
 */
public record FetchRecord(String source, boolean fetched, List<LoggedArticle> arrivals, List<LoggedArticle> known,
                          SourceState state, Map<String, ConditionalHeaders> validators) implements Serializable {

    public FetchRecord {
        arrivals = List.copyOf(arrivals);
        known = List.copyOf(known);
        validators = Map.copyOf(validators);
    }

    /** The lowest id among the arrivals, 0 if there are none: the order records are applied in. */
    public long firstId() {
        return arrivals.isEmpty() ? 0 : arrivals.get(0).sequence();
    }

    /** The highest id among the arrivals, 0 if there are none. */
    public long lastId() {
        return arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1).sequence();
    }
}
