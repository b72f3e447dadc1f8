package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.RefusedRow;
import dev.newsstream.store.entity.StoredArticle;
import dev.newsstream.store.entity.StoredSourceState;
import dev.newsstream.store.entity.StoredValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of one source write: articles upserted by source and key (a new row keeps the id memory
 * gave it, an existing row keeps its own), the source's state, its URLs' validators. Idempotent: writing
 * the same {@link SourceWrite} twice changes nothing the second time. Called only by the {@link StoreWriter}.
 */
@ApplicationScoped
public class SourceWriteStatements {

    /** Keeps IN lists well under every database's limit. */
    private static final int CHUNK = 500;

    @Inject
    ArticleRepository repository;

    /** What a write did. */
    record Written(int inserted, int updated) {
    }

    /** The whole write in one transaction. */
    Written write(SourceWrite write) {
        return repository.inTransaction(em -> write(em, write));
    }

    private Written write(EntityManager em, SourceWrite write) {
        Instant now = Instant.now();
        Map<String, LoggedArticle> byHash = new LinkedHashMap<>();
        for (LoggedArticle a : write.articles()) byHash.put(ArticleRepository.hash(SourceShelf.keyOf(a.article())), a);
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
        int inserted = 0;
        int updated = 0;
        for (Map.Entry<String, LoggedArticle> e : byHash.entrySet()) {
            StoredArticle row = known.get(e.getKey());
            if (row != null) {
                row.update(e.getValue().article()); // only what changed is written: JPA compares with what it read
                updated++;
            } else {
                LoggedArticle a = e.getValue();
                em.persist(new StoredArticle(a.sequence(), write.source(), SourceShelf.keyOf(a.article()), e.getKey(),
                        a.article(), now));
                inserted++;
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
            String urlHash = ArticleRepository.hash(v.getKey());
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
        em.flush();
        return new Written(inserted, updated);
    }

    /** What a row-by-row write did: what it wrote, and what the database refused. */
    record RowByRow(Written written, List<RefusedRow> refused) {
    }

    /**
     * After the database refused the whole write for a data reason (a value too long, bad encoding, a
     * constraint): each article in its own transaction, then state and validators in one, skipping what
     * is refused. A failure that is not about data (the connection, a timeout) is thrown: the write is
     * then retried whole later.
     */
    RowByRow writeRowByRow(SourceWrite write, String password) {
        List<RefusedRow> refused = new ArrayList<>();
        int inserted = 0;
        int updated = 0;
        for (LoggedArticle a : write.articles()) {
            try {
                Written w = write(write.only(a));
                inserted += w.inserted();
                updated += w.updated();
            } catch (RuntimeException e) {
                if (!DatabaseErrors.isDataError(e)) throw e;
                refused.add(new RefusedRow(Instant.now(), write.source(), "article " + a.sequence() + " \""
                        + shorten(a.article().title()) + "\"", NewsDatabase.reason(e, password)));
            }
        }
        if (write.state() != null || !write.validators().isEmpty()) {
            try {
                write(write.withoutArticles());
            } catch (RuntimeException e) {
                if (!DatabaseErrors.isDataError(e)) throw e;
                refused.add(new RefusedRow(Instant.now(), write.source(), "fetch state and validators",
                        NewsDatabase.reason(e, password)));
            }
        }
        return new RowByRow(new Written(inserted, updated), refused);
    }

    private static String shorten(String text) {
        if (text == null) return "";
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
