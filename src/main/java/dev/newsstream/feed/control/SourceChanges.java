package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Source;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * The run-time changes to the source list, in the database ({@code source_change}): sources added and
 * sources removed. Plain JDBC on the application's data source: a handful of rows, written only by an
 * operator's request (bounded by the pool's wait and statement timeouts), read once at start.
 */
@ApplicationScoped
public class SourceChanges {

    /** One stored change: a removal ({@code source} null) or an added source. */
    public record Change(String name, boolean removed, Source source) {
    }

    @Resource(lookup = "java:app/jdbc/news")
    DataSource dataSource;

    public List<Change> all() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT source_name, removed, urls, category, country, funding_type,"
                     + " bias_rating FROM source_change ORDER BY changed_at, source_name");
             ResultSet rs = q.executeQuery()) {
            List<Change> changes = new ArrayList<>();
            while (rs.next()) {
                String name = rs.getString(1);
                if (rs.getBoolean(2)) {
                    changes.add(new Change(name, true, null));
                    continue;
                }
                List<URI> urls = Arrays.stream(rs.getString(3).split("\n")).filter(u -> !u.isBlank()).map(URI::create).toList();
                changes.add(new Change(name, false, new Source(name, urls, rs.getString(4), nz(rs.getString(5)),
                        nz(rs.getString(6)), nz(rs.getString(7)))));
            }
            return changes;
        } catch (SQLException e) {
            throw new SourceStorageException("reading the run-time sources failed: " + e.getMessage(), e);
        }
    }

    /** Stores an added source (replacing an earlier change of that name). */
    public void added(Source source) {
        inTransaction(c -> {
            delete(c, "DELETE FROM source_change WHERE source_name = ?", source.name());
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO source_change (source_name, removed, urls,"
                    + " category, country, funding_type, bias_rating, changed_at) VALUES (?, FALSE, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, source.name());
                insert.setString(2, String.join("\n", source.urls().stream().map(URI::toString).toList()));
                insert.setString(3, source.category());
                insert.setString(4, source.country());
                insert.setString(5, source.fundingType());
                insert.setString(6, source.biasRating());
                insert.setLong(7, System.currentTimeMillis());
                insert.executeUpdate();
            }
        });
    }

    /**
     * Stores a removal; with {@code dropArticles} the source's articles, fetch state and validators go in
     * the same transaction.
     */
    public void removed(String name, boolean dropArticles) {
        inTransaction(c -> {
            delete(c, "DELETE FROM source_change WHERE source_name = ?", name);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO source_change (source_name, removed,"
                    + " changed_at) VALUES (?, TRUE, ?)")) {
                insert.setString(1, name);
                insert.setLong(2, System.currentTimeMillis());
                insert.executeUpdate();
            }
            if (dropArticles) {
                delete(c, "DELETE FROM article WHERE source_name = ?", name);
                delete(c, "DELETE FROM source_state WHERE source_name = ?", name);
                delete(c, "DELETE FROM feed_validator WHERE source_name = ?", name);
            }
        });
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(Work work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new SourceStorageException("the database did not take the change: " + e.getMessage(), e);
        }
    }

    private static void delete(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(sql)) {
            delete.setString(1, name);
            delete.executeUpdate();
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The database could not read or store a change; the source list is left as it was. */
    public static final class SourceStorageException extends RuntimeException {
        public SourceStorageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
