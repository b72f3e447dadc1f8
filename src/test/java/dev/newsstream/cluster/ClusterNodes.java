package dev.newsstream.cluster;

import dev.newsstream.ship.Build;
import dev.newsstream.ship.ServerProcess;
import dev.newsstream.testing.PostgresCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Several newsstream instances as separate Payara Micro processes on loopback, started through
 * docker/start.sh with NEWSSTREAM_CLUSTER=tcpip:... over one PostgreSQL. Each set gets a cluster name
 * and data grid ports of its own, so no other test run (and no other set) can ever join it.
 */
final class ClusterNodes {

    /** Several Payara Micro processes boot at once on a shared machine: each gets longer than one alone. */
    static final java.time.Duration BOOT_TIMEOUT = java.time.Duration.ofSeconds(600);

    final String clusterName = "newsstream-it-" + UUID.randomUUID().toString().substring(0, 8);
    final List<Integer> gridPorts = new ArrayList<>();
    private final PostgresCluster postgres;
    private final Path sources;
    private final Map<String, String> extra;

    ClusterNodes(PostgresCluster postgres, Path sources, Map<String, String> extra, int size) {
        this.postgres = postgres;
        this.sources = sources;
        this.extra = extra;
        for (int i = 0; i < size; i++) gridPorts.add(ServerProcess.freePort());
    }

    String members() {
        return gridPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** Boots member {@code index} (its own data grid port) and waits until it is ready. */
    ServerProcess boot(String name, int index) {
        return ServerProcess.boot(name, port -> ServerProcess.hermetic(List.of("sh", Build.startScript().toString()),
                environment(name, port, gridPorts.get(index))), BOOT_TIMEOUT);
    }

    /** Boots all members at once (a boot costs 10-20 s; in parallel the set is up in the time of one). */
    List<ServerProcess> bootAll(String prefix) {
        return bootFirst(prefix, gridPorts.size());
    }

    /** Boots the first {@code count} members at once; the others (in the member list all the same) come later. */
    List<ServerProcess> bootFirst(String prefix, int count) {
        List<CompletableFuture<ServerProcess>> boots = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            boots.add(CompletableFuture.supplyAsync(() -> boot(prefix + "-" + (char) ('a' + index), index)));
        }
        return boots.stream().map(CompletableFuture::join).toList();
    }

    Map<String, String> environment(String name, int httpPort, int gridPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PAYARA_MICRO_JAR", Build.payaraMicroJar().toString());
        env.put("NEWSSTREAM_WAR", Build.war().toString());
        env.put("NEWSSTREAM_CONFIG_DIR", Build.serverConfig().toString());
        env.put("NEWSSTREAM_PORT", String.valueOf(httpPort));
        env.put("NEWSSTREAM_SOURCES", sources.toString());
        env.put("NEWSSTREAM_DATA_DIR", Build.workDir(name).resolve("data").toString());
        env.put("JAVA_OPTS", ServerProcess.TEST_JAVA_OPTS);
        // every fixture feed is on one host: no politeness spread or per-host queue in a scenario about the cluster
        env.put("NEWSSTREAM_INGEST_HOST_SPREAD", "0s");
        env.put("NEWSSTREAM_FETCH_MAX_PER_HOST", "1000");
        if (postgres != null) {
            env.put("NEWSSTREAM_DB_CLASS", "org.postgresql.ds.PGSimpleDataSource");
            env.put("NEWSSTREAM_DB_URL", postgres.jdbcUrl() + "?connectTimeout=30&socketTimeout=60" /* a loaded machine */);
            env.put("NEWSSTREAM_DB_USER", PostgresCluster.USER);
            env.put("NEWSSTREAM_DB_PASSWORD", PostgresCluster.PASSWORD);
            env.put("NEWSSTREAM_DB_MAX_WAIT_MS", "30000");
        }
        env.put("NEWSSTREAM_CLUSTER", "tcpip:" + members());
        env.put("NEWSSTREAM_CLUSTER_NAME", clusterName);
        env.put("NEWSSTREAM_CLUSTER_PORT", String.valueOf(gridPort));
        env.put("NEWSSTREAM_CLUSTER_INTERFACE", "127.0.0.1");
        env.putAll(extra);
        return env;
    }
}
