package dev.newsstream.ship;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Payara Micro server started as a separate process, the way a user or the container starts it.
 *
 * <p>Its output goes to a log file (a pipe nobody drains would block it). It gets its own copy of the
 * environment, cleared of every variable that could change what it does (NEWSSTREAM_*, PAYARA_*, the
 * JVM option variables), so neither the developer's shell nor another test can leak into it.
 *
 * <p>Payara Micro does not exit when its HTTP port is taken: it logs a BindException, "shuts down the
 * server" and leaves the JVM running, while whoever holds the port answers instead. So a server counts
 * as ready only when its own log shows its listener bound to the port and /health/ready answers UP; a
 * failed start is seen in the log at once, a port clash is retried on another port, and everything has
 * a deadline.
 */
public final class ServerProcess implements AutoCloseable {

    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(Long.getLong("newsstream.it.bootTimeoutSeconds", 600)); // a loaded machine boots slowly
    /**
     * The JVM options of every server a test starts (JAVA_OPTS for start.sh, or before -jar): a bounded heap,
     * and those pom.xml gives every test server (newsstream.it.serverJvm: C1 only and the serial collector, a
     * boot with half the CPU). JVM options are no part of what is shipped (start.sh passes JAVA_OPTS through,
     * the runnable jar carries only Payara Micro's), so the ship tests use them too.
     */
    public static final String TEST_JAVA_OPTS = ("-Xmx512m -XX:+ExitOnOutOfMemoryError "
            + System.getProperty("newsstream.it.serverJvm", "")).strip();
    private static final int ATTEMPTS = 3;
    private static final Set<String> SCRUBBED = Set.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");
    private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    static {
        // Last line of defence: a test JVM that ends (or is told to end) never leaves a server behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(s -> s.stop(Duration.ofSeconds(5))),
                "ship-it-server-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final long startedNanos;
    private Duration bootTime;

    private ServerProcess(String name, Process process, Path log, int port, long startedNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts the command that {@code launch} builds for a free port and waits until it serves; on a
     * port clash it tries again on another port.
     */
    public static ServerProcess boot(String name, IntFunction<ProcessBuilder> launch) {
        return boot(name, launch, BOOT_TIMEOUT);
    }

    /** Like {@link #boot(String, IntFunction)} with a deadline of its own (several servers booting at once). */
    public static ServerProcess boot(String name, IntFunction<ProcessBuilder> launch, Duration timeout) {
        return boot(name, Build.workDir(name), launch, timeout);
    }

    /** Like {@link #boot(String, IntFunction, Duration)}, its logs in {@code dir} (the benchmarks keep their own). */
    public static ServerProcess boot(String name, Path dir, IntFunction<ProcessBuilder> launch, Duration timeout) {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path log = dir.resolve("server-" + attempt + ".log");
            ProcessBuilder builder = launch.apply(port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            ServerProcess server;
            try {
                server = new ServerProcess(name, builder.start(), log, port, System.nanoTime());
            } catch (IOException e) {
                throw new UncheckedIOException("could not start " + builder.command(), e);
            }
            RUNNING.add(server);
            String failure;
            try {
                failure = server.awaitReady(timeout);
            } catch (InterruptedException e) {
                server.close();
                Thread.currentThread().interrupt();
                throw new AssertionError(name + ": interrupted while waiting for the server to boot", e);
            }
            if (failure == null) return server;
            server.close();
            boolean portTaken = failure.startsWith("port");
            if (!portTaken || attempt == ATTEMPTS) {
                throw new AssertionError(name + ": " + failure + " (" + builder.command() + ")\n--- last lines of "
                        + log + ":\n" + server.logTail(60));
            }
        }
    }

    /**
     * Starts what {@code launch} builds, expecting the application to fail to deploy: waits for Payara
     * Micro to say so (or the process to end) and returns the log. Fails if the service comes up instead.
     */
    public static String bootExpectingFailure(String name, IntFunction<ProcessBuilder> launch) {
        return bootExpectingFailure(name, launch, BOOT_TIMEOUT);
    }

    /** Like {@link #bootExpectingFailure(String, IntFunction)} with a deadline of its own. */
    public static String bootExpectingFailure(String name, IntFunction<ProcessBuilder> launch, Duration timeout) {
        Path dir = Build.workDir(name);
        int port = freePort();
        Path log = dir.resolve("server-failure.log");
        ProcessBuilder builder = launch.apply(port).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        ServerProcess server;
        try {
            server = new ServerProcess(name, builder.start(), log, port, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + builder.command(), e);
        }
        RUNNING.add(server);
        try {
            String failure = server.awaitReady(timeout);
            if (failure == null) throw new AssertionError(name + ": the server started although it should have failed");
            if (failure.startsWith("not ready")) {
                throw new AssertionError(name + ": neither started nor failed within " + timeout + ":\n"
                        + server.logTail(60));
            }
            return server.logText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted", e);
        } finally {
            server.close();
        }
    }

    /** A ProcessBuilder whose environment holds nothing that could steer Payara Micro or the JVM. */
    public static ProcessBuilder hermetic(List<String> command, Map<String, String> environment) {
        return hermetic(command, environment, Build.basedir());
    }

    /** Like {@link #hermetic(List, Map)}, run in {@code directory} (where a relative ./data lands). */
    public static ProcessBuilder hermetic(List<String> command, Map<String, String> environment, Path directory) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("NEWSSTREAM_") || k.startsWith("PAYARA_") || SCRUBBED.contains(k));
        // the same JDK as the tests, for scripts that call plain `java`
        env.put("PATH", Build.javaHomeBin() + File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(environment);
        return builder;
    }

    /** @return null when ready, else why not ("port ..." when the port was taken) */
    private String awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern bound = Pattern.compile("bound to \\[[^\\]]*:" + port + "\\]");
        while (true) {
            String text = logText();
            // Payara Micro logs this and stops the server, but the JVM lives on: it would never exit
            if (text.contains("Shutting down server due to startup exception")) {
                return text.contains("java.net.BindException") ? "port " + port + " was taken" : "the server failed to start";
            }
            // the WAR failed to deploy: Payara Micro logs it and serves on without it
            if (text.contains("Exception while loading the app")) return "the application failed to deploy";
            if (!process.isAlive()) return "the server exited with " + process.exitValue() + " before it was ready";
            if (bound.matcher(text).find() && readyIsUp()) {
                bootTime = Duration.ofNanos(System.nanoTime() - startedNanos);
                return null;
            }
            if (System.nanoTime() > deadline) return "not ready within " + timeout;
            Thread.sleep(200);
        }
    }

    private boolean readyIsUp() throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(3)).GET().build();
        try {
            HttpResponse<String> response = PROBE.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"status\":\"UP\"");
        } catch (IOException notYet) {
            return false;
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    /** The started process's pid: the server JVM's own when the command ends in exec java (start.sh does). */
    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** From process start until /health/ready answered UP. */
    public Duration bootTime() {
        return bootTime;
    }

    /** What Payara Micro itself reports, e.g. "ready in 6,511 (ms)", or "?" if it has not said. */
    public String payaraReadyIn() {
        var m = Pattern.compile("ready in ([0-9,.]+) \\(ms\\)").matcher(logText());
        return m.find() ? m.group(1) + " ms" : "?";
    }

    public String logText() {
        try {
            return new String(Files.readAllBytes(log), UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    /** SIGKILL to the whole tree at once, as a crash: no shutdown hook, no flush. */
    public void kill() {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM to the whole tree (Payara's shutdown hook cleans up), then SIGKILL to whatever is left. */
    private void stop(Duration grace) {
        // the descendants are looked up first: once the parent is gone they are no longer its descendants
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // forced below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
