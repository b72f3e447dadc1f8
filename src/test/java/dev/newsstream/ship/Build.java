package dev.newsstream.ship;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and what {@code mvn package} built are, as failsafe passes them (see pom.xml). */
public final class Build {

    private Build() {
    }

    public static Path basedir() {
        return Path.of(System.getProperty("newsstream.basedir", ".")).toAbsolutePath().normalize();
    }

    public static Path war() {
        return built(System.getProperty("newsstream.war", "target/newsstream.war"));
    }

    public static Path payaraMicroJar() {
        return built(System.getProperty("payara.microJar", "target/payara-micro.jar"));
    }

    public static Path microbundle() {
        return built(System.getProperty("newsstream.microbundle", "target/newsstream-1.0.0-SNAPSHOT-microbundle.jar"));
    }

    public static Path serverConfig() {
        return basedir().resolve("server-config");
    }

    public static Path startScript() {
        return basedir().resolve("docker/start.sh");
    }

    public static String payaraVersion() {
        String version = System.getProperty("payara.version");
        if (version == null) throw new IllegalStateException("payara.version is not set: run the tests with mvn verify");
        return version;
    }

    /** A fresh directory under target/ship-it for one test's files (logs, config). */
    public static Path workDir(String name) {
        try {
            return Files.createDirectories(basedir().resolve("target/ship-it").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java launcher of the JVM running the tests, so started servers run on the same JDK. */
    public static Path javaHomeBin() {
        return Path.of(System.getProperty("java.home"), "bin");
    }

    private static Path built(String path) {
        Path file = basedir().resolve(path).normalize();
        if (!Files.isRegularFile(file)) throw new IllegalStateException(file + " is missing: run the tests with mvn verify");
        return file;
    }
}
