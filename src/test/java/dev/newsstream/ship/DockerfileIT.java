package dev.newsstream.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker/Dockerfile read as text (no Docker engine is needed or used): after {@code mvn package}
 * everything it copies exists and gets past .dockerignore, and its settings agree with start.sh
 * and the build.
 */
class DockerfileIT {

    record Instruction(String keyword, String arguments) {
    }

    record Copy(List<String> sources, String destination) {
    }

    /** Read for each test (a small file): nothing static that a test writes. */
    final List<Instruction> dockerfile;

    DockerfileIT() throws IOException {
        dockerfile = parse(Files.readString(Build.basedir().resolve("docker/Dockerfile")));
    }

    @Test
    void everyCopySourceExistsAfterPackageAndIsInTheBuildContext() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Build.basedir().resolve(".dockerignore"));
        List<Copy> copies = copies();
        assertFalse(copies.isEmpty(), "the Dockerfile copies nothing");
        for (Copy copy : copies) {
            for (String source : copy.sources()) {
                assertFalse(source.matches(".*[*?\\[].*"), "wildcards are not checked here: " + source);
                Path path = Build.basedir().resolve(source).normalize();
                assertTrue(Files.exists(path), "COPY " + source + ": " + path + " does not exist after mvn package");
                try (Stream<Path> files = Files.isDirectory(path) ? Files.walk(path).filter(Files::isRegularFile) : Stream.of(path)) {
                    for (Path file : files.toList()) {
                        String relative = Build.basedir().relativize(file).toString().replace('\\', '/');
                        assertFalse(ignore.excludes(relative), "COPY " + source + ": .dockerignore keeps " + relative
                                + " out of the build context");
                    }
                }
            }
        }
    }

    @Test
    void theContextHoldsNothingButWhatIsCopied() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Build.basedir().resolve(".dockerignore"));
        for (String kept : List.of("src/main/java/dev/newsstream/JaxRsActivator.java", "pom.xml",
                "target/payara-micro.jar", "target/classes/sources.json", "docker/Dockerfile", ".git/HEAD")) {
            assertTrue(ignore.excludes(kept), kept + " should stay out of the build context");
        }
    }

    @Test
    void theBaseImageIsThePayaraMicroOfTheBuild() {
        String from = only("FROM");
        assertEquals("payara/micro:" + Build.payaraVersion() + "-jdk17", from,
                "the image and the build (pom.xml payara.version) must run the same Payara Micro");
    }

    @Test
    void theEnvironmentPointsStartShAtWhatWasCopied() {
        Map<String, String> env = env();
        assertEquals(destinationOf("target/newsstream.war"), env.get("NEWSSTREAM_WAR"));
        assertEquals(trimSlash(destinationOf("server-config/")), trimSlash(env.get("NEWSSTREAM_CONFIG_DIR")));
        assertEquals("/opt/payara/payara-micro.jar", env.get("PAYARA_MICRO_JAR"), "the base image's Payara Micro");
        String entrypoint = only("ENTRYPOINT");
        assertTrue(entrypoint.contains("\"" + destinationOf("docker/start.sh") + "\""), "ENTRYPOINT runs start.sh: " + entrypoint);
        assertEquals("[]", only("CMD"), "an empty CMD, or the base image's --deploymentDir would deploy the WAR twice");
    }

    @Test
    void itRunsAsPayaraKeepsItsDataOnAVolumeAndExposesItsPort() {
        Map<String, String> env = env();
        List<String> users = arguments("USER");
        assertFalse(users.isEmpty(), "USER is stated");
        assertEquals("payara", users.get(users.size() - 1));
        assertEquals("/opt/payara/data", env.get("NEWSSTREAM_DATA_DIR"));
        assertTrue(only("VOLUME").contains("\"" + env.get("NEWSSTREAM_DATA_DIR") + "\""), only("VOLUME"));
        assertEquals(env.get("NEWSSTREAM_PORT"), only("EXPOSE"));
        assertEquals("8080", env.get("NEWSSTREAM_PORT"));
    }

    // ------------------------------------------------------------------ reading the Dockerfile

    static List<Instruction> parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) continue;
            if (!current.isEmpty() && trimmed.startsWith("#")) continue; // comment inside a continuation
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String[] parts = current.toString().strip().split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
            current.setLength(0);
        }
        return instructions;
    }

    List<Copy> copies() {
        List<Copy> copies = new ArrayList<>();
        for (String arguments : arguments("COPY")) {
            List<String> words = new ArrayList<>(List.of(arguments.split("\\s+")));
            if (words.stream().anyMatch(w -> w.startsWith("--from="))) continue; // another stage, not the context
            words.removeIf(w -> w.startsWith("--"));
            assertFalse(words.get(0).startsWith("["), "the JSON form of COPY is not read here: " + arguments);
            assertTrue(words.size() >= 2, "COPY needs a source and a destination: " + arguments);
            copies.add(new Copy(words.subList(0, words.size() - 1), words.get(words.size() - 1)));
        }
        return copies;
    }

    String destinationOf(String source) {
        return copies().stream().filter(c -> c.sources().contains(source)).map(Copy::destination).findFirst()
                .orElseThrow(() -> new AssertionError("no COPY " + source));
    }

    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher("");
        for (String arguments : arguments("ENV")) {
            m.reset(arguments);
            while (m.find()) env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
        }
        return env;
    }

    List<String> arguments(String keyword) {
        return dockerfile.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    String only(String keyword) {
        List<String> found = arguments(keyword);
        assertEquals(1, found.size(), "one " + keyword + " instruction: " + found);
        return found.get(0);
    }

    private static String trimSlash(String path) {
        return path.replaceAll("/+$", "");
    }

    // ------------------------------------------------------------------ .dockerignore

    /**
     * The rules Docker applies to .dockerignore: patterns in order, the last that matches a path or
     * one of its parent directories decides, and "!" brings a path back in.
     */
    record DockerIgnore(List<String> patterns) {

        static DockerIgnore read(Path file) throws IOException {
            return new DockerIgnore(Files.readAllLines(file).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        }

        boolean excludes(String path) {
            boolean excluded = false;
            for (String pattern : patterns) {
                boolean exception = pattern.startsWith("!");
                String glob = (exception ? pattern.substring(1) : pattern).strip().replaceAll("^/+|/+$", "");
                if (matchesItselfOrAParent(glob, path)) excluded = !exception;
            }
            return excluded;
        }

        private static boolean matchesItselfOrAParent(String glob, String path) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            for (Path p = Path.of(path); p != null; p = p.getParent()) {
                if (matcher.matches(p)) return true;
            }
            return false;
        }
    }
}
