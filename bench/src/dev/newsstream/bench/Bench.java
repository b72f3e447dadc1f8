package dev.newsstream.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * newsstream benchmarks against the real WAR on Payara Micro (started through docker/start.sh).
 * Run through bench/run.sh, which builds everything; see bench/README.md.
 *
 * <p>Scenarios: storm (health and upstream clean-up under a storm of aborted streams over feeds that
 * never answer), shared (single-flight fetches and warm-cache latency for 100 concurrent streams),
 * fanout (one new article to 1,000 and 10,000 idle live clients). Output: Markdown tables on stdout,
 * also written to target/bench/results-*.md.
 */
public final class Bench {

    static Path basedir;
    static Path workDir;
    static String javaOpts;
    private static final StringBuilder REPORT = new StringBuilder();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        basedir = Path.of(System.getProperty("bench.basedir", ".")).toAbsolutePath().normalize();
        workDir = Files.createDirectories(basedir.resolve("target/bench"));
        javaOpts = System.getProperty("bench.javaOpts", "-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError");
        List<String> scenarios = new ArrayList<>();
        for (String a : args.length == 0 ? new String[] {"all"} : args) {
            switch (a) {
                case "all" -> scenarios.addAll(List.of("storm", "shared", "fanout"));
                case "storm", "shared", "fanout", "stalled", "cluster" -> scenarios.add(a);
                default -> {
                    System.err.println("usage: bench/run.sh [storm|shared|fanout|stalled|cluster|all]...");
                    System.exit(64);
                }
            }
        }
        print("# newsstream benchmark " + DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        print(conditions());
        boolean failed = false;
        for (String scenario : scenarios) {
            print("\n## " + scenario + "\n");
            print("load before: " + loadAverage() + "; other JVMs running: " + otherJvms());
            long start = System.nanoTime();
            try {
                switch (scenario) {
                    case "storm" -> StormScenario.run();
                    case "shared" -> SharedScenario.run();
                    case "fanout" -> FanoutScenario.run();
                    case "stalled" -> StalledScenario.run();
                    case "cluster" -> ClusterScenario.run();
                    default -> throw new IllegalStateException(scenario);
                }
            } catch (Exception | AssertionError e) {
                failed = true;
                print("\n**" + scenario + " FAILED:** " + e);
                e.printStackTrace();
            }
            print("\nload after: " + loadAverage() + "; other JVMs running: " + otherJvms() + "; scenario took "
                    + Stats.seconds(System.nanoTime() - start) + " s");
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path out = workDir.resolve("results-" + String.join("-", scenarios.stream().distinct().toList()) + "-" + stamp + ".md");
        Files.writeString(out, REPORT.toString(), UTF_8);
        System.out.println("\nresults written to " + basedir.relativize(out));
        System.exit(failed ? 1 : 0);
    }

    static void print(String text) {
        System.out.println(text);
        System.out.flush();
        REPORT.append(text).append('\n');
    }

    static String conditions() {
        return String.format(Locale.ROOT, """
                machine: %d cores (%s), %s RAM; %s; Java %s (%s)
                server JAVA_OPTS: %s; open-files limit: %s; commit %s%s""",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memTotal(), kernel(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                javaOpts, openFilesLimit(), System.getProperty("bench.commit", "?"), overrides());
    }

    /** Server settings added with -Dbench.env.NAME=value (experiments), shown with every result. */
    private static String overrides() {
        String o = String.join(", ", System.getProperties().stringPropertyNames().stream().sorted()
                .filter(k -> k.startsWith("bench.env.")).map(k -> k.substring(10) + "=" + System.getProperty(k)).toList());
        for (String k : List.of("bench.war", "bench.configDir")) {
            if (System.getProperty(k) != null) o += (o.isEmpty() ? "" : ", ") + k + "=" + System.getProperty(k);
        }
        return o.isEmpty() ? "" : "\nserver overrides: " + o;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** JVMs on this machine that are not this one nor a child of it: other engineers' tests, i.e. noise. */
    static long otherJvms() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.parent().map(pp -> pp.pid() != self).orElse(true))
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .count();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB").orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String kernel() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String openFilesLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                    .findFirst().map(l -> l.replaceAll("Max open files\\s+", "").replaceAll("\\s+files\\s*$", "")
                            .trim().split("\\s+")[0]).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
