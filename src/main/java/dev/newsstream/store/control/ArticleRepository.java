package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.StoredArticle;
import dev.newsstream.store.entity.StoredSourceState;
import dev.newsstream.store.entity.StoredValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityTransaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The JPA side of the store: what newsstream reads from its database (at start-up), retention, and
 * the reservation of arrival ids; the writes of fetches are {@link SourceWriteStatements}. Each public
 * method is one (resource-local) transaction; none is ever called on a request thread or a fetch task.
 */
@ApplicationScoped
public class ArticleRepository {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ArticleRepository.class.getName());

    /** Keeps IN lists well under every database's limit. */
    private static final int CHUNK = 500;

    @Inject
    NewsDatabase database;

    /** Runs {@code work} in one transaction, rolled back if it throws. */
    <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = database.entityManagers().createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            try {
                if (tx.isActive()) tx.rollback();
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            em.close();
        }
    }

    /** A source's newest articles published at or after {@code notBefore}, newest first, with their ids. */
    public List<LoggedArticle> newestOf(String source, Instant notBefore, int max) {
        return inTransaction(em -> em.createQuery("SELECT a FROM StoredArticle a WHERE a.sourceName = :source AND a.publishedAt >= :since"
                        + " ORDER BY a.publishedAt DESC, a.id DESC", StoredArticle.class)
                .setParameter("source", source)
                .setParameter("since", notBefore.toEpochMilli())
                .setMaxResults(max)
                .getResultList().stream().map(a -> new LoggedArticle(a.id(), a.toArticle())).toList());
    }

    /** The newest {@code max} articles by id (arrival), newest first. */
    public List<LoggedArticle> newestArrivals(int max) {
        return inTransaction(em -> em.createQuery("SELECT a FROM StoredArticle a ORDER BY a.id DESC", StoredArticle.class)
                .setMaxResults(max)
                .getResultList().stream().map(a -> new LoggedArticle(a.id(), a.toArticle())).toList());
    }

    public List<StoredSourceState> states() {
        return inTransaction(em -> em.createQuery("SELECT s FROM StoredSourceState s", StoredSourceState.class)
                .getResultList());
    }

    public List<StoredValidator> validators() {
        return inTransaction(em -> em.createQuery("SELECT v FROM StoredValidator v", StoredValidator.class)
                .getResultList());
    }

    /** Deletes a removed source's articles, fetch state and validators (articles=drop); returns how many articles. */
    public int deleteSource(String source) {
        return inTransaction(em -> {
            int articles = em.createQuery("DELETE FROM StoredArticle a WHERE a.sourceName = :source")
                    .setParameter("source", source).executeUpdate();
            em.createQuery("DELETE FROM StoredSourceState s WHERE s.sourceName = :source")
                    .setParameter("source", source).executeUpdate();
            em.createQuery("DELETE FROM StoredValidator v WHERE v.sourceName = :source")
                    .setParameter("source", source).executeUpdate();
            return articles;
        });
    }

    /** Deletes articles published before {@code cutoff}; returns how many. */
    public int deletePublishedBefore(Instant cutoff) {
        return inTransaction(em -> em.createQuery("DELETE FROM StoredArticle a WHERE a.publishedAt < :cutoff")
                .setParameter("cutoff", cutoff.toEpochMilli())
                .executeUpdate());
    }

    /**
     * Deletes each source's articles past its newest {@code max} (newest by publication time, as the
     * memory view orders them); returns how many. Sources under the cap cost one grouped count.
     */
    public int trimSources(int max) {
        return inTransaction(em -> trimSources(em, max));
    }

    private int trimSources(EntityManager em, int max) {
        List<Object[]> over = em.createQuery("SELECT a.sourceName, COUNT(a) FROM StoredArticle a"
                        + " GROUP BY a.sourceName HAVING COUNT(a) > :max", Object[].class)
                .setParameter("max", (long) max)
                .getResultList();
        int deleted = 0;
        for (Object[] row : over) {
            String source = (String) row[0];
            List<Long> ids = em.createQuery("SELECT a.id FROM StoredArticle a WHERE a.sourceName = :source"
                            + " ORDER BY a.publishedAt DESC, a.id DESC", Long.class)
                    .setParameter("source", source)
                    .setFirstResult(max)
                    .getResultList();
            for (int i = 0; i < ids.size(); i += CHUNK) {
                deleted += em.createQuery("DELETE FROM StoredArticle a WHERE a.id IN :ids")
                        .setParameter("ids", ids.subList(i, Math.min(ids.size(), i + CHUNK)))
                        .executeUpdate();
            }
        }
        return deleted;
    }

    /** Ids reserved for arrivals: every id in ({@code after}, {@code through}] is this instance's to hand out. */
    public record Reserved(long after, long through) {
    }

    /**
     * Reserves the next {@code block} arrival ids above the reserved mark, the highest stored article id
     * and {@code floor}, and makes the new mark durable before returning: committed, and on H2 (which
     * writes commits to disk lazily) synced with CHECKPOINT SYNC.
     */
    public Reserved reserveIds(long floor, int block) {
        Reserved reserved = inTransaction(em -> {
            Number mark = (Number) em.createNativeQuery(
                    "SELECT reserved_through FROM arrival_number WHERE name = 'article' FOR UPDATE").getSingleResult();
            Number stored = (Number) em.createNativeQuery("SELECT COALESCE(MAX(id), 0) FROM article").getSingleResult();
            long after = Math.max(floor, Math.max(mark.longValue(), stored.longValue()));
            long through = after + Math.max(1, block);
            // a computed number, no text from outside: no parameter needed (and none of the native-parameter dialects)
            em.createNativeQuery("UPDATE arrival_number SET reserved_through = " + through + " WHERE name = 'article'")
                    .executeUpdate();
            return new Reserved(after, through);
        });
        if (database.product().startsWith("H2")) {
            try {
                inTransaction(em -> em.createNativeQuery("CHECKPOINT SYNC").executeUpdate());
            } catch (RuntimeException e) {
                // the mark is committed; only its durability against a crash in the next second is in doubt
                LOG.warning("H2 did not sync the reserved arrival ids to disk: " + e);
            }
        }
        return reserved;
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
