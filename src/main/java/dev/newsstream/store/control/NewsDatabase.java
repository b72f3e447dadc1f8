package dev.newsstream.store.control;

import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * newsstream's database: the data source the WAR defines itself (an H2 file under
 * {@code newsstream.data.dir} unless {@code newsstream.db.*} say otherwise; Payara resolves every
 * {@code ${MPCONFIG=...}} from MicroProfile Config, so NEWSSTREAM_DB_URL and friends work), and its
 * schema, brought up to date by Flyway before anything reads or writes.
 *
 * <p>The pool is small and never waits long: a connection is handed out within
 * {@code newsstream.db.max-wait} or not at all, every statement is cut off after
 * {@code newsstream.db.statement-timeout}, a new connection may take at most 5 s, and a connection
 * that went bad (the database restarted) is found by validation and the whole pool renewed.
 */
@DataSourceDefinition(
        name = "java:app/jdbc/news",
        className = "${MPCONFIG=newsstream.db.class:org.h2.jdbcx.JdbcDataSource}",
        url = "${MPCONFIG=newsstream.db.url:" + NewsDatabase.DEFAULT_URL + "}",
        user = "${MPCONFIG=newsstream.db.user:newsstream}",
        password = "${MPCONFIG=newsstream.db.password:}",
        minPoolSize = 1,
        maxPoolSize = 8,
        maxIdleTime = 300,
        loginTimeout = 5,
        properties = {
                "fish.payara.max-wait-time-in-millis=${MPCONFIG=newsstream.db.max-wait-ms:3000}",
                "fish.payara.statement-timeout-in-seconds=${MPCONFIG=newsstream.db.statement-timeout-seconds:10}",
                "fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=custom-validation",
                "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.JDBC40ConnectionValidation",
                "fish.payara.fail-all-connections=true"
        })
@ApplicationScoped
public class NewsDatabase {

    /**
     * Used only when no server-level config names a URL: server-config/post-boot-commands.asadmin sets
     * newsstream.db.url from newsstream.data.dir, so this is for a server started without that file.
     */
    static final String DEFAULT_URL = "jdbc:h2:file:./data/newsstream;MODE=LEGACY;DB_CLOSE_ON_EXIT=FALSE";

    private static final Logger LOG = Logger.getLogger(NewsDatabase.class.getName());

    @Resource(lookup = "java:app/jdbc/news")
    DataSource dataSource;

    @Inject
    StorageSettings settings;

    private volatile String product = "?";
    private volatile EntityManagerFactory entityManagers;

    /**
     * Connects and migrates the schema. Throws {@link StorageUnavailableException} with one message that
     * names the database and the error (never the password): the deployment fails with it. Idempotent:
     * whoever needs the schema first (the store, the source catalog) migrates; later calls return at once.
     */
    public synchronized void migrate() {
        if (entityManagers != null) return;
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            product = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        } catch (SQLException | RuntimeException e) {
            throw unavailable("cannot connect", e);
        }
        try {
            MigrateResult result = Flyway.configure(NewsDatabase.class.getClassLoader())
                    .dataSource(dataSource)
                    .loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator") // not slf4j: ROME brings it, unbound
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            LOG.info(() -> "Database " + settings.displayUrl() + " (" + product + "): schema at version "
                    + (result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion)
                    + ", " + result.migrationsExecuted + " migration(s) applied in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (RuntimeException e) {
            throw unavailable("cannot bring the schema up to date", e);
        }
        try {
            entityManagers = NewsPersistenceUnit.create(dataSource, settings.queryTimeout().toMillis());
            EntityManager first = entityManagers.createEntityManager(); // JPA logs in now, not at the first write
            first.close();
        } catch (RuntimeException e) {
            throw unavailable("cannot be used through JPA", e);
        }
    }

    /** The persistence unit; exists once {@link #migrate()} succeeded. */
    public EntityManagerFactory entityManagers() {
        if (entityManagers == null) throw new IllegalStateException("the database was not set up (migrate() first)");
        return entityManagers;
    }

    /** Closes the persistence unit; {@link ArticleStore} calls it once its writer has stopped. */
    public void close() {
        if (entityManagers != null && entityManagers.isOpen()) entityManagers.close();
    }

    /** Whether a connection can be had and answers, within the pool's bounds. */
    public void ping() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(3)) throw new SQLException("the connection did not answer within 3 s");
        }
    }

    public String product() {
        return product;
    }

    private StorageUnavailableException unavailable(String what, Throwable e) {
        String message = "newsstream cannot start: the database " + settings.displayUrl()
                + (settings.user().isEmpty() ? "" : " (user " + settings.user() + ")") + " " + what + ": "
                + reason(e, settings.password())
                + ". Check newsstream.db.url, newsstream.db.user and newsstream.db.password"
                + " (NEWSSTREAM_DB_URL, NEWSSTREAM_DB_USER, NEWSSTREAM_DB_PASSWORD) and that the database is running.";
        LOG.severe(message);
        return new StorageUnavailableException(message);
    }

    /** The distinct messages down the cause chain, innermost last, without the password if one slipped in. */
    static String reason(Throwable e, String password) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 6; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            String text = message.lines().findFirst().orElse(message);
            if (parts.stream().noneMatch(p -> p.contains(text))) parts.add(text);
        }
        String joined = parts.isEmpty() ? e.toString() : parts.get(parts.size() - 1);
        if (parts.size() > 1 && !parts.get(0).equals(joined)) joined = parts.get(0) + " (" + joined + ")";
        return password == null || password.isEmpty() ? joined : joined.replace(password, "***");
    }
}
