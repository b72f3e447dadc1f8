package dev.newsstream.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.newsstream.ship.ServerProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real WAR on Payara Micro, started through docker/start.sh exactly as the container starts it,
 * configured only through environment variables, on a free port: launched, awaited and stopped by the
 * tests' own launcher (src/test/java/dev/newsstream/ship/ServerProcess: hermetic environment, port clash
 * retried, ready when its port is bound and /health/ready is UP, the process tree stopped at the end).
 * This class adds what only a benchmark asks of the server: its pid, /proc figures and jcmd.
 *
 * <p>start.sh ends in {@code exec java}, so the pid of the started process is the server JVM's own.
 */
final class Server implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final ServerProcess process;
    final long bootMillis;

    private Server(ServerProcess process) {
        this.process = process;
        this.bootMillis = process.bootTime().toMillis();
    }

    /** Starts the server with these NEWSSTREAM_* settings and JAVA_OPTS and waits until /health/ready is UP. */
    static Server start(Path basedir, Path workDir, String javaOpts, Map<String, String> settings) throws Exception {
        Files.createDirectories(workDir);
        Map<String, String> env = new HashMap<>();
        env.put("PAYARA_MICRO_JAR", basedir.resolve("target/payara-micro.jar").toString());
        // -Dbench.war / -Dbench.configDir: benchmark another build or server configuration (experiments)
        env.put("NEWSSTREAM_WAR", basedir.resolve(System.getProperty("bench.war", "target/newsstream.war")).toString());
        env.put("NEWSSTREAM_CONFIG_DIR", basedir.resolve(System.getProperty("bench.configDir", "server-config")).toString());
        env.put("JAVA_OPTS", javaOpts);
        // a database of its own for every server: articles left by an earlier run would count as known,
        // and a published article would not be new (nothing delivered)
        env.put("NEWSSTREAM_DATA_DIR", workDir.resolve("data-" + System.currentTimeMillis()).toString());
        env.putAll(settings);
        // experiments: -Dbench.env.NEWSSTREAM_STREAM_HEARTBEAT=500ms reaches the server as that variable
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.env."))
                .forEach(k -> env.put(k.substring("bench.env.".length()), System.getProperty(k)));
        Duration timeout = Duration.ofSeconds(Integer.getInteger("bench.bootTimeoutSeconds", 180));
        return new Server(ServerProcess.boot(workDir.getFileName().toString(), workDir, port -> {
            Map<String, String> withPort = new HashMap<>(env);
            withPort.put("NEWSSTREAM_PORT", String.valueOf(port));
            return ServerProcess.hermetic(List.of("sh", basedir.resolve("docker/start.sh").toString()), withPort, basedir);
        }, timeout));
    }

    URI uri(String path) {
        return process.uri(path);
    }

    int port() {
        return process.port();
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return process.log();
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
        return process.logText();
    }

    /** Log lines at WARNING or SEVERE (Payara's format puts the level in [brackets]). */
    long warningsInLog() {
        // Payara's log colours the level ("[\u001b[1;91mSEVERE\u001b[0m]"), so match the level's number instead
        return logText().lines().filter(l -> l.contains("[levelValue: 900]") || l.contains("[levelValue: 1000]")
                || l.startsWith("WARNING:") || l.startsWith("SEVERE:")).count();
    }

    /** SIGTERM to the tree (Payara's shutdown hook cleans up), SIGKILL to what is left after 30 s. */
    @Override
    public void close() {
        process.close();
    }

    static int freePort() {
        return ServerProcess.freePort();
    }

    static Map<String, String> settings(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) map.put(keyValues[i], keyValues[i + 1]);
        return map;
    }
}
