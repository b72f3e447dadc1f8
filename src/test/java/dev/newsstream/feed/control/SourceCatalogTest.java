package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Source;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Run-time source changes over a real database: an in-memory H2 brought to the service's schema by its own
 * Flyway migrations, and {@link SourceCatalog}'s add and remove on top, stored first and then visible.
 */
class SourceCatalogTest {

    private final JdbcDataSource database = new JdbcDataSource();
    private final SourceChanges changes = new SourceChanges();
    private final SourceCatalog catalog = new SourceCatalog();
    private final Connection keepAlive;

    SourceCatalogTest() throws SQLException {
        database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=LEGACY");
        keepAlive = database.getConnection(); // an in-memory H2 lives while a connection is open
        Flyway.configure(SourceCatalogTest.class.getClassLoader()).dataSource(database)
                .loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator")
                .locations("classpath:db/migration").load().migrate();
        changes.dataSource = database;
        catalog.changes = changes;
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        keepAlive.close();
    }

    private static Source source(String name, String category, String... urls) {
        return new Source(name, java.util.Arrays.stream(urls).map(URI::create).toList(), category, "US", "public", "left");
    }

    private int rows(String sql) throws SQLException {
        try (Statement s = keepAlive.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private SourceChanges.Change change(String name) {
        return changes.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void addedAndRemovedSourcesAreStoredAndReadBackInTheOrderTheyHappened() {
        Source alpha = source("Alpha", "world", "http://a.example/rss");
        Source beta = source("Beta", "tech", "http://b.example/rss", "http://b.example/atom");
        changes.added(alpha);
        changes.added(beta);
        changes.removed("Alpha", false);
        changes.added(new Source("Gamma", List.of(URI.create("http://g.example/")), "world", null, null, null));

        // ordered by the time of the change, then the name: changes within one millisecond come by name
        List<SourceChanges.Change> all = changes.all();
        assertEquals(3, all.size(), "one row per name: Alpha's removal replaced its addition");
        assertEquals(new SourceChanges.Change("Beta", false, beta), change("Beta"), "every field and both URLs, in order");
        assertEquals(new SourceChanges.Change("Alpha", true, null), change("Alpha"));
        Source gamma = change("Gamma").source();
        assertEquals("", gamma.country(), "a missing field reads back empty");
        assertEquals("", gamma.biasRating());
        assertEquals("", gamma.fundingType());
        assertEquals("Gamma", all.get(2).name(), "the newest change comes last");
    }

    @Test
    void aRemovalWithDropTakesTheSourcesStoredArticlesStateAndValidatorsInTheSameTransaction() throws SQLException {
        try (Statement s = keepAlive.createStatement()) {
            for (String name : List.of("Alpha", "Beta")) {
                s.executeUpdate("INSERT INTO article (source_name, key_hash, article_key, title, published_at, first_seen_at)"
                        + " VALUES ('" + name + "', 'h', 'k', 't', 1, 1)");
                s.executeUpdate("INSERT INTO source_state (source_name, status, article_count, processing_seconds,"
                        + " consecutive_failures, updated_at) VALUES ('" + name + "', 'success', 1, 0.1, 0, 1)");
                s.executeUpdate("INSERT INTO feed_validator (url_hash, url, source_name, updated_at) VALUES ('" + name
                        + "', 'http://x/', '" + name + "', 1)");
            }
        }
        changes.removed("Beta", false);
        assertEquals(2, rows("SELECT COUNT(*) FROM article"), "kept: articles stay");
        changes.removed("Alpha", true);
        assertEquals(1, rows("SELECT COUNT(*) FROM article WHERE source_name = 'Beta'"));
        assertEquals(0, rows("SELECT COUNT(*) FROM article WHERE source_name = 'Alpha'"));
        assertEquals(0, rows("SELECT COUNT(*) FROM source_state WHERE source_name = 'Alpha'"));
        assertEquals(0, rows("SELECT COUNT(*) FROM feed_validator WHERE source_name = 'Alpha'"));
        assertEquals(1, rows("SELECT COUNT(*) FROM source_state"));
        assertEquals(1, rows("SELECT COUNT(*) FROM feed_validator"));
        assertEquals(2, rows("SELECT COUNT(*) FROM source_change WHERE removed"));
    }

    @Test
    void aDatabaseThatRefusesTheChangeLeavesNothingHalfDoneAndSaysSo() throws SQLException {
        changes.added(source("Alpha", "world", "http://a.example/rss"));
        try (Statement s = keepAlive.createStatement()) {
            s.executeUpdate("DROP TABLE feed_validator"); // the last statement of a dropping removal will fail
        }
        SourceChanges.SourceStorageException e = assertThrows(SourceChanges.SourceStorageException.class,
                () -> changes.removed("Alpha", true));
        assertTrue(e.getMessage().startsWith("the database did not take the change: "), e.getMessage());
        assertEquals(List.of(new SourceChanges.Change("Alpha", false, source("Alpha", "world", "http://a.example/rss"))),
                changes.all(), "rolled back: the addition is still the stored change");
        try (Connection c = database.getConnection()) {
            assertTrue(c.getAutoCommit(), "the connection goes back to the pool as it came");
        }
        try (Statement s = keepAlive.createStatement()) {
            s.executeUpdate("DROP TABLE source_change");
        }
        SourceChanges.SourceStorageException read = assertThrows(SourceChanges.SourceStorageException.class, changes::all);
        assertTrue(read.getMessage().startsWith("reading the run-time sources failed: "), read.getMessage());
    }

    @Test
    void theCatalogStoresAnAdditionBeforeShowingItAndRefusesTakenNamesAndUrls() {
        Source alpha = source("Alpha", "world", "http://a.example/rss");
        Source beta = source("Beta", "tech", "http://b.example/rss");
        assertFalse(catalog.loaded());
        catalog.add(List.of(alpha, beta));
        assertEquals(List.of(alpha, beta), catalog.all());
        assertEquals(List.of("Alpha", "Beta"), changes.all().stream().map(SourceChanges.Change::name).toList());
        assertEquals(List.of("tech", "world"), catalog.categories(), "sorted, each once");
        assertEquals(List.of(beta), catalog.inCategory("tech"));
        assertEquals(List.of(alpha, beta), catalog.inCategory(null));
        assertEquals(List.of(alpha, beta), catalog.inCategory(""));
        assertEquals(Optional.of(beta), catalog.byName("Beta"));
        assertEquals(Optional.empty(), catalog.byName("beta"));

        assertEquals(Optional.of("a source named 'Alpha' exists"), catalog.clash(source("Alpha", "x", "http://new/"), List.of()));
        assertEquals(Optional.of("'Beta' already reads http://b.example/rss"),
                catalog.clash(source("Delta", "x", "http://other/", "http://b.example/rss"), List.of()));
        Source delta = source("Delta", "x", "http://d.example/");
        assertEquals(Optional.empty(), catalog.clash(delta, List.of(delta)));
        assertEquals(Optional.of("the name 'Delta' is given twice"),
                catalog.clash(delta, List.of(delta, source("Delta", "y", "http://d2.example/"))));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> catalog.add(List.of(delta, source("Gamma", "x", "http://a.example/rss"))));
        assertEquals("'Alpha' already reads http://a.example/rss", refused.getMessage());
        assertEquals(List.of(alpha, beta), catalog.all(), "nothing of a refused batch is added");
        assertEquals(2, changes.all().size(), "nor stored");
    }

    @Test
    void aRemovedSourceIsStoredGoneAndNamedAmongTheRemovedUntilAddedAgain() {
        Source alpha = source("Alpha", "world", "http://a.example/rss");
        Source beta = source("Beta", "tech", "http://b.example/rss");
        catalog.add(List.of(alpha, beta));
        assertEquals(Optional.empty(), catalog.remove("Nobody", true));
        assertEquals(Set.of(), catalog.removedAtRunTime());

        assertEquals(Optional.of(alpha), catalog.remove("Alpha", false));
        assertEquals(List.of(beta), catalog.all());
        assertEquals(Set.of("Alpha"), catalog.removedAtRunTime());
        assertEquals(new SourceChanges.Change("Alpha", true, null), change("Alpha"));

        catalog.add(List.of(source("Alpha", "world", "http://a2.example/rss")));
        assertEquals(Set.of(), catalog.removedAtRunTime(), "added again: its kept articles are its own");
        assertEquals(Optional.of(beta), catalog.remove("Beta", true));
        assertEquals(Set.of("Beta"), catalog.removedAtRunTime());
    }
}
