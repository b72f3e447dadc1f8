package dev.newsstream.stream.control;

import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.store.control.ArticleStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;

/**
 * What every {@link StreamSession} works with, made once by the registry: the store it reads, the
 * shared frame caches, the shared fetches it joins, and the writer threads that take fetch results
 * off the feed threads.
 *
 * @param fetches        the source's next result for a waiter (the shared fetches); cancel it to stop waiting
 * @param activeStreams  how many streams are open now, for {@code starting}
 */
public record SessionServices(StreamSettings settings, ArticleStore store, ArticleFrames articles,
                              InitialFrames initials, SourceFrames results,
                              BiFunction<Source, String, CompletableFuture<SourceResult>> fetches,
                              Executor writers, IntSupplier activeStreams) {
}
