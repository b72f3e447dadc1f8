package dev.newsstream.ship;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * docker/start.sh, the container's entrypoint, run as the image runs it: the built WAR, Payara Micro
 * and server-config/ handed over in its environment variables, configuration of the application
 * only through NEWSSTREAM_* variables.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartScriptIT {

    /** The class's one server: this instance of the class (one for all its tests) starts and stops it. */
    ServerProcess server;

    @BeforeAll
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void startTheScript() throws IOException {
        Path sources = Build.workDir("start-script").resolve("sources.json");
        Files.writeString(sources, new SourcesJson()
                .add("Ship one", URI.create("http://127.0.0.1:1/one.xml"), "ship")
                .add("Ship two", URI.create("http://127.0.0.1:1/two.xml"), "ship")
                .json());
        server = ServerProcess.boot("start-script", port -> ServerProcess.hermetic(
                List.of("sh", Build.startScript().toString()),
                Map.of("PAYARA_MICRO_JAR", Build.payaraMicroJar().toString(),
                        "NEWSSTREAM_WAR", Build.war().toString(),
                        "NEWSSTREAM_CONFIG_DIR", Build.serverConfig().toString(),
                        "NEWSSTREAM_PORT", String.valueOf(port),
                        "JAVA_OPTS", ServerProcess.TEST_JAVA_OPTS,
                        // ready needs the first refresh done (its sources refuse): soon, not spread over 2 min after 5 s
                        "NEWSSTREAM_INGEST_HOST_SPREAD", "0s", "NEWSSTREAM_INGEST_INITIAL_DELAY", "1s",
                        "NEWSSTREAM_SOURCES", sources.toString(),
                        "NEWSSTREAM_DATA_DIR", Build.workDir("start-script").resolve("data").toString())));
        System.out.printf("start.sh: /health/ready UP %d ms after the process started (Payara Micro: ready in %s)%n",
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
    void theApplicationIsServedAtTheRootAndTakesItsConfigurationFromTheEnvironment() {
        HttpResponse<String> response = Http.get(server.uri("/"));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonObject info = Http.json(response);
        assertEquals("newsstream", info.getString("name"));
        assertEquals(2, info.getInt("sources"), "NEWSSTREAM_SOURCES reached MicroProfile Config: " + info);
    }

    @Test
    void theExecutorsOfThePostBootCommandFileServeAStream() throws Exception {
        try (SseConnection stream = SseConnection.open(server.uri("/news/stream?category=none"))) {
            assertEquals(200, stream.status());
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(15));
            assertEquals(List.of("starting", "complete"), frames.stream().map(Frame::event).toList());
        }
    }

    @Test
    void aMissingFileStopsTheScriptAtOnceNamingTheVariableToSet() throws Exception {
        Path missing = Build.workDir("start-script").resolve("no-such.war");
        Path err = Build.workDir("start-script").resolve("missing-war.err");
        Process script = ServerProcess.hermetic(List.of("sh", Build.startScript().toString()),
                        Map.of("PAYARA_MICRO_JAR", Build.payaraMicroJar().toString(),
                                "NEWSSTREAM_WAR", missing.toString(),
                                "NEWSSTREAM_CONFIG_DIR", Build.serverConfig().toString(),
                                "NEWSSTREAM_PORT", String.valueOf(ServerProcess.freePort())))
                .redirectErrorStream(true).redirectOutput(err.toFile()).start();
        try {
            assertTrue(script.waitFor(20, TimeUnit.SECONDS), "start.sh should fail at once, not start Payara Micro");
            String message = Files.readString(err);
            assertEquals(64, script.exitValue(), message);
            assertTrue(message.contains(missing.toString()) && message.contains("NEWSSTREAM_WAR"), message);
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }
}
