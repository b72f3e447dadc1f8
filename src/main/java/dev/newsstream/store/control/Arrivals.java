package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The arrival log and live publishing: new articles are appended in ascending id and every
 * {@link ArrivalListener} (and every listener registered through {@link #onNewArticles}) is told.
 * Live streams then read the log at their own pace; {@code Last-Event-ID} resumes from it.
 */
@ApplicationScoped
public class Arrivals {

    private static final Logger LOG = Logger.getLogger(Arrivals.class.getName());

    @Inject
    StorageSettings settings;

    @Inject
    Instance<ArrivalListener> listeners;

    private ArrivalLog log;
    private final List<Consumer<List<LoggedArticle>>> registered = new CopyOnWriteArrayList<>();

    @PostConstruct
    void create() {
        log = new ArrivalLog(settings.logSize());
    }

    /** At start-up: the database's newest arrivals (oldest first), the last id ever handed out, the floor. */
    void warm(List<LoggedArticle> oldestFirst, long lastSequence, long floor) {
        log.warm(oldestFirst, lastSequence, floor);
    }

    /**
     * Logs the arrivals (ascending id) and tells the listeners; a failing listener does not stop the
     * others. {@code numberedThrough} is the highest id the record handed out (0: none), logged or not.
     */
    void publish(List<LoggedArticle> arrived, long numberedThrough) {
        List<LoggedArticle> logged = arrived.isEmpty() ? List.of() : log.append(arrived);
        log.advanceTo(numberedThrough);
        if (logged.isEmpty()) return;
        for (ArrivalListener listener : listeners) {
            try {
                listener.arrived(logged);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An arrival listener failed", e);
            }
        }
        for (Consumer<List<LoggedArticle>> listener : registered) {
            try {
                listener.accept(logged);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An arrival listener failed", e);
            }
        }
    }

    /** A removed source's articles were dropped: a resuming stream must not be sent them again. */
    void forget(String source) {
        int removed = log.removeSource(source);
        if (removed > 0) LOG.info(() -> "Arrival log: " + removed + " articles of removed source " + source + " dropped");
    }

    /** The older way to listen (a callback registered at start-up); prefer an {@link ArrivalListener} bean. */
    public void onNewArticles(Consumer<List<LoggedArticle>> listener) {
        registered.add(listener);
    }

    public long lastSequence() {
        return log.lastSequence();
    }

    public boolean canResumeFrom(long sequence) {
        return log.covers(sequence);
    }

    /** Up to {@code max} articles that arrived after {@code sequence} and match; null if it fell off the log. */
    public ArticleStore.ArrivalPage after(long sequence, int max, Predicate<Article> filter) {
        if (!log.covers(sequence)) return null;
        ArrivalLog.Page page = log.after(sequence, max, filter);
        return new ArticleStore.ArrivalPage(page.articles(), page.scannedUpTo());
    }
}
