package dev.newsstream.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How docker/start.sh turns NEWSSTREAM_CLUSTER into Payara Micro's options, with a stand-in {@code java}
 * on the PATH that prints the arguments it gets instead of starting anything.
 */
class StartScriptClusterTest {

    @TempDir
    Path dir;

    record Run(int exit, String output) {
    }

    Run run(Map<String, String> env) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n", UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("pre-boot-commands.asadmin"), "");
        Files.writeString(config.resolve("post-boot-commands.asadmin"), "");
        Files.writeString(dir.resolve("payara-micro.jar"), "");
        Files.writeString(dir.resolve("newsstream.war"), "");
        ProcessBuilder builder = new ProcessBuilder("sh", Path.of("docker/start.sh").toAbsolutePath().toString())
                .redirectErrorStream(true);
        Map<String, String> e = builder.environment();
        e.keySet().removeIf(k -> k.startsWith("NEWSSTREAM_") || k.startsWith("PAYARA_"));
        e.put("PATH", bin + ":/usr/bin:/bin");
        e.put("PAYARA_MICRO_JAR", dir.resolve("payara-micro.jar").toString());
        e.put("NEWSSTREAM_WAR", dir.resolve("newsstream.war").toString());
        e.put("NEWSSTREAM_CONFIG_DIR", config.toString());
        e.put("JAVA_OPTS", "");
        e.putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    static List<String> args(Run run) {
        return run.output().lines().toList();
    }

    @Test
    void withoutTheVariableAnInstanceRunsAloneAsBefore() throws Exception {
        Run run = run(Map.of());
        assertEquals(0, run.exit(), run.output());
        assertTrue(args(run).contains("--nocluster"), run.output());
        assertTrue(!args(run).contains("--clustermode") && !args(run).contains("--clustername"), run.output());
    }

    @Test
    void tcpipMembersBecomePayaraMicrosClusterOptions() throws Exception {
        Run run = run(Map.of("NEWSSTREAM_CLUSTER", "tcpip:h1:5901,h2:5901", "NEWSSTREAM_CLUSTER_NAME", "news-x",
                "NEWSSTREAM_CLUSTER_PORT", "5901", "NEWSSTREAM_CLUSTER_INTERFACE", "127.0.0.1"));
        assertEquals(0, run.exit(), run.output());
        List<String> args = args(run);
        assertTrue(!args.contains("--nocluster"), run.output());
        assertEquals("tcpip:h1:5901,h2:5901", args.get(args.indexOf("--clustermode") + 1));
        assertEquals("news-x", args.get(args.indexOf("--clustername") + 1));
        assertEquals("5901", args.get(args.indexOf("--startport") + 1));
        assertEquals("127.0.0.1", args.get(args.indexOf("--interfaces") + 1));
    }

    @Test
    void kubernetesAndPlainMulticastAreTakenToo() throws Exception {
        List<String> k8s = args(run(Map.of("NEWSSTREAM_CLUSTER", "kubernetes:news,newsstream-grid")));
        assertEquals("kubernetes:news,newsstream-grid", k8s.get(k8s.indexOf("--clustermode") + 1));
        assertEquals("newsstream", k8s.get(k8s.indexOf("--clustername") + 1), "the default cluster name");
        List<String> multicast = args(run(Map.of("NEWSSTREAM_CLUSTER", "multicast")));
        assertTrue(!multicast.contains("--nocluster") && !multicast.contains("--clustermode"), multicast.toString());
    }

    @Test
    void anUnknownModeStopsTheScriptWithOneClearMessage() throws Exception {
        Run run = run(Map.of("NEWSSTREAM_CLUSTER", "zookeeper:h1"));
        assertEquals(64, run.exit(), run.output());
        assertTrue(run.output().contains("NEWSSTREAM_CLUSTER must be tcpip:") && run.output().contains("zookeeper:h1"),
                run.output());
    }
}
