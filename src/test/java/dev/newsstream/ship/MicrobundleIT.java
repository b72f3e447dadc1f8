package dev.newsstream.ship;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Http;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The one runnable jar, {@code java -jar target/newsstream-VERSION-microbundle.jar}, started with
 * nothing but a port: the WAR, its root context and both boot command files must all be inside it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MicrobundleIT {

    /** The class's one server: this instance of the class (one for all its tests) starts and stops it. */
    ServerProcess server;

    @BeforeAll
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void startTheJar() {
        server = ServerProcess.boot("microbundle", port -> ServerProcess.hermetic(
                Stream.of(Stream.of(Build.javaHomeBin().resolve("java").toString()),
                        Stream.of(ServerProcess.TEST_JAVA_OPTS.split(" ")), // JVM options only: nothing of Payara's
                        Stream.of("-jar", Build.microbundle().toString(), "--port", String.valueOf(port)))
                        .flatMap(s -> s).toList(),
                // ready needs the first refresh of the bundled sources done, which this machine cannot reach: at
                // once (the default spreads each host's sources over 2 minutes after a 5 s delay)
                Map.of("NEWSSTREAM_INGEST_HOST_SPREAD", "0s", "NEWSSTREAM_INGEST_INITIAL_DELAY", "1s"),
                Build.workDir("microbundle"))); // its default ./data lands under target/
        System.out.printf("microbundle: /health/ready UP %d ms after the process started (Payara Micro: ready in %s)%n",
                server.bootTime().toMillis(), server.payaraReadyIn());
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void readinessIsUp() {
        HttpResponse<String> response = Http.get(server.uri("/health/ready"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("UP", Http.json(response).getString("status"));
    }

    @Test
    void theApplicationIsServedAtTheRoot() {
        // /health is served by Payara itself at any context root; / proves where the WAR went
        HttpResponse<String> response = Http.get(server.uri("/"));
        assertEquals(200, response.statusCode(), "GET / should be the application, not Payara's 404: " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject info = Http.json(response);
        assertEquals("newsstream", info.getString("name"));
        assertTrue(info.getInt("sources") > 0, "the bundled sources.json: " + info);
    }

    @Test
    void anEmptyCategoryStreamsStartingThenComplete() throws Exception {
        // the stream runs on the executors that the post-boot command file creates
        try (SseConnection stream = SseConnection.open(server.uri("/news/stream?category=none"))) {
            assertEquals(200, stream.status());
            assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                    stream.headers().toString());
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(15));
            assertEquals(List.of("starting", "complete"), frames.stream().map(Frame::event).toList());
            assertEquals(0, frames.get(1).json().getInt("total_articles"));
            assertTrue(stream.awaitEnd(ofSeconds(5)), "the server ends the stream after complete");
        }
    }

    @Test
    void theJarCarriesTheBootCommandFilesTheRootContextAndThePort() throws IOException {
        try (ZipFile jar = new ZipFile(Build.microbundle().toFile())) {
            assertEquals(Files.readString(Build.serverConfig().resolve("pre-boot-commands.asadmin")),
                    text(jar, "MICRO-INF/pre-boot-commands.txt"));
            assertEquals(Files.readString(Build.serverConfig().resolve("post-boot-commands.asadmin")),
                    text(jar, "MICRO-INF/post-boot-commands.txt"));
            assertNotNull(jar.getEntry("MICRO-INF/deploy/newsstream.war"));
            assertEquals(Files.size(Build.war()), jar.getEntry("MICRO-INF/deploy/newsstream.war").getSize(),
                    "the WAR of this build");
            assertEquals("/", properties(jar, "MICRO-INF/deploy/contexts.properties").getProperty("newsstream.war"));
            Properties options = properties(jar, "MICRO-INF/deploy/payaramicro.properties");
            assertEquals("8080", options.getProperty("payaramicro.port"));
            assertEquals("true", options.getProperty("payaramicro.noCluster"));
        }
    }

    private static String text(ZipFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertNotNull(entry, name + " is missing from " + jar.getName());
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    private static Properties properties(ZipFile jar, String name) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text(jar, name)));
        return properties;
    }
}
