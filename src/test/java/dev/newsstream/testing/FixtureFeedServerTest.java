package dev.newsstream.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.SyndFeedInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Proves the fixture server does what the integration tests rely on, so their failures mean the WAR. */
class FixtureFeedServerTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private FixtureFeedServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        server = FixtureFeedServer.start();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void countsRequestsPerPathWithoutQueryAndRemembersTheirHeaders() throws Exception {
        get("/rss/a.xml?items=1", "X-Probe", "first");
        get("/rss/a.xml", "X-Probe", "second");
        get("/atom/b.xml");

        assertEquals(2, server.requestCount("/rss/a.xml"));
        assertEquals(1, server.requestCount("/atom/b.xml"));
        assertEquals(0, server.requestCount("/rss/never.xml"));
        assertEquals(3, server.totalRequests());
        assertEquals("second", server.lastRequestHeaders("/rss/a.xml").get("x-probe"));

        server.resetCounts();

        assertEquals(0, server.requestCount("/rss/a.xml"));
        assertEquals(0, server.totalRequests());
        assertEquals(Map.of(), server.lastRequestHeaders("/rss/a.xml"));
    }

    @Test
    void rssRouteServesAValidFeedOfFiveItems() throws Exception {
        HttpResponse<byte[]> response = get("/rss/world.xml");

        assertEquals(200, response.statusCode());
        assertEquals(FixtureFeedServer.RSS_TYPE, response.headers().firstValue("content-type").orElseThrow());
        assertEquals(String.valueOf(response.body().length),
                response.headers().firstValue("content-length").orElseThrow());
        SyndFeed feed = parse(response.body());
        assertEquals(5, feed.getEntries().size());
        for (int i = 1; i <= 5; i++) {
            SyndEntry entry = feed.getEntries().get(i - 1);
            assertEquals("world story " + i, entry.getTitle());
            assertEquals(server.url("/articles/world/" + i).toString(), entry.getLink());
            assertEquals("fixture-world-" + i, entry.getUri());
            assertEquals(Date.from(FixtureFeedServer.BASE_DATE.minus(i, ChronoUnit.HOURS)), entry.getPublishedDate());
            assertTrue(entry.getDescription().getValue().contains("<b>world</b>"), "description is HTML");
        }
        String xml = new String(response.body(), UTF_8);
        assertTrue(xml.contains("<media:thumbnail url=\"" + server.url("/images/world/1.jpg") + "\""), xml);
    }

    @Test
    void itemsQueryChangesTheCount() throws Exception {
        assertEquals(2, parse(get("/rss/short.xml?items=2").body()).getEntries().size());
        assertEquals(7, parse(get("/atom/long.xml?items=7").body()).getEntries().size());
        assertEquals(400, get("/rss/bad.xml?items=many").statusCode());
    }

    @Test
    void atomRouteServesAValidFeedOfThreeEntries() throws Exception {
        HttpResponse<byte[]> response = get("/atom/tech.xml");

        assertEquals(FixtureFeedServer.ATOM_TYPE, response.headers().firstValue("content-type").orElseThrow());
        SyndFeed feed = parse(response.body());
        assertEquals("atom_1.0", feed.getFeedType());
        assertEquals(List.of("tech story 1", "tech story 2", "tech story 3"),
                feed.getEntries().stream().map(SyndEntry::getTitle).toList());
        assertEquals(server.url("/articles/tech/2").toString(), feed.getEntries().get(1).getLink());
    }

    @Test
    void helperBuildsFeedsForCustomRoutesWhichTakePrecedence() throws Exception {
        Instant published = Instant.parse("2026-01-02T03:04:05Z");
        server.putFeed("/rss/world.xml", FixtureFeedServer.rss("Custom", List.of(
                new FixtureFeedServer.Item("Only one", "http://127.0.0.1/one", "one", published, "<i>hi</i>"),
                new FixtureFeedServer.Item(null, null, null, null, null))));

        SyndFeed feed = parse(get("/rss/world.xml").body());

        assertEquals("Custom", feed.getTitle());
        assertEquals(2, feed.getEntries().size());
        assertEquals("Only one", feed.getEntries().get(0).getTitle());
        assertEquals(Date.from(published), feed.getEntries().get(0).getPublishedDate());
    }

    @Test
    void customRouteSendsStatusTypeBodyAndExtraHeaders() throws Exception {
        server.put("/limited", 429, "text/plain", "slow down".getBytes(UTF_8), Map.of("Retry-After", "120"));

        HttpResponse<byte[]> response = get("/limited");

        assertEquals(429, response.statusCode());
        assertEquals("slow down", new String(response.body(), UTF_8));
        assertEquals("120", response.headers().firstValue("retry-after").orElseThrow());
        assertEquals("close", response.headers().firstValue("connection").orElseThrow());
    }

    @Test
    void gzipRouteDecodesToTheSameFeed() throws Exception {
        HttpResponse<byte[]> zipped = get("/gzip/news.xml");
        HttpResponse<byte[]> plain = get("/rss/news.xml");

        assertEquals("gzip", zipped.headers().firstValue("content-encoding").orElseThrow());
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertEquals(new String(plain.body(), UTF_8), new String(in.readAllBytes(), UTF_8));
        }
    }

    @Test
    void gzipBombIsSmallButInflatesToOver64MiB() throws Exception {
        HttpResponse<byte[]> response = get("/gzip-bomb.xml");

        assertTrue(response.body().length < 1024 * 1024, "compressed size " + response.body().length);
        long inflated;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            inflated = in.transferTo(OutputStream.nullOutputStream());
        }
        assertTrue(inflated > FixtureFeedServer.GZIP_BOMB_INFLATED_BYTES, "inflated size " + inflated);
    }

    @Test
    void etagRouteAnswersConditionalRequestsWith304() throws Exception {
        HttpResponse<byte[]> first = get("/etag/e.xml");
        String etag = first.headers().firstValue("etag").orElseThrow();
        String lastModified = first.headers().firstValue("last-modified").orElseThrow();
        assertEquals(200, first.statusCode());
        assertEquals("\"v1-e\"", etag);
        assertEquals("Fri, 20 Nov 2026 12:00:00 GMT", lastModified);

        HttpResponse<byte[]> byEtag = get("/etag/e.xml", "If-None-Match", etag);
        assertEquals(304, byEtag.statusCode());
        assertEquals(0, byEtag.body().length);
        assertEquals(etag, byEtag.headers().firstValue("etag").orElseThrow());

        assertEquals(304, get("/etag/e.xml", "If-Modified-Since", lastModified).statusCode());
        assertEquals(200, get("/etag/e.xml", "If-None-Match", "\"v0-e\"").statusCode());
        assertEquals(200, get("/etag/e.xml", "If-Modified-Since", "Fri, 20 Nov 2026 11:59:59 GMT").statusCode());
    }

    @Test
    void redirectChainEndsAtTheRedirectedFeed() throws Exception {
        HttpClient following = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();

        HttpResponse<String> response = following.send(
                HttpRequest.newBuilder(server.url("/redirect/3")).build(), BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals(server.url("/rss/redirected.xml"), response.uri());
        assertTrue(response.body().contains("redirected story 1"));
        for (String path : List.of("/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0", "/rss/redirected.xml")) {
            assertEquals(1, server.requestCount(path), path);
        }
        HttpResponse<byte[]> single = get("/redirect/0");
        assertEquals(302, single.statusCode());
        assertEquals(server.url("/rss/redirected.xml").toString(),
                single.headers().firstValue("location").orElseThrow());
    }

    @Test
    void otherBuiltInRoutes() throws Exception {
        assertEquals(503, get("/status/503").statusCode());
        assertEquals(404, get("/nothing/here").statusCode());
        assertTrue(get("/html").headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertEquals("<rss><channel><item><title>broken</channel>", new String(get("/malformed.xml").body(), UTF_8));

        String xxe = new String(get("/xxe.xml").body(), UTF_8);
        assertTrue(xxe.contains("<!ENTITY xxe SYSTEM \"" + server.url("/xxe-secret") + "\">"), xxe);
        assertTrue(xxe.contains("&xxe;"), xxe);
        assertEquals(0, server.requestCount("/xxe-secret"));
        assertEquals("secret", new String(get("/xxe-secret").body(), UTF_8).strip());
    }

    @Test
    void malformedRequestGets400() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("NONSENSE\r\n\r\n".getBytes(ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
        }
    }

    @Test
    void normalResponsesCloseTheirConnection() throws Exception {
        get("/rss/a.xml");

        assertTrue(server.awaitNoOpenConnections("/", ONE_SECOND));
        assertEquals(0, server.openConnections());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hang/x", "/trickle/x"})
    void cancellingTheClientsRequestClosesTheConnection(String path) throws Exception {
        CompletableFuture<HttpResponse<String>> pending =
                client.sendAsync(HttpRequest.newBuilder(server.url(path)).build(), BodyHandlers.ofString());
        String prefix = path.substring(0, path.lastIndexOf('/'));
        awaitTrue(() -> server.openConnections(prefix) == 1, "the request arrives");

        pending.cancel(true);

        // HttpClient ends it either as cancelled or with a CompletionException around its own
        // CancellationException, depending on a race inside the client; either way it is over.
        assertTrue(pending.isCompletedExceptionally());
        assertTrue(server.awaitNoOpenConnections(prefix, ONE_SECOND), "the server notices the client left");
        assertEquals(1, server.requestCount(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hang/x", "/trickle/x", "/endless/x"})
    void closingARawSocketIsNoticed(String path) throws Exception {
        String prefix = path.substring(0, path.lastIndexOf('/'));
        try (Socket socket = rawRequest(path)) {
            awaitTrue(() -> server.openConnections(prefix) == 1, "the request arrives");
            assertEquals(1, server.openConnections());
        }
        assertTrue(server.awaitNoOpenConnections(prefix, ONE_SECOND), "the server notices the client left");
        assertEquals(0, server.openConnections());
    }

    @Test
    void trickleSendsHeadersWithoutLengthThenTheFeedsFirstByte() throws Exception {
        try (Socket socket = rawRequest("/trickle/slow")) {
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertFalse(head.toLowerCase().contains("content-length"), head);
            assertEquals('<', socket.getInputStream().read());
        }
    }

    @Test
    void endlessKeepsWritingWhileTheClientReads() throws Exception {
        try (Socket socket = rawRequest("/endless/big")) {
            InputStream in = socket.getInputStream();
            readHead(in);
            byte[] start = in.readNBytes(14);
            assertEquals("<rss><channel>", new String(start, UTF_8));
            assertEquals(4 * 1024 * 1024, in.readNBytes(4 * 1024 * 1024).length);
        }
        assertTrue(server.awaitNoOpenConnections("/endless", ONE_SECOND));
    }

    @Test
    void delayHoldsTheResponseAndNoticesAClientThatGivesUp() throws Exception {
        server.setDelay("/rss/slow", Duration.ofMillis(300));
        long started = System.nanoTime();
        assertEquals(200, get("/rss/slow.xml").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300);

        server.setDelay("/rss/slow", Duration.ofMinutes(5));
        try (Socket socket = rawRequest("/rss/slow.xml")) {
            awaitTrue(() -> server.openConnections("/rss/slow") == 1, "the request arrives");
        }
        assertTrue(server.awaitNoOpenConnections("/rss/slow", ONE_SECOND));
    }

    @Test
    void closeEndsOpenConnections() throws Exception {
        try (Socket socket = rawRequest("/hang/forever")) {
            awaitTrue(() -> server.openConnections("/hang") == 1, "the request arrives");
            server.close();
            assertEquals(0, server.openConnections());
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<byte[]> get(String path, String... headerNamesAndValues) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(10));
        if (headerNamesAndValues.length > 0) {
            request.headers(headerNamesAndValues);
        }
        return client.send(request.build(), BodyHandlers.ofByteArray());
    }

    private static SyndFeed parse(byte[] xml) throws Exception {
        return new SyndFeedInput().build(new StringReader(new String(xml, UTF_8)));
    }

    /** A request on a plain socket, for tests that decide exactly when the connection ends. */
    private Socket rawRequest(String path) throws IOException {
        URI url = server.url(path);
        var socket = new Socket(url.getHost(), url.getPort());
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "connection ended inside the head: " + head);
            head.append((char) b);
        }
        return head.toString();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Wait.until(condition, Duration.ofSeconds(5), () -> "timed out waiting until " + what);
    }
}
