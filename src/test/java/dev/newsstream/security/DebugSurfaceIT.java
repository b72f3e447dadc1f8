package dev.newsstream.security;

import static dev.newsstream.testing.Scenario.step;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.RawHttp;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.WarClient;
import jakarta.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * The debug surface with its defaults (no token): it answers a client on loopback and refuses one
 * anywhere else, whatever spelling of the path the container routes to it, whatever headers claim.
 *
 * <p>"Anywhere else" honestly: Payara listens on every address, so the test also speaks to the
 * machine's own non-loopback address (what {@code hostname -I} shows); a connection to it comes from
 * it, and the server sees a remote client. Requests go over a raw socket so nothing normalises the path.
 */
class DebugSurfaceIT extends WarClient {

    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.start();

    /** What each debug endpoint's answer contains, so a refusal can be told from a leak whatever the status. */
    static final List<String> DEBUG_CONTENT = List.of("\"figures\"", "\"threads\"", "\"active_streams\"", "\"stack\"",
            "\"pending_writes\"", "\"first_entries\"", "jdbc:");

    @Deployment(testable = false)
    static WebArchive deployment() {
        feeds.putFeed("/feeds/alpha.xml", FixtureFeedServer.rss("Alpha", List.of(
                new Item("Alpha one", "https://alpha.example/1", "alpha-1", FixtureFeedServer.BASE_DATE, "<p>one</p>"),
                new Item("Alpha two", "https://alpha.example/2", "alpha-2", FixtureFeedServer.BASE_DATE.minusSeconds(60), "<p>two</p>"))));
        SourcesJson sources = new SourcesJson()
                .add("Alpha", feeds.url("/feeds/alpha.xml"), "alpha")
                .add("Broken", feeds.url("/status/500"), "broken");
        return Deployments.builtWar(Map.of(
                "newsstream.sources", Deployments.sourcesFile("debug-surface-it", sources.json()),
                // the background refresh stays out of the way: only the test fetches
                "newsstream.ingest.initial-delay", "1h",
                "newsstream.ingest.interval", "1h",
                "newsstream.fetch.min-interval", "1h",
                "newsstream.ingest.backoff-base", "1h",
                "newsstream.debug.threads-interval", "30s"));
    }

    /**
     * Warming up, then the first articles, one scenario because the second step ends the first: the only
     * fetch here is /debug/source's, and the articles it stores make the server ready. No other test fetches.
     */
    @Test
    void readinessSaysWhyUntilADebugFetchStoresArticlesAndThatFetchRespectsTheMinIntervalAndBackOff() throws Throwable {
        step("readiness says why in a short phrase without URLs", this::readinessSaysWhyInAShortPhraseWithoutUrls);
        step("debug/source respects the min-interval and back-off unless forced",
                this::debugSourceRespectsTheMinIntervalAndBackOffUnlessForced);
        step("ready once articles are stored", () -> {
            HttpResponse<String> ready = Http.get(local("/health/ready"));
            assertEquals(200, ready.statusCode(), ready.body());
        });
    }

    private void readinessSaysWhyInAShortPhraseWithoutUrls() {
        HttpResponse<String> ready = Http.get(local("/health/ready"));
        assertEquals(503, ready.statusCode(), ready.body());
        JsonObject data = Http.json(ready).getJsonArray("checks").getJsonObject(0).getJsonObject("data");
        assertEquals("first refresh not done yet", data.getString("reason"), ready.body());
        assertFalse(ready.body().contains("jdbc:") || ready.body().contains("http://"), "no URL in readiness: " + ready.body());
    }

