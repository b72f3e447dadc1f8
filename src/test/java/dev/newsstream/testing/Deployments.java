package dev.newsstream.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.ArchivePaths;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR that {@code mvn package} built, deployed as-is at the root context, plus the test's own
 * MicroProfile Config (a sources file pointing at the fixture server, short deadlines), merged into
 * whatever microprofile-config.properties the WAR carries, and an empty database.
 *
 * <p>The database: failsafe starts Arquillian's Payara Micro with {@code -Dnewsstream.data.dir} under
 * target/ (see pom.xml; the data source reads server-level config only, so a property in the WAR could
 * not move it). Each deployment starts from an empty directory there, so no test sees another's articles.
 */
public final class Deployments {

    static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

    private Deployments() {
    }

    public static WebArchive builtWar(Map<String, String> config) {
        File war = new File(System.getProperty("newsstream.war", "target/newsstream.war"));
        if (!war.isFile()) throw new IllegalStateException(war + " is missing: run the tests with mvn verify");
        emptyDataDir();
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class);
        Map<String, String> merged = new LinkedHashMap<>();
        merged.put("newsstream.store.retention", "36500d"); // the fixtures' dates are fixed: never too old
        // every fixture feed is on one host (127.0.0.1): only the politeness tests want per-host limits
        merged.put("newsstream.fetch.max-per-host", "1000");
        merged.put("newsstream.ingest.host-spread", "0s");
        merged.putAll(config);
        String properties = warConfig(archive) + merged.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "\n# the test's own, above everything (config_ordinal)\nconfig_ordinal=500\n", "\n"));
        ArchivePath path = ArchivePaths.create(CONFIG);
        if (archive.contains(path)) archive.delete(path);
        return archive.add(new StringAsset(properties), path);
    }

    /** The WAR's own microprofile-config.properties, kept under the test's (a later key wins in a properties file). */
    private static String warConfig(WebArchive archive) {
        Node node = archive.get(CONFIG);
        if (node == null || node.getAsset() == null) return "";
        try (InputStream in = node.getAsset().openStream()) {
            String own = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return own.lines().filter(l -> !l.strip().startsWith("config_ordinal")).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties the data directory the Arquillian server is started with (no server runs between two classes). */
    private static void emptyDataDir() {
        String dir = System.getProperty("newsstream.it.dataDir");
        if (dir == null) return;
        Path root = Path.of(dir);
        try {
            if (Files.exists(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + root, e);
        }
    }

    /** Writes a sources file in the original app's format under target/ and returns its absolute path. */
    public static String sourcesFile(String name, String json) {
        try {
            Path dir = Path.of("target", "it-sources");
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".json").toAbsolutePath();
            Files.writeString(file, json, StandardCharsets.UTF_8);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
