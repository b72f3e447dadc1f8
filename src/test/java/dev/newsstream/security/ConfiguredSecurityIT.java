package dev.newsstream.security;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.RawHttp;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.Wait;
import dev.newsstream.testing.WarClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The two explicit choices an operator makes: a debug token (then {@code /debug/*} answers anywhere, to
 * the token only, whatever the path's spelling) and an allow-list of origins (then a page served from
 * one of them uses the API and the stream from a browser, and a page from anywhere else cannot).
 *
 * <p>The pages are served by this JVM on two other ports of 127.0.0.1, so each is another origin than
 * the service; headless Chromium opens them (the browser part is skipped without Chromium, as in
 * BrowserIT, and required with {@code -Dnewsstream.it.requireBrowser=true}).
 */
class ConfiguredSecurityIT extends WarClient {

    static final String TOKEN = "t0ken-for-tests";
    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.start();
    static final HttpServer allowedSite = site();
    static final HttpServer otherSite = site();

    @Deployment(testable = false)
    static WebArchive deployment() {
        feeds.putFeed("/feeds/alpha.xml", FixtureFeedServer.rss("Alpha", List.of(
                new Item("Alpha one", "https://alpha.example/1", "alpha-1", FixtureFeedServer.BASE_DATE, "<p>one</p>"))));
        return Deployments.builtWar(Map.of(
                "newsstream.sources", Deployments.sourcesFile("configured-security-it",
                        new SourcesJson().add("Alpha", feeds.url("/feeds/alpha.xml"), "alpha").json()),
                "newsstream.ingest.initial-delay", "1s",
                "newsstream.debug.token", TOKEN,
                "newsstream.cors.allowed-origins", origin(allowedSite) + ", https://another.example"));
    }

    @AfterAll
    static void stopServers() {
        if (feeds != null) feeds.close();
        if (allowedSite != null) allowedSite.stop(0);
        if (otherSite != null) otherSite.stop(0);
    }

    // ---------------------------------------------------------------- the debug token

    @Test
    void withATokenTheDebugSurfaceAnswersAnywhereToTheTokenOnly() {
        InetAddress remote = RawHttp.nonLoopbackAddress().orElse(null);
        Assumptions.assumeTrue(remote != null, "this machine has no non-loopback IPv4 address to be a remote client from");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // the spellings Payara Micro routes to the debug resources (DebugSurfaceIT prints the whole table)
        for (String target : List.of("/debug/executor", "/debug/executor/", "/debug;x=1/streams", "/debug/store;x=1",
                "http://localhost/debug/executor")) {
            for (InetAddress from : List.of(remote, loopback)) {
                String host = from.getHostAddress() + ":" + port();
                RawHttp.Response without = RawHttp.send(from, port(), "GET", target, host);
                assertEquals(401, without.status(), target + " from " + from + " without the token: " + without.body());
                assertEquals("Bearer", without.header("www-authenticate"));
                assertEquals(401, RawHttp.send(from, port(), "GET", target, host, "Authorization: Bearer wrong").status());
                assertEquals(401, RawHttp.send(from, port(), "GET", target, host, "Authorization: Basic " + TOKEN).status());
                RawHttp.Response with = RawHttp.send(from, port(), "GET", target, host, "Authorization: Bearer " + TOKEN,
                        "X-Forwarded-For: 203.0.113.7");
                assertEquals(200, with.status(), target + " from " + from + " with the token: " + with.body());
            }
        }
    }

    // ---------------------------------------------------------------- cross-origin, on the wire

    @Test
    void preflightsAnswerTheListedOriginsOnly() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        String host = "127.0.0.1:" + port();
        RawHttp.Response allowed = RawHttp.send(loopback, port(), "OPTIONS", "/news/stream", host, "Origin: " + origin(allowedSite),
                "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: last-event-id, cache-control");
        assertEquals(204, allowed.status(), allowed.body());
        assertEquals(origin(allowedSite), allowed.header("access-control-allow-origin"));
        assertTrue(allowed.header("access-control-allow-headers").contains("Last-Event-ID"), allowed.headers().toString());
        assertTrue(allowed.header("access-control-allow-methods").contains("POST"), allowed.headers().toString());
        assertNull(allowed.header("access-control-allow-credentials"), "never credentials");

        RawHttp.Response refused = RawHttp.send(loopback, port(), "OPTIONS", "/news", host, "Origin: " + origin(otherSite),
                "Access-Control-Request-Method: GET");
        assertEquals(403, refused.status());
        assertNull(refused.header("access-control-allow-origin"));
        assertEquals(403, RawHttp.send(loopback, port(), "OPTIONS", "/cache/refresh", host, "Origin: " + origin(allowedSite),
                "Access-Control-Request-Method: DELETE").status());

        RawHttp.Response news = RawHttp.send(loopback, port(), "GET", "/news", host, "Origin: https://another.example");
        assertEquals(200, news.status());
        assertEquals("https://another.example", news.header("access-control-allow-origin"));
        assertTrue(news.header("vary").contains("Origin"), news.headers().toString());
        RawHttp.Response foreign = RawHttp.send(loopback, port(), "GET", "/news", host, "Origin: https://attacker.example");
        assertNull(foreign.header("access-control-allow-origin"), "no CORS headers for an origin not on the list");
    }

    // ---------------------------------------------------------------- cross-origin, in a browser

    @Test
    void aPageOnAnAllowedOriginUsesTheApiAndTheStreamAndOneElsewhereCannot() throws Exception {
        requireBrowser();
        Path profile = Files.createTempDirectory("newsstream-cors-chromium-");
        ChromeDriver driver = startBrowser(profile);
        try {
            String api = "http://127.0.0.1:" + port();

            driver.get(origin(allowedSite) + "/page.html?api=" + api);
            Map<String, Object> ok = awaitResults(driver, r -> r.containsKey("news") && r.containsKey("sources")
                    && r.containsKey("categories") && r.containsKey("status") && r.containsKey("refresh")
                    && String.valueOf(r.get("sse")).contains("complete") && r.containsKey("streamChunk"));
            System.out.println("allowed origin " + origin(allowedSite) + ": " + ok);
            for (String call : List.of("news", "sources", "categories", "status", "refresh")) {
                assertTrue(String.valueOf(ok.get(call)).startsWith("200") || String.valueOf(ok.get(call)).startsWith("202"),
                        call + ": " + ok);
            }
            assertTrue(String.valueOf(ok.get("sse")).contains("starting"), "EventSource got the frames: " + ok);
            assertTrue(!String.valueOf(ok.get("streamId")).isBlank(), "X-Stream-ID is exposed to the page: " + ok);
            assertTrue(String.valueOf(ok.get("streamChunk")).contains("event:") || String.valueOf(ok.get("streamChunk")).contains("retry:"),
                    "fetch() reads the stream with a Last-Event-ID header (preflighted): " + ok);

            driver.get(origin(otherSite) + "/page.html?api=" + api);
            Map<String, Object> blocked = awaitResults(driver, r -> Stream.of("news", "sources", "categories", "status", "refresh",
                    "streamFetch", "sseError").allMatch(r::containsKey));
            System.out.println("other origin " + origin(otherSite) + ": " + blocked);
            for (String call : List.of("news", "sources", "categories", "status", "refresh", "streamFetch")) {
                assertTrue(String.valueOf(blocked.get(call)).startsWith("blocked"), call + ": " + blocked);
            }
            assertEquals("readyState 2", blocked.get("sseError"), "EventSource failed for good: " + blocked);
            assertNull(blocked.get("sse"), "no frame reached the page: " + blocked);
        } finally {
            driver.quit();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitResults(ChromeDriver driver, Predicate<Map<String, Object>> done) throws InterruptedException {
        AtomicReference<Map<String, Object>> results = new AtomicReference<>(Map.of());
        Wait.until(() -> {
            results.set((Map<String, Object>) ((JavascriptExecutor) driver).executeScript("return window.results || {}"));
            return done.test(results.get());
        }, Duration.ofSeconds(30), () -> "the page did not finish: " + results.get());
        return results.get();
    }

    private static void requireBrowser() {
        boolean installed = new File("/usr/bin/chromium").canExecute() && new File("/usr/bin/chromedriver").canExecute();
        String missing = "install Debian's chromium and chromium-driver (see .ci/run)";
        if (Boolean.getBoolean("newsstream.it.requireBrowser")) assertTrue(installed, missing);
        else Assumptions.assumeTrue(installed, missing);
    }

    private static ChromeDriver startBrowser(Path profile) {
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(ofSeconds(30)).scriptTimeout(ofSeconds(10));
        return driver;
    }

    static String origin(HttpServer site) {
        return "http://127.0.0.1:" + site.getAddress().getPort();
    }

    /** A site on another port of 127.0.0.1 serving the one page: another origin than the service's. */
    static HttpServer site() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                boolean found = exchange.getRequestURI().getPath().equals("/page.html");
                exchange.getResponseHeaders().set("Content-Type", found ? "text/html; charset=utf-8" : "text/plain");
                exchange.sendResponseHeaders(found ? 200 : 404, found ? page.length : -1);
                if (found) exchange.getResponseBody().write(page);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a front end on another origin does, as the original app's client did: GET /news, /news/sources,
     * /news/categories, /cache/status, POST /cache/refresh, the stream through fetch() (with a
     * Last-Event-ID header, which needs a preflight, and reading X-Stream-ID) and through EventSource.
     */
    static final String PAGE = """
            <!doctype html><html><head><meta charset="utf-8"><title>elsewhere</title></head><body><script>
            const api = new URLSearchParams(location.search).get('api');
            window.results = {};
            const put = (k, v) => { window.results[k] = v; };
            const call = (key, path, init) => fetch(api + path, init)
                .then(r => r.text().then(t => put(key, r.status + ' ' + t.length)))
                .catch(e => put(key, 'blocked ' + e));
            call('news', '/news');
            call('sources', '/news/sources');
            call('categories', '/news/categories');
            call('status', '/cache/status');
            call('refresh', '/cache/refresh', {method: 'POST'});
            fetch(api + '/news/stream?use_cache=false', {headers: {'Accept': 'text/event-stream', 'Cache-Control': 'no-cache', 'Last-Event-ID': '0'}})
                .then(async r => {
                    put('streamId', r.headers.get('X-Stream-ID') || '');
                    const reader = r.body.getReader();
                    const first = await reader.read();
                    put('streamChunk', new TextDecoder().decode(first.value || new Uint8Array()).slice(0, 200));
                    reader.cancel();
                    put('streamFetch', 'read');
                })
                .catch(e => put('streamFetch', 'blocked ' + e));
            const es = new EventSource(api + '/news/stream?use_cache=false');
            const seen = [];
            for (const name of ['resync', 'initial', 'starting', 'source_complete', 'complete']) {
                es.addEventListener(name, () => { seen.push(name); put('sse', seen.join(',')); if (name === 'complete') es.close(); });
            }
            es.onerror = () => put('sseError', 'readyState ' + es.readyState);
            </script></body></html>
            """;
}