    /** Every spelling of a debug path: from elsewhere never an answer; from loopback, the ones the container routes answer. */
    @Test
    void everySpellingOfADebugPathIsRefusedToARemoteClient() {
        InetAddress remote = remoteAddress();
        List<String> spellings = List.of(
                "/debug/executor", "//debug/executor", "///debug/executor", "/debug//executor", "/debug/executor/",
                "/debug/executor//", "/debug;x=1/executor", "/debug/executor;x=1", "/debug;/executor", "/%64ebug/executor",
                "/%64%65%62%75%67/%65xecutor", "/%44ebug/executor", "/debug%2Fexecutor", "/debug%2fexecutor", "/./debug/executor",
                "/debug/./executor", "/news/../debug/executor", "/news/%2e%2e/debug/executor", "/news/%2E%2E/debug/executor",
                "/x/..;/debug/executor", "/debug/executor?x=1", "/debug/executor#top", "/DEBUG/executor", "/Debug/Executor",
                "/debug%20/executor", "/debug%00/executor", "/debug\\executor", "/%2fdebug/executor",
                "http://127.0.0.1:" + port() + "/debug/executor", "http://localhost/debug/executor",
                "/debug/streams", "/debug/store", "/debug/threads", "/debug/threads?state=RUNNABLE", "/debug/source/Alpha",
                "/debug/source/Alpha?force=true", "/debug/source/Alpha;force=true", "//debug//source//Alpha");
        Map<String, String> matrix = new LinkedHashMap<>();
        List<Executable> checks = new ArrayList<>();
        for (String target : spellings) {
            RawHttp.Response far = RawHttp.send(remote, port(), "GET", target, remote.getHostAddress() + ":" + port());
            // loopback only where it cannot trip the thread-dump limit or fetch: the executor's paths
            RawHttp.Response near = target.contains("executor")
                    ? RawHttp.send(InetAddress.getLoopbackAddress(), port(), "GET", target, "127.0.0.1:" + port()) : null;
            matrix.put(target, "remote " + far.status() + (near == null ? "" : ", loopback " + near.status()));
            checks.add(() -> {
                assertTrue(far.status() >= 400 && far.status() < 500, target + " answered a remote client " + far.status() + ": " + far.body());
                DEBUG_CONTENT.forEach(marker -> assertFalse(far.body().contains(marker), target + " leaked " + marker + ": " + far.body()));
                if (near != null && near.status() == 200) {
                    assertEquals(403, far.status(), target + " reaches the resource, so only the guard may refuse it");
                }
            });
        }
        System.out.println("debug path spellings (status to a remote client, to loopback):");
        matrix.forEach((target, result) -> System.out.println("  " + target + " -> " + result));
        assertAll(checks);
        // what Payara Micro 6 routes to the resource (the rest it answers 404 or 400 itself, guard or not)
        for (String routed : List.of("/debug/executor", "/debug/executor/", "/debug;x=1/executor", "/debug;/executor",
                "/debug/executor;x=1", "/debug/executor?x=1", "http://localhost/debug/executor")) {
            assertTrue(matrix.get(routed).endsWith("loopback 200"), routed + " should reach the resource from loopback: " + matrix.get(routed));
        }
        assertEquals(403, RawHttp.send(remote, port(), "HEAD", "/debug/executor", remote.getHostAddress() + ":" + port()).status());
        RawHttp.Response options = RawHttp.send(remote, port(), "OPTIONS", "/debug/threads", remote.getHostAddress() + ":" + port());
        assertEquals(403, options.status(), "the runtime's own OPTIONS is guarded too: " + options.body());
        DEBUG_CONTENT.forEach(marker -> assertFalse(options.body().contains(marker), "OPTIONS leaked " + marker));

        RawHttp.Response refused = RawHttp.send(remote, port(), "GET", "/debug/executor", remote.getHostAddress() + ":" + port());
        assertTrue(Http.jsonBody(refused.body()).getString("detail").contains("newsstream.debug.token"), refused.body());
        assertTrue(refused.header("content-type").startsWith("application/json"), refused.headers().toString());
    }

    @Test
    void forwardingHeadersNeverMakeAClientLocal() {
        InetAddress remote = remoteAddress();
        String remoteHost = remote.getHostAddress() + ":" + port();
        for (String forged : List.of("X-Forwarded-For: 127.0.0.1", "X-Forwarded-For: ::1", "Forwarded: for=127.0.0.1",
                "X-Real-IP: 127.0.0.1")) {
            assertEquals(403, RawHttp.send(remote, port(), "GET", "/debug/executor", remoteHost, forged).status(),
                    "a remote client claiming " + forged);
            assertEquals(403, RawHttp.send(remote, port(), "GET", "/debug/executor", "localhost:" + port(), forged).status(),
                    "a remote client claiming " + forged + " and Host localhost");
        }
        RawHttp.Response proxied = RawHttp.send(InetAddress.getLoopbackAddress(), port(), "GET", "/debug/executor",
                "127.0.0.1:" + port(), "X-Forwarded-For: 203.0.113.7");
        assertEquals(403, proxied.status(), "a request a proxy on this host forwarded is not local: " + proxied.body());
        assertTrue(proxied.body().contains("proxy"), proxied.body());
        assertEquals(200, RawHttp.send(InetAddress.getLoopbackAddress(), port(), "GET", "/debug/executor", "127.0.0.1:" + port()).status());
    }

