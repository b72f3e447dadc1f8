package dev.newsstream.store.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * The age limit ({@code newsstream.store.retention}) and the per-source cap: in memory on the
 * scheduler (never waiting on the database), in the database on the writer's thread between two writes.
 */
@ApplicationScoped
public class StoreRetention {

    private static final Logger LOG = Logger.getLogger(StoreRetention.class.getName());

    @Inject
    StorageSettings settings;

    @Inject
    ArticleShelves shelves;

    @Inject
    ArticleRepository repository;

    private volatile Instant ranAt;
    private volatile int deleted;

    Instant cutoff() {
        return Instant.now().minus(settings.retention());
    }

    /** Drops what is past the age limit from memory. */
    void inMemory() {
        int dropped = shelves.dropPublishedBefore(cutoff());
        if (dropped > 0) LOG.info(() -> "Retention: dropped " + dropped + " articles older than " + settings.retention()
                + " from memory");
    }

    /** Deletes what is past the age limit or the per-source cap from the database (on the writer's thread). */
    void inDatabase() {
        long started = System.nanoTime();
        int old = repository.deletePublishedBefore(cutoff());
        int over = repository.trimSources(settings.maxPerSource());
        deleted += old + over;
        ranAt = Instant.now();
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (old + over > 0) {
            LOG.info(() -> "Retention: deleted " + old + " articles older than " + settings.retention() + " and "
                    + over + " past " + settings.maxPerSource() + " per source in " + ms + " ms");
        }
    }

    Instant ranAt() {
        return ranAt;
    }

    int deleted() {
        return deleted;
    }
}
