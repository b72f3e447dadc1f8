package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Source;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The configured sources, loaded once when the application starts. A broken file throws here,
 * which fails the deployment: the service never runs on half a list.
 */
@ApplicationScoped
public class SourceCatalog {

    static final String BUNDLED = "sources.json";
    private static final Logger LOG = Logger.getLogger(SourceCatalog.class.getName());

    @Inject
    @ConfigProperty(name = "newsstream.sources")
    Optional<String> sourcesFile;

    private List<Source> sources = List.of();
    private volatile boolean loaded;

    void loadAtStart(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up makes the load (and a broken file's failure) happen at deployment, not at the first request
    }

    @PostConstruct
    void load() {
        String file = sourcesFile.filter(s -> !s.isBlank()).orElse(null);
        sources = file == null ? loadBundled() : loadFile(Path.of(file));
        loaded = true;
        LOG.info(() -> "Loaded " + sources.size() + " sources from " + (file == null ? "the bundled " + BUNDLED : file));
    }

    private static List<Source> loadBundled() {
        try (InputStream in = SourceCatalog.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) throw new SourcesFileException("Bundled " + BUNDLED + " is missing from the WAR", null);
            return SourcesLoader.load("(bundled) " + BUNDLED, in);
        } catch (IOException e) {
            throw new SourcesFileException("Bundled " + BUNDLED + ": " + e.getMessage(), e);
        }
    }

    private static List<Source> loadFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return SourcesLoader.load(file.toString(), in);
        } catch (NoSuchFileException e) {
            throw new SourcesFileException("Sources file " + file + " does not exist (set by newsstream.sources)", e);
        } catch (IOException e) {
            throw new SourcesFileException("Sources file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    public boolean loaded() {
        return loaded;
    }

    public List<Source> all() {
        return sources;
    }

    public List<Source> inCategory(String category) {
        return sources.stream().filter(s -> s.inCategory(category)).toList();
    }

    public Optional<Source> byName(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public List<String> categories() {
        return List.copyOf(new TreeSet<>(sources.stream().map(Source::category).toList()));
    }
}
