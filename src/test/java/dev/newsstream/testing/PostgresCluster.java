package dev.newsstream.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for system tests: the machine's own PostgreSQL binaries (Debian's
 * {@code postgresql} package, which {@code .ci/run} installs), a new cluster in a temporary directory,
 * listening on 127.0.0.1 at a free port, with one database and one password-protected role for the
 * service. It can be stopped and started again (an outage) and is always stopped and removed by
 * {@link #close()}, and at the latest when the test JVM ends.
 *
 * <p>initdb refuses to run as root, so as root every PostgreSQL command runs as the {@code postgres}
 * operating-system user (through {@code runuser}), which owns the cluster's directory.
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String DATABASE = "newsstream";
    public static final String USER = "newsstream";
    /** Unusual on purpose: tests look for it in logs, where it must never appear. */
    public static final String PASSWORD = "pw-Q7x9-never-logged";

    private static final Set<PostgresCluster> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(PostgresCluster::close),
                "postgres-cluster-reaper"));
    }

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final Path keptLog;
    private final int port;
    private final boolean asRoot = "root".equals(System.getProperty("user.name"));

    private PostgresCluster(Path bin, Path dir, Path keptLog, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = dir.resolve("postgres.log");
        this.keptLog = keptLog;
        this.port = port;
    }

    /** The bin directory of the newest PostgreSQL installed under /usr/lib/postgresql, if any. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) return Optional.empty();
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** initdb, start, and a database owned by a role with {@link #PASSWORD}; its log is kept as {@code keptLog}. */
    public static PostgresCluster start(Path keptLog) {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"));
        PostgresCluster cluster;
        try {
            cluster = new PostgresCluster(bin, Files.createTempDirectory("newsstream-pg-"), keptLog, freePort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RUNNING.add(cluster);
        try {
            cluster.initialize();
            cluster.startServer();
            cluster.psql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            cluster.psql("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void initialize() {
        if (asRoot) run(List.of("chown", "postgres:postgres", dir.toString()), false);
        Path pwfile = dir.resolve("superuser.pw");
        try {
            Files.writeString(pwfile, "unused-superuser-password\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (asRoot) run(List.of("chown", "postgres:postgres", pwfile.toString()), false);
        // the service and the tests log in over TCP with a password; psql as the superuser over the socket
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-E", "UTF8",
                "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + pwfile), true);
    }

    private void startServer() {
        String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
                + " -c fsync=off -c full_page_writes=off -c max_connections=50";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", options, "start"), true);
    }

    /**
     * Lets TCP logins from 127.0.0.1 in without a password check ("trust"), then reloads. For tests that
     * boot several servers at once on a loaded machine: a SCRAM login costs thousands of HMAC rounds in a
     * cold JVM, which there takes longer than the service's 5 s login timeout.
     */
    public void trustLoopback() {
        Path hba = data.resolve("pg_hba.conf");
        try {
            String lines = Files.readString(hba).replace("scram-sha-256", "trust");
            Files.writeString(hba, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "reload"), true);
    }

    /** Starts the cluster again after {@link #stop()}. */
    public void restart() {
        startServer();
    }

    /** Stops the cluster (fast shutdown: open connections are cut, as in an outage). */
    public void stop() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"),
                true);
    }

    private void psql(String sql) {
        run(List.of(bin.resolve("psql").toString(), "-h", dir.toString(), "-p", String.valueOf(port), "-U", "postgres",
                "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql), true);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** A connection as the service's role, for looking at what the service stored. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** Stops the cluster if it runs, keeps its log and removes its files. Never throws. */
    @Override
    public void close() {
        if (!RUNNING.remove(this)) return;
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t",
                        "30", "stop"), true);
            }
        } catch (RuntimeException e) {
            System.err.println("PostgresCluster: stopping " + data + " failed: " + e.getMessage());
        }
        try {
            if (keptLog != null && Files.exists(log)) {
                Files.createDirectories(keptLog.getParent());
                Files.copy(log, keptLog, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("PostgresCluster: cleaning up " + dir + " failed: " + e.getMessage());
        }
    }

    private void run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres && asRoot) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        try {
            Path out = Files.createTempFile("newsstream-pg-cmd-", ".log");
            try {
                Process process = new ProcessBuilder(full).directory(new File("/tmp")).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out: " + full);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(full + " exited with " + process.exitValue() + ":\n"
                            + Files.readString(out) + tail(log));
                }
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + full, e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return "\n--- " + file + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