    @Test
    void aPageOnAnotherSiteCannotUseABrowserOnThisMachine() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        assertEquals(403, RawHttp.send(loopback, port(), "GET", "/debug/executor", "rebound.attacker.example:" + port()).status(),
                "DNS rebinding: a foreign name that resolved to 127.0.0.1");
        assertEquals(403, RawHttp.send(loopback, port(), "GET", "/debug/executor", "127.0.0.1:" + port(),
                "Origin: https://attacker.example").status());
        assertEquals(403, RawHttp.send(loopback, port(), "GET", "/debug/executor", "127.0.0.1:" + port(),
                "Sec-Fetch-Site: cross-site").status());
        assertEquals(200, RawHttp.send(loopback, port(), "GET", "/debug/executor", "localhost:" + port(),
                "Sec-Fetch-Site: none").status(), "typed into the address bar of a browser here");
    }

    @Test
    void threadDumpsAreLimitedToOnePerIntervalPerServer() {
        HttpResponse<String> first = Http.get(local("/debug/threads?state=RUNNABLE"));
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> second = Http.get(local("/debug/threads"));
        assertEquals(429, second.statusCode(), second.body());
        long retryAfter = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);
        assertTrue(Http.json(second).getString("detail").contains("try again in"), second.body());
    }

    private void debugSourceRespectsTheMinIntervalAndBackOffUnlessForced() {
        JsonObject fetched = getJson(local("/debug/source/Alpha"));
        assertTrue(fetched.getBoolean("fetched"), fetched.toString());
        assertEquals(1, feeds.requestCount("/feeds/alpha.xml"));
        assertEquals(2, fetched.getInt("cached_articles"));

        JsonObject again = getJson(local("/debug/source/Alpha"));
        assertFalse(again.getBoolean("fetched"), again.toString());
        assertTrue(again.getString("not_fetched").contains("min-interval") && again.getString("not_fetched").contains("force=true"),
                again.toString());
        assertEquals(2, again.getJsonArray("first_entries").size(), "answered from the cache");
        assertEquals(1, feeds.requestCount("/feeds/alpha.xml"), "nothing fetched within the min-interval");

        JsonObject forced = getJson(local("/debug/source/Alpha?force=true"));
        assertTrue(forced.getBoolean("fetched"), forced.toString());
        assertEquals(2, feeds.requestCount("/feeds/alpha.xml"));

        JsonObject failed = getJson(local("/debug/source/Broken"));
        assertTrue(failed.getBoolean("fetched"), failed.toString());
        assertEquals(1, feeds.requestCount("/status/500"));
        JsonObject backingOff = getJson(local("/debug/source/Broken"));
        assertFalse(backingOff.getBoolean("fetched"), backingOff.toString());
        assertTrue(backingOff.getString("not_fetched").contains("backing off"), backingOff.toString());
        assertEquals(1, feeds.requestCount("/status/500"), "nothing fetched while backing off");
        assertTrue(getJson(local("/debug/source/Broken?force=yes")).getBoolean("fetched"));
        assertEquals(2, feeds.requestCount("/status/500"));
        assertEquals(400, get(local("/debug/source/Broken?force=maybe")).statusCode());

        InetAddress remote = remoteAddress();
        assertEquals(403, RawHttp.send(remote, port(), "GET", "/debug/source/Alpha?force=true", remote.getHostAddress() + ":" + port()).status());
        assertEquals(2, feeds.requestCount("/feeds/alpha.xml"), "a remote client cannot force a fetch");
    }

    /** GET on loopback with a generous bound: a fetch and its write take a while on a loaded machine. */
    private static HttpResponse<String> get(URI uri) {
        return Http.get(uri, "application/json", ofSeconds(60));
    }

    private static JsonObject getJson(URI uri) {
        HttpResponse<String> response = get(uri);
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return Http.json(response);
    }

    private URI local(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    private InetAddress remoteAddress() {
        InetAddress address = RawHttp.nonLoopbackAddress().orElse(null);
        Assumptions.assumeTrue(address != null, "this machine has no non-loopback IPv4 address to be a remote client from");
        RawHttp.Response page = RawHttp.send(address, port(), "GET", "/health/live", address.getHostAddress() + ":" + port());
        assertEquals(200, page.status(), "the server listens on " + address + " too");
        return address;
    }
}
