package dev.newsstream.store.control;

import dev.newsstream.store.entity.StoredArticle;
import dev.newsstream.store.entity.StoredSourceState;
import dev.newsstream.store.entity.StoredValidator;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceProvider;
import jakarta.persistence.spi.PersistenceProviderResolverHolder;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * newsstream's persistence unit, made by the application instead of a persistence.xml, on the
 * platform's JPA provider (EclipseLink in Payara).
 *
 * <p>Why not persistence.xml: Payara opens an EntityManager for every persistence.xml while it
 * prepares the deployment, before any application code runs, so an unreachable database would fail
 * the start with EclipseLink's stack trace instead of newsstream's one clear message, and the schema
 * would be looked at before Flyway made it. Made here, the unit exists only after {@link NewsDatabase}
 * connected and migrated. Transactions are resource-local: one writer thread, one transaction per
 * source write, no JTA and no XA needed.
 */
final class NewsPersistenceUnit implements PersistenceUnitInfo {

    static final String NAME = "news";
    private static final List<String> ENTITIES = List.of(StoredArticle.class.getName(),
            StoredSourceState.class.getName(), StoredValidator.class.getName());

    private final DataSource dataSource;
    private final Properties properties = new Properties();

    private NewsPersistenceUnit(DataSource dataSource, Map<String, String> properties) {
        this.dataSource = dataSource;
        this.properties.putAll(properties);
    }

    /** The EntityManagerFactory of newsstream's entities on {@code dataSource}. */
    static EntityManagerFactory create(DataSource dataSource, long queryTimeoutMillis) {
        Map<String, String> settings = Map.of(
                // no statement may hang a writer (the pool also cuts statements off)
                "jakarta.persistence.query.timeout", String.valueOf(queryTimeoutMillis),
                "eclipselink.weaving", "false",
                "eclipselink.ddl-generation", "none",
                "eclipselink.logging.level", "WARNING",
                "eclipselink.logging.level.sql", "WARNING",
                "eclipselink.cache.shared.default", "false");
        NewsPersistenceUnit unit = new NewsPersistenceUnit(dataSource, settings);
        List<PersistenceProvider> providers = PersistenceProviderResolverHolder.getPersistenceProviderResolver()
                .getPersistenceProviders();
        if (providers.isEmpty()) throw new PersistenceException("no JPA provider: newsstream needs the server's EclipseLink");
        PersistenceProvider provider = providers.stream()
                .filter(p -> p.getClass().getName().startsWith("org.eclipse.persistence")).findFirst()
                .orElse(providers.get(0));
        return provider.createContainerEntityManagerFactory(unit, Map.of());
    }

    @Override
    public String getPersistenceUnitName() {
        return NAME;
    }

    @Override
    public String getPersistenceProviderClassName() {
        return null;
    }

    @Override
    public PersistenceUnitTransactionType getTransactionType() {
        return PersistenceUnitTransactionType.RESOURCE_LOCAL;
    }

    @Override
    public DataSource getJtaDataSource() {
        return null;
    }

    @Override
    public DataSource getNonJtaDataSource() {
        return dataSource;
    }

    @Override
    public List<String> getMappingFileNames() {
        return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
        return List.of();
    }

    /**
     * Where the entity classes are, as a directory URL (WEB-INF/classes/): EclipseLink looks there for a
     * META-INF/orm.xml and reads any URL that does not end in a slash as a jar.
     */
    @Override
    public URL getPersistenceUnitRootUrl() {
        String resource = StoredArticle.class.getName().replace('.', '/') + ".class";
        URL url = getClassLoader().getResource(resource);
        if (url == null) return StoredArticle.class.getProtectionDomain().getCodeSource().getLocation();
        String text = url.toExternalForm();
        try {
            return new URL(text.substring(0, text.length() - resource.length()));
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException("cannot make the persistence unit's root from " + text, e);
        }
    }

    @Override
    public List<String> getManagedClassNames() {
        return ENTITIES;
    }

    @Override
    public boolean excludeUnlistedClasses() {
        return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
        return SharedCacheMode.NONE; // memory is the store's own view; a second cache of rows would only cost heap
    }

    @Override
    public ValidationMode getValidationMode() {
        return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
        return "3.0";
    }

    @Override
    public ClassLoader getClassLoader() {
        return NewsPersistenceUnit.class.getClassLoader();
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {
        // no weaving
    }

    @Override
    public ClassLoader getNewTempClassLoader() {
        return NewsPersistenceUnit.class.getClassLoader();
    }
}
