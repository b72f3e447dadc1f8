package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
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
 * The JPA side of the store: every statement newsstream sends to its database. Each public method is
 * one (resource-local) transaction; none is ever called on a request thread (see {@link ArticleStore}).
 */
@ApplicationScoped
public class ArticleRepository {

    /** Keeps IN lists well under every database's limit. */
    private static final int CHUNK = 500;

    @Inject
    NewsDatabase database;

    /** Runs {@code work} in one transaction, rolled back if it throws. */
    private <T> T inTransaction(Function<EntityManager, T> work) {
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

    /** What a write did: the articles it stored for the first time, with their ids, oldest id first. */
    public record Written(List<LoggedArticle> inserted, int updated) {
    }

    /** One source's fetch in one transaction: articles inserted or updated by key, its state, its validators. */
    public Written write(SourceWrite write) {
        return inTransaction(em -> write(em, write));
    }

    private Written write(EntityManager em, SourceWrite write) {
        Instant now = Instant.now();
        Map<String, Article> byHash = new LinkedHashMap<>();
        for (Article a : write.articles()) byHash.merge(hash(SourceShelf.keyOf(a)), a, SourceShelf::updated);
        Map<String, StoredArticle> known = new LinkedHashMap<>();
        List<String> hashes = new ArrayList<>(byHash.keySet());
        for (int i = 0; i < hashes.size(); i += CHUNK) {
            em.createQuery("SELECT a FROM StoredArticle a WHERE a.sourceName = :source AND a.keyHash IN :hashes",
                            StoredArticle.class)
                    .setParameter("source", write.source())
                    .setParameter("hashes", hashes.subList(i, Math.min(hashes.size(), i + CHUNK)))
                    .getResultList()
                    .forEach(a -> known.put(a.keyHash(), a));
        }
        List<StoredArticle> created = new ArrayList<>();
        int updated = 0;
        for (Map.Entry<String, Article> e : byHash.entrySet()) {
            StoredArticle row = known.get(e.getKey());
            if (row != null) {
                row.update(e.getValue()); // only what changed is written: JPA compares with what it read
                updated++;
            } else {
                StoredArticle fresh = new StoredArticle(write.source(), SourceShelf.keyOf(e.getValue()), e.getKey(),
                        e.getValue(), now);
                em.persist(fresh);
                created.add(fresh);
            }
        }
        if (write.state() != null) {
            StoredSourceState state = em.find(StoredSourceState.class, write.source());
            if (state == null) {
                state = new StoredSourceState(write.source());
                state.update(write.state(), now);
                em.persist(state);
            } else {
                state.update(write.state(), now);
            }
        }
        for (Map.Entry<String, ConditionalHeaders> v : write.validators().entrySet()) {
            String urlHash = hash(v.getKey());
            StoredValidator row = em.find(StoredValidator.class, urlHash);
            ConditionalHeaders headers = v.getValue();
            boolean none = headers.etag() == null && headers.lastModified() == null;
            if (none) {
                if (row != null) em.remove(row);
            } else if (row == null) {
                row = new StoredValidator(urlHash, v.getKey());
                row.update(write.source(), headers.etag(), headers.lastModified(), now);
                em.persist(row);
            } else {
                row.update(write.source(), headers.etag(), headers.lastModified(), now);
            }
        }
        em.flush(); // the identity values are known from here on
        List<LoggedArticle> inserted = created.stream()
                .sorted(Comparator.comparing(StoredArticle::id))
                .map(a -> new LoggedArticle(a.id(), a.toArticle()))
                .toList();
        return new Written(inserted, updated);
    }

    /** A source's newest articles published at or after {@code notBefore}, newest first. */
    public List<Article> newestOf(String source, Instant notBefore, int max) {
        return inTransaction(em -> em.createQuery("SELECT a FROM StoredArticle a WHERE a.sourceName = :source AND a.publishedAt >= :since"
                        + " ORDER BY a.publishedAt DESC, a.id DESC", StoredArticle.class)
                .setParameter("source", source)
                .setParameter("since", notBefore.toEpochMilli())
                .setMaxResults(max)
                .getResultList().stream().map(StoredArticle::toArticle).toList());
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

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
