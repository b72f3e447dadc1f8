package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Source;
import dev.newsstream.store.control.NewsDatabase;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The sources: the sources file seeds them at every start, then the run-time changes stored in the
 * database ({@link SourceChanges}) are applied, so sources added or removed by an operator survive a
 * restart. A broken file throws here, which fails the deployment: the service never runs on half a list.
 * The list is replaced as a whole on each change (copy on write): readers never lock and a stream keeps
 * the list it started with.
 */
@ApplicationScoped
public class SourceCatalog {

    static final String BUNDLED = "sources.json";
    private static final Logger LOG = Logger.getLogger(SourceCatalog.class.getName());

    @Inject
    @ConfigProperty(name = "newsstream.sources")
    Optional<String> sourcesFile;

    @Inject
    SourceChanges changes;

    @Inject
    NewsDatabase database;

    private volatile List<Source> sources = List.of();
    private volatile Set<String> removedAtRunTime = Set.of();
    private volatile boolean loaded;

    void loadAtStart(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up makes the load (and a broken file's failure) happen at deployment, not at the first request
    }

    @PostConstruct
    void load() {
        String file = sourcesFile.filter(s -> !s.isBlank()).orElse(null);
        List<Source> seeds = file == null ? loadBundled() : loadFile(Path.of(file));
        database.migrate(); // the changes live in the database: its schema first (idempotent)
        Map<String, Source> byName = new LinkedHashMap<>();
        seeds.forEach(s -> byName.put(s.name(), s));
        int added = 0, removed = 0;
        Set<String> gone = new LinkedHashSet<>();
        for (SourceChanges.Change change : changes.all()) {
            if (change.removed()) {
                gone.add(change.name());
                if (byName.remove(change.name()) != null) removed++;
            } else {
                byName.put(change.name(), change.source());
                added++;
            }
        }
        sources = List.copyOf(byName.values());
        removedAtRunTime = Set.copyOf(gone);
        loaded = true;
        int a = added, r = removed;
        LOG.info(() -> "Loaded " + sources.size() + " sources: " + seeds.size() + " from "
                + (file == null ? "the bundled " + BUNDLED : file) + ", " + a + " added and " + r + " removed at run time");
    }

    /**
     * Adds sources, stored first (so they survive a restart), then visible. Throws
     * {@link IllegalArgumentException} if a name or a URL is taken (nothing is added then), and
     * {@link SourceChanges.SourceStorageException} if the database did not take it.
     */
    public synchronized void add(List<Source> added) {
        for (Source source : added) {
            Optional<String> clash = clash(source, added);
            if (clash.isPresent()) throw new IllegalArgumentException(clash.get());
        }
        added.forEach(changes::added);
        List<Source> next = new ArrayList<>(sources);
        next.addAll(added);
        sources = List.copyOf(next);
        LOG.info(() -> "Sources added: " + added.stream().map(Source::name).toList());
    }

    /** Why {@code source} cannot be added next to the current ones (and the others added with it), if it cannot. */
    public Optional<String> clash(Source source, List<Source> alongside) {
        for (Source other : sources) {
            if (other.name().equals(source.name())) return Optional.of("a source named '" + source.name() + "' exists");
            for (URI url : source.urls()) {
                if (other.urls().contains(url)) return Optional.of("'" + other.name() + "' already reads " + url);
            }
        }
        long sameName = alongside.stream().filter(s -> s.name().equals(source.name())).count();
        return sameName > 1 ? Optional.of("the name '" + source.name() + "' is given twice") : Optional.empty();
    }

    /**
     * Removes a source, stored first; with {@code dropArticles} its stored articles and state go too.
     * Returns the removed source, empty if there was none of that name.
     */
    public synchronized Optional<Source> remove(String name, boolean dropArticles) {
        Optional<Source> found = byName(name);
        if (found.isEmpty()) return found;
        changes.removed(name, dropArticles);
        sources = sources.stream().filter(s -> !s.name().equals(name)).toList();
        Set<String> gone = new LinkedHashSet<>(removedAtRunTime);
        gone.add(name);
        removedAtRunTime = Set.copyOf(gone);
        LOG.info(() -> "Source removed: " + name + (dropArticles ? " (articles dropped)" : " (articles kept)"));
        return found;
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

    /**
     * The names of the sources an operator removed at run time (in this life or an earlier one) and that
     * were not added again: the store still serves the articles kept of them (see StoreWarming).
     */
    public Set<String> removedAtRunTime() {
        Set<String> configured = new HashSet<>();
        sources.forEach(s -> configured.add(s.name()));
        return removedAtRunTime.stream().filter(n -> !configured.contains(n)).collect(Collectors.toUnmodifiableSet());
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
