package dev.newsstream.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR that {@code mvn package} built, deployed as-is at the root context, plus the test's own
 * MicroProfile Config (a sources file pointing at the fixture server, short deadlines).
 */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive builtWar(Map<String, String> config) {
        File war = new File(System.getProperty("newsstream.war", "target/newsstream.war"));
        if (!war.isFile()) throw new IllegalStateException(war + " is missing: run the tests with mvn verify");
        String properties = config.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "config_ordinal=500\n", "\n"));
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class)
                .addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
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
