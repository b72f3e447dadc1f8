package dev.newsstream.store.control;

import dev.newsstream.store.entity.LoggedArticle;
import java.util.List;

/**
 * Told about new arrivals once they are in the arrival log (and so readable through
 * {@link ArticleStore#arrivedAfter}). Implemented by whoever fans arrivals out to live streams (the
 * {@code stream} package) as a CDI bean: the store finds every implementation through CDI and knows
 * none of them. Called on the thread that applied a fetch record (a fetch task, or the cluster's
 * delivery thread): it must not block, only note that there is something to send.
 */
public interface ArrivalListener {

    void arrived(List<LoggedArticle> arrivals);
}
