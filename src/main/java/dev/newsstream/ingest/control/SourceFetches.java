package dev.newsstream.ingest.control;

import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import java.util.concurrent.CompletableFuture;

/**
 * The shared fetches as the background refresh sees them ({@link FetchCoordinator} in the container). An
 * interface so that {@link Ingestion}'s scheduling (what is due, the host spread, the summary) can be proven
 * by a unit test with fetches it completes itself, without a server.
 */
public interface SourceFetches {

    /** The source's next result for {@code waiter}; cancel the returned future to stop waiting. */
    CompletableFuture<SourceResult> fetch(Source source, String waiter);
}
