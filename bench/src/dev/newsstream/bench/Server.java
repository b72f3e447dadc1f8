package dev.newsstream.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real WAR on Payara Micro, started through docker/start.sh exactly as the container starts it,
 * configured only through environment variables, on a free port. Like the ship tests' ServerProcess
 * (which is package-private there) but it also exposes the JVM's pid, for /proc and jcmd.
 *
 * <p>start.sh ends in {@code exec java}, so the pid of the started process is the server JVM's own.
 */
final class Server implements AutoCloseable {

    private static final Set<String> SCRUBBED = Set.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Process process;
    private final Path log;
    private final int port;
    long bootMillis;

    private Server(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the server with these NEWSSTREAM_* settings and JAVA_OPTS and waits until /health/ready is UP. */
    static Server start(Path basedir, Path workDir, String javaOpts, Map<String, String> settings) throws Exception {
        Files.createDirectories(workDir);
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path log = workDir.resolve("server-" + attempt + ".log");
            ProcessBuilder builder = new ProcessBuilder("sh", basedir.resolve("docker/start.sh").toString())
                    .directory(basedir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("NEWSSTREAM_") || k.startsWith("PAYARA_") || SCRUBBED.contains(k));
            env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
                    + env.getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("PAYARA_MICRO_JAR", basedir.resolve("target/payara-micro.jar").toString());
            // -Dbench.war / -Dbench.configDir: benchmark another build or server configuration (experiments)
            env.put("NEWSSTREAM_WAR", basedir.resolve(System.getProperty("bench.war", "target/newsstream.war")).toString());
            env.put("NEWSSTREAM_CONFIG_DIR", basedir.resolve(System.getProperty("bench.configDir", "server-config")).toString());
            env.put("NEWSSTREAM_PORT", String.valueOf(port));
            env.put("JAVA_OPTS", javaOpts);
            // a database of its own for every server: articles left by an earlier run would count as known,
            // and a published article would not be new (nothing delivered)
            env.put("NEWSSTREAM_DATA_DIR", workDir.resolve("data-" + System.currentTimeMillis() + "-" + attempt).toString());
            env.putAll(settings);
            // experiments: -Dbench.env.NEWSSTREAM_STREAM_HEARTBEAT=500ms reaches the server as that variable
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.env."))
                    .forEach(k -> env.put(k.substring("bench.env.".length()), System.getProperty(k)));
            long started = System.nanoTime();
            Server server = new Server(builder.start(), log, port);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bench-server-reaper"));
            String failure = server.awaitReady(Duration.ofSeconds(Integer.getInteger("bench.bootTimeoutSeconds", 180)));
            if (failure == null) {
                server.bootMillis = (System.nanoTime() - started) / 1_000_000;
                return server;
            }
            server.close();
            if (!failure.startsWith("port") || attempt == 3) {
                throw new IllegalStateException("server did not start: " + failure + "; see " + log);
            }
        }
    }

    private String awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern bound = Pattern.compile("bound to \\[[^\\]]*:" + port + "\\]");
        while (true) {
            String text = logText();
            if (text.contains("Shutting down server due to startup exception")) {
                return text.contains("java.net.BindException") ? "port " + port + " was taken" : "startup exception";
            }
            if (!process.isAlive()) return "exited with " + process.exitValue();
            if (bound.matcher(text).find()) {
                try {
                    HttpResponse<String> r = get("/health/ready");
                    if (r.statusCode() == 200 && r.body().replace(" ", "").contains("\"status\":\"UP\"")) return null;
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
            if (System.nanoTime() > deadline) return "not ready within " + timeout;
            Thread.sleep(200);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonObject getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    /** active_streams as /health/live reports it (a counter read, no lock). */
    int activeStreams() throws IOException, InterruptedException {
        JsonObject health = getJson("/health/live");
        for (JsonValue check : health.getJsonArray("checks")) {
            JsonObject data = check.asJsonObject().getJsonObject("data");
            if (data != null && data.containsKey("active_streams")) {
                JsonValue v = data.get("active_streams"); // MicroProfile Health may report numbers as strings
                return v instanceof jakarta.json.JsonNumber n ? n.intValue()
                        : Integer.parseInt(((jakarta.json.JsonString) v).getString());
            }
        }
        throw new IllegalStateException("no active_streams in " + health);
    }

    /** Polls until the server holds no stream; returns how long that took (ns), or -1 on timeout. */
    long awaitActiveStreams(int atMost, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (activeStreams() > atMost) {
            if (System.nanoTime() - start > timeout.toNanos()) return -1;
            Thread.sleep(20);
        }
        return System.nanoTime() - start;
    }

    /** A field of /proc/<pid>/status, e.g. VmRSS (kB) or Threads. */
    long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(field + " not in /proc/" + pid() + "/status");
    }

    /** CPU time (user + system) the server JVM has used so far, in ns (from /proc/<pid>/stat, 100 ticks/s). */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime, stime (fields 14, 15)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** jcmd on our own server JVM: a full GC, then the heap's used kB (G1 reports "used NK"). */
    long heapUsedKbAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(List.of(jcmd.toString(), String.valueOf(pid()), command))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    String logText() {
        try {
            return Files.readString(log, UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Log lines at WARNING or SEVERE (Payara's format puts the level in [brackets]). */
    long warningsInLog() {
        return logText().lines().filter(l -> l.contains("[WARNING]") || l.contains("[SEVERE]")
                || l.startsWith("WARNING:") || l.startsWith("SEVERE:")).count();
    }

    /** SIGTERM to the tree (Payara's shutdown hook cleans up), SIGKILL to what is left after 30 s. */
    @Override
    public synchronized void close() {
        if (!process.isAlive()) return;
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> settings(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) map.put(keyValues[i], keyValues[i + 1]);
        return map;
    }
}
