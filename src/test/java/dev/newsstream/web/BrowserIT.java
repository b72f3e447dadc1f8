package dev.newsstream.web;

import static dev.newsstream.testing.Scenario.step;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.Wait;
import dev.newsstream.testing.WarClient;
import jakarta.json.JsonObject;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;

/**
 * The page in a real browser: Debian's headless Chromium, driven through its own chromedriver, against
 * the built WAR on Payara Micro and a fixture feed server, one browser for the whole class. A reader's
 * session is one scenario (the first stream, switching categories, a live article, screenshots, an
 * import); markup in a title and a story two sources reported (one card that expands to both articles)
 * are tests of their own, in any order.
 */
class BrowserIT extends WarClient {

    /** What the tech feed's title says once the service has decoded it: markup as text, which the page must show as text. */
    static final String HOSTILE_TITLE = "<img src=x onerror=alert(1)>Hacked";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.start();
    /** Registered after the deployment's extension: the page it opens is there by then. */
    @RegisterExtension
    static final Chromium chromium = new Chromium();

    ChromeDriver driver;

    @Deployment(testable = false)
    static WebArchive deployment() {
        for (int i = 1; i <= 4; i++) {
            feeds.put("/images/" + i + ".png", 200, "image/png", picture(i), Map.of("Cache-Control", "max-age=3600"));
        }
        feeds.putFeed("/feeds/herald.xml", heraldFeed(List.of()));
        feeds.putFeed("/feeds/courier.xml", FixtureFeedServer.rss("Global Courier", List.of(
                item("courier", 1, "Trade ministers agree on a framework for grain exports", 2, 2),
                item("courier", 2, "Storm season ends with fewer landfalls than forecast", 6, 0),
                item("courier", 3, "Second-round turnout climbs across the north", 26, 4),
                // the same event as the Herald's first item, in other words: one story, one card
                item("courier", 4, "Central banks hold rates and signal a pause as inflation cools", 2, 0))));
        feeds.putFeed("/feeds/ledger.xml", FixtureFeedServer.rss("Tech Ledger", List.of(
                // Escaped twice on purpose: the service turns feed HTML into plain text, so a title escaped
                // once would lose its tag on the server. Escaped twice, the browser receives the markup as
                // text, which is the case the page must get right.
                item("ledger", 1, HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;"), 3, 0),
                item("ledger", 2, "Chip makers report record demand for low-power accelerators", 4, 3),
                item("ledger", 3, "Open-source browser engine ships a faster layout pass", 30, 0))));
        SourcesJson sources = new SourcesJson()
                .add("World Herald", feeds.url("/feeds/herald.xml"), "world")
                .add("Global Courier", feeds.url("/feeds/courier.xml"), "world")
                .add("Tech Ledger", feeds.url("/feeds/ledger.xml"), "tech");
        return Deployments.builtWar(Map.of(
                "newsstream.sources", Deployments.sourcesFile("browser-it", sources.json()),
                "newsstream.ingest.enabled", "false",
                // every page load really fetches (never answered from the cache alone), so the session's first
                // step sees its slow source pending whichever test loaded the page before it
                "newsstream.fetch.min-interval", "0s",
                "newsstream.cache.fresh-for", "0s",
                // a closed tab shows only when a write fails: heartbeat often, so a switched-away stream goes at once
                "newsstream.stream.live-heartbeat", "1s",
                "newsstream.admin.token", IMPORT_TOKEN));
    }

    static String heraldFeed(List<Item> extra) {
        List<Item> items = new ArrayList<>(extra);
        items.add(item("herald", 1, "Central banks signal a pause as inflation cools", 1, 1));
        items.add(item("herald", 2, "City council approves the long-debated tram extension", 5, 0));
        items.add(item("herald", 3, "Researchers map the deep ocean floor in record detail", 9, 2));
        items.add(item("herald", 4, "Museum returns a collection of manuscripts to its library", 50, 0));
        return FixtureFeedServer.rss("World Herald", items);
    }

    /** An item published {@code hoursAgo} before the test started, with picture {@code image} (0: none) in its description. */
    static Item item(String feed, int n, String title, int hoursAgo, int image) {
        String picture = image == 0 ? "" : "<img src=\"" + feeds.url("/images/" + image + ".png") + "\" width=\"640\" height=\"360\">";
        return new Item(title, feeds.url("/articles/" + feed + "/" + n).toString(), feed + "-" + n,
                NOW.minus(hoursAgo, ChronoUnit.HOURS),
                picture + "<p>" + title + ". The fixture feed's summary runs to a couple of sentences, "
                        + "long enough to show how a card wraps its description on a phone and on a desktop.</p>");
    }

    /** The browser of this test: the class's one Chromium. */
    @BeforeEach
    void useTheClassesBrowser() {
        driver = chromium.driver();
    }

    /**
     * A reader's session on one page, one scenario because each step counts what the one before left: the
     * first stream (progress, then all ten articles), switching categories (one stream per page on the
     * server), a live article in the world category (eleven articles from then on), how the eleven look on
     * a desktop and on a phone, and last an import, which adds a source and a category. The other tests of
     * the class count none of these, so they run before or after it alike.
     */
    @Test
    void aReadersSessionOnOnePage() throws Throwable {
        step("the page shows progress while the sources answer, then the articles",
                this::thePageShowsProgressWhileTheSourcesAnswerAndThenTheArticles);
        step("switching category closes the previous stream on the server",
                this::switchingCategoryClosesThePreviousStreamOnTheServer);
        step("a new article appears at the top without a reload", this::aNewArticleAppearsAtTheTopWithoutAReload);
        step("screenshots on a desktop and a phone", this::screenshotsOnADesktopAndAPhone);
        step("an import shows its progress feed by feed", this::anImportShowsItsProgressFeedByFeed);
    }

    // ---------------------------------------------------------------- (a) progress, then articles

    private void thePageShowsProgressWhileTheSourcesAnswerAndThenTheArticles() {
        assertTrue(Http.get(uri("/assets/app.js"), "*/*", ofSeconds(10)).statusCode() == 200
                        && Http.get(uri("/assets/app.css"), "*/*", ofSeconds(10)).statusCode() == 200,
                "the page's assets are served under /assets/");
        feeds.setDelay("/feeds/courier.xml", ofSeconds(5)); // one slow source, so the page has a moment in between
        try {
            driver.get(uri("/").toString());
            assertEquals("newsstream", driver.getTitle(), "GET / in a browser is the page: " + driver.getPageSource());

            awaitTrue("a source has answered while another is still pending", ofSeconds(20), () ->
                    !cards().isEmpty() && sourceStatus("Global Courier").equals("pending")
                            && progress() > 0 && progress() < 100);
            assertEquals("live", connectionState());
            assertFalse(mainAttr("data-stream-id").isEmpty(), "the page knows its stream's id");

            awaitTrue("every source answered", ofSeconds(20), () -> progress() == 100
                    && Stream.of("World Herald", "Global Courier", "Tech Ledger").allMatch(s -> sourceStatus(s).equals("success")));
            awaitTrue("all 10 cards shown", ofSeconds(5), () -> cards().size() == 10);
        } finally {
            feeds.setDelay("/feeds/courier.xml", null);
        }
        assertEquals(3, driver.findElements(By.cssSelector("#source-list li")).size());
        assertTrue(text(By.cssSelector("#source-list li[data-source='World Herald']")).contains("4 articles"));

        List<WebElement> cards = cards();
        assertEquals(feeds.url("/articles/herald/1").toString(), cards.get(0).getAttribute("data-link"), "newest first");
        List<Instant> times = cards.stream()
                .map(c -> Instant.parse(c.findElement(By.cssSelector("time")).getAttribute("datetime"))).toList();
        for (int i = 1; i < times.size(); i++) assertFalse(times.get(i).isAfter(times.get(i - 1)), "sorted: " + times);
        assertEquals("1 h ago", cards.get(0).findElement(By.cssSelector("time")).getText());

        WebElement first = cards.get(0);
        WebElement link = first.findElement(By.cssSelector(".card__title a"));
        assertEquals("Central banks signal a pause as inflation cools", link.getText());
        assertEquals(feeds.url("/articles/herald/1").toString(), link.getAttribute("href"));
        assertEquals("_blank", link.getAttribute("target"));
        assertTrue(link.getAttribute("rel").contains("noopener"));
        assertTrue(first.findElement(By.cssSelector(".card__meta")).getText().contains("World Herald"));
        assertTrue(first.findElement(By.cssSelector(".card__meta")).getText().contains("world"));
        assertTrue(first.findElement(By.cssSelector(".card__desc")).getText().startsWith("Central banks signal"));
        WebElement img = first.findElement(By.cssSelector("img"));
        assertEquals(feeds.url("/images/1.png").toString(), img.getAttribute("src"));
        awaitTrue("the picture loaded", ofSeconds(10), () -> Boolean.TRUE.equals(
                js("return arguments[0].complete && arguments[0].naturalWidth > 0", img)));

        WebElement search = driver.findElement(By.id("search"));
        search.sendKeys("STORM");
        awaitTrue("search filters the cards", ofSeconds(5), () -> visibleCards().size() == 1);
        assertEquals("Storm season ends with fewer landfalls than forecast",
                visibleCards().get(0).findElement(By.cssSelector(".card__title")).getText());
        search.sendKeys(" nothing like this");
        awaitTrue("no card matches", ofSeconds(5), () -> visibleCards().isEmpty()
                && driver.findElement(By.id("empty-state")).isDisplayed());
        clearSearch();
        awaitTrue("every card back", ofSeconds(5), () -> visibleCards().size() == 10);
    }

    // ---------------------------------------------------------------- (b) markup in a title stays text

    @Test
    void aTitleWithMarkupIsShownAsText() {
        ensurePageOpen();
        // the service really does send the markup: this test is about the page, not the parser
        String titles = Http.get(uri("/news?category=tech")).body();
        assertTrue(titles.contains("\"<img src=x onerror=alert(1)>Hacked\"") || titles.contains("\\u003cimg src=x onerror=alert(1)\\u003eHacked"),
                titles);

        WebElement card = card(feeds.url("/articles/ledger/1").toString());
        WebElement title = card.findElement(By.cssSelector(".card__title"));
        assertEquals(HOSTILE_TITLE, title.getText());
        assertEquals(HOSTILE_TITLE, js("return arguments[0].textContent", title));
        assertTrue(title.findElements(By.tagName("img")).isEmpty(), "no element was made from the title");
        assertTrue(card.findElements(By.tagName("img")).isEmpty(), "that item has no picture at all");
        assertNoAlert();
    }

    // ---------------------------------------------------------------- (c) one stream per page

    private void switchingCategoryClosesThePreviousStreamOnTheServer() {
        ensurePageOpen();
        String allId = awaitStreamId(null);
        awaitTrue("the page's stream is the server's only one", ofSeconds(15), () -> onlyStream(allId));

        Select category = new Select(driver.findElement(By.id("category")));
        awaitTrue("categories loaded", ofSeconds(10), () -> category.getOptions().size() == 3);
        assertEquals(List.of("", "tech", "world"), category.getOptions().stream().map(o -> o.getAttribute("value")).toList());

        category.selectByValue("tech");
        String techId = awaitStreamId(allId);
        awaitTrue("the all-categories stream is gone and the tech one is the only one", ofSeconds(15), () -> onlyStream(techId));
        awaitTrue("only tech cards", ofSeconds(10), () -> cards().size() == 3
                && cards().stream().allMatch(c -> c.getAttribute("data-link").contains("/ledger/")));
        assertEquals(List.of("Tech Ledger"), driver.findElements(By.cssSelector("#source-list li")).stream()
                .map(li -> li.getAttribute("data-source")).toList());
        assertTrue(driver.getCurrentUrl().endsWith("?category=tech"), driver.getCurrentUrl());

        category.selectByValue("world");
        String worldId = awaitStreamId(techId);
        awaitTrue("the tech stream is gone and the world one is the only one", ofSeconds(15), () -> onlyStream(worldId));
        awaitTrue("only world cards", ofSeconds(10), () -> cards().size() == 7);
    }

    // ---------------------------------------------------------------- (d) a live article

    private void aNewArticleAppearsAtTheTopWithoutAReload() {
        if (!driver.getCurrentUrl().endsWith("?category=world")) driver.get(uri("/?category=world").toString());
        awaitTrue("the world stream has completed", ofSeconds(20), () -> "complete".equals(mainAttr("data-phase")));
        String streamId = mainAttr("data-stream-id");
        js("window.__sameDocument = 'yes'");
        int before = cards().size();

        Item fresh = new Item("Breaking: harbour reopens after the storm", feeds.url("/articles/herald/new").toString(),
                "herald-new", Instant.now().truncatedTo(ChronoUnit.SECONDS), "<p>Ships are moving again.</p>");
        feeds.putFeed("/feeds/herald.xml", heraldFeed(List.of(fresh)));
        HttpResponse<String> refresh = Http.post(uri("/cache/refresh"));
        assertEquals(200, refresh.statusCode(), refresh.body());

        awaitTrue("the new card is at the top", ofSeconds(10), () -> !cards().isEmpty()
                && fresh.link().equals(cards().get(0).getAttribute("data-link")));
        WebElement top = cards().get(0);
        assertEquals(fresh.title(), top.findElement(By.cssSelector(".card__title")).getText());
        assertTrue(top.getText().contains("New"), "marked as new: " + top.getText());
        assertEquals("just now", top.findElement(By.cssSelector("time")).getText());
        assertEquals(before + 1, cards().size(), "only the new article was added; nothing twice");
        assertEquals("yes", js("return window.__sameDocument"), "no reload");
        assertEquals(streamId, mainAttr("data-stream-id"), "same stream");
        assertEquals("live", connectionState());
    }

    // ---------------------------------------------------------------- (e) how it looks

    private void screenshotsOnADesktopAndAPhone() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Map<String, int[]> viewports = new HashMap<>();
        viewports.put("desktop", new int[] {1280, 900, 0});
        viewports.put("phone", new int[] {390, 844, 1});
        for (String name : List.of("desktop", "phone")) {
            int[] v = viewports.get(name);
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                    "width", v[0], "height", v[1], "deviceScaleFactor", 1, "mobile", v[2] == 1));
            try {
                driver.get(uri("/").toString());
                awaitTrue("the page settled", ofSeconds(20), () -> "complete".equals(mainAttr("data-phase"))
                        && "live".equals(connectionState()) && cards().size() == 11);
                awaitTrue("pictures loaded", ofSeconds(10), () -> Boolean.TRUE.equals(js(
                        "return [...document.images].every(i => i.complete)")));
                assertEquals(v[0], ((Number) js("return window.innerWidth")).intValue());
                assertEquals(v[0], ((Number) js("return document.documentElement.scrollWidth")).intValue(),
                        name + ": nothing sticks out sideways");
                // the progress bar's transition ended (endless animations, such as the live dot's, never do)
                awaitTrue("transitions ended", ofSeconds(10), () -> Boolean.TRUE.equals(js(
                        "return document.getAnimations().every(a => a.playState !== 'running'"
                                + " || a.effect.getComputedTiming().iterations === Infinity)")));
                Path file = SCREENSHOTS.resolve(name + ".png");
                Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
                System.out.println("screenshot: " + file.toAbsolutePath());
            } finally {
                driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            }
        }
        assertNoScriptErrors();
    }

    // ---------------------------------------------------------------- (f) one story, two sources

    @Test
    void aStoryTwoSourcesReportedIsOneCardThatExpandsToBothArticles() throws InterruptedException {
        // both sources' articles stored and grouped before the page asks: on a fresh server the page's own fetch
        // could send the Courier's article before the Herald's joined it into a story (its frame then has no
        // story id, and it keeps a card of its own: seen once in five fresh-clone runs)
        Http.refreshAndWait(this::uri);
        driver.get(uri("/").toString());
        ensurePageOpen();
        String herald = feeds.url("/articles/herald/1").toString();
        String courier = feeds.url("/articles/courier/4").toString();
        assertTrue(driver.findElements(By.cssSelector("article.card[data-link='" + courier + "']")).isEmpty(),
                "the Courier's article has no card of its own");
        WebElement card = card(herald);
        assertEquals("2", card.getAttribute("data-sources"));
        assertTrue(card.getAttribute("data-story-id").startsWith("st-"), card.getAttribute("data-story-id"));
        WebElement also = card.findElement(By.cssSelector(".card__also"));
        assertEquals("Also reported by Global Courier (Center \u00b7 Commercial)", also.getText());

        WebElement list = card.findElement(By.cssSelector(".card__reports"));
        WebElement expand = card.findElement(By.cssSelector(".card__expand"));
        assertFalse(list.isDisplayed(), "folded until asked");
        assertEquals("false", expand.getAttribute("aria-expanded"));
        assertEquals("Show all 2 sources", expand.getText());
        expand.click();
        awaitTrue("the story expands", ofSeconds(5), list::isDisplayed);
        assertEquals("true", expand.getAttribute("aria-expanded"));
        List<WebElement> reports = list.findElements(By.cssSelector(".card__report"));
        assertEquals(List.of("World Herald", "Global Courier"), reports.stream().map(r -> r.getAttribute("data-source")).toList());
        assertEquals(List.of(herald, courier), reports.stream()
                .map(r -> r.findElement(By.cssSelector("a")).getAttribute("href")).toList());
        assertEquals("Central banks hold rates and signal a pause as inflation cools",
                reports.get(1).findElement(By.cssSelector("a")).getText());
        expand.click();
        awaitTrue("and folds again", ofSeconds(5), () -> !list.isDisplayed());
        assertNoScriptErrors();
    }

    static final String IMPORT_TOKEN = "browser-operator";

    private void anImportShowsItsProgressFeedByFeed() throws IOException {
        feeds.putFeed("/feeds/import-slow.xml", FixtureFeedServer.rss("Slow Gazette", List.of(
                item("gazette", 1, "Harbour reopens after the winter repairs", 3, 0))));
        feeds.setDelay("/feeds/import-slow.xml", ofSeconds(6)); // long enough to see the import half done
        Path opml = Files.createTempFile("import-", ".opml");
        Files.writeString(opml, "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"imported\">"
                + "<outline type=\"rss\" text=\"Slow Gazette\" xmlUrl=\"" + feeds.url("/feeds/import-slow.xml") + "\"/>"
                + "<outline type=\"rss\" text=\"Missing\" xmlUrl=\"" + feeds.url("/status/404") + "\"/>"
                + "<outline type=\"rss\" text=\"A web page\" xmlUrl=\"" + feeds.url("/html") + "\"/>"
                + "</outline></body></opml>");
        ensurePageOpen();
        driver.findElement(By.cssSelector("#import-details summary")).click();
        driver.findElement(By.id("import-file")).sendKeys(opml.toAbsolutePath().toString());
        driver.findElement(By.id("import-token")).sendKeys(IMPORT_TOKEN);
        driver.findElement(By.id("import-start")).click();
        awaitTrue("the import is under way, some feeds checked", ofSeconds(20), () ->
                "running".equals(driver.findElement(By.id("import-progress")).getAttribute("data-state"))
                        && text(By.id("import-status")).matches("[12] of 3 feeds checked"));
        awaitTrue("the import completes", ofSeconds(60), () -> text(By.id("import-status")).startsWith("Import complete"));
        assertEquals("Import complete: 1 added, 1 unreachable, 1 not a feed", text(By.id("import-status")));
        assertEquals(100, Integer.parseInt(driver.findElement(By.id("import-bar")).getAttribute("value")));
        Map<String, String> results = new HashMap<>();
        driver.findElements(By.cssSelector("#import-list li")).forEach(li ->
                results.put(li.findElement(By.className("source__name")).getText(), li.getAttribute("data-result")));
        assertEquals(Map.of("Slow Gazette", "added", "Missing", "unreachable", "A web page", "not_a_feed"), results);
        assertTrue(Http.get(uri("/sources")).body().contains("Slow Gazette"));
        assertNoScriptErrors();
    }

    // ---------------------------------------------------------------- helpers

    /** The page on all categories with its stream complete, whatever an earlier test left behind. */
    private void ensurePageOpen() {
        boolean open = driver.getCurrentUrl().equals(uri("/").toString()) && !driver.findElements(By.id("main")).isEmpty()
                && "complete".equals(mainAttr("data-phase"));
        if (!open) driver.get(uri("/").toString());
        awaitTrue("the page's stream has completed", ofSeconds(30), () -> "complete".equals(mainAttr("data-phase")));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private List<WebElement> cards() {
        return driver.findElements(By.cssSelector("#articles article.card"));
    }

    private List<WebElement> visibleCards() {
        return cards().stream().filter(WebElement::isDisplayed).toList();
    }

    private WebElement card(String link) {
        List<WebElement> found = driver.findElements(By.cssSelector("#articles article.card[data-link='" + link + "']"));
        assertEquals(1, found.size(), "one card for " + link);
        return found.get(0);
    }

    private double progress() {
        String value = driver.findElement(By.id("progress")).getAttribute("value");
        String max = driver.findElement(By.id("progress")).getAttribute("max");
        return Double.parseDouble(value) * 100 / Double.parseDouble(max);
    }

    private String sourceStatus(String source) {
        List<WebElement> li = driver.findElements(By.cssSelector("#source-list li[data-source='" + source + "']"));
        return li.isEmpty() ? "" : li.get(0).getAttribute("data-status");
    }

    private String connectionState() {
        return driver.findElement(By.id("connection-state")).getText();
    }

    private String mainAttr(String name) {
        String value = driver.findElement(By.id("main")).getAttribute(name);
        return value == null ? "" : value;
    }

    private String text(By by) {
        return driver.findElement(by).getText();
    }

    private void clearSearch() {
        js("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'));");
    }

    /** The id of the page's stream once it has one that differs from {@code previous}. */
    private String awaitStreamId(String previous) {
        awaitTrue("a new stream id on the page", ofSeconds(15), () -> {
            String id = mainAttr("data-stream-id");
            return !id.isEmpty() && !id.equals(previous);
        });
        String id = mainAttr("data-stream-id");
        assertNotEquals(previous, id);
        return id;
    }

    /** /debug/streams lists exactly this stream. */
    private boolean onlyStream(String id) {
        JsonObject debug = Http.getJson(uri("/debug/streams"));
        return debug.getInt("active_streams") == 1 && debug.getJsonObject("streams").containsKey(id);
    }

    private void assertNoAlert() {
        try {
            String text = driver.switchTo().alert().getText();
            fail("an alert opened: " + text);
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private void assertNoScriptErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !entry.getMessage().contains("Failed to load resource")) {
                errors.add(entry.getMessage());
            }
        }
        assertEquals(List.of(), errors, "no script errors in the console");
    }

    private void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
        AtomicReference<RuntimeException> last = new AtomicReference<>();
        boolean met;
        try {
            met = Wait.waitFor(() -> {
                try {
                    boolean holds = Boolean.TRUE.equals(condition.get());
                    last.set(null);
                    return holds;
                } catch (RuntimeException e) {
                    last.set(e); // an element replaced while we looked at it: look again
                    return false;
                }
            }, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (met) return;
        AssertionError error = new AssertionError("timed out after " + timeout + " waiting for: " + what
                + "\nconnection: " + safely(() -> connectionState() + " " + text(By.id("connection-detail")))
                + "\nprogress: " + safely(() -> text(By.id("progress-text")))
                + "\nsources: " + safely(() -> driver.findElements(By.cssSelector("#source-list li")).stream()
                        .map(li -> li.getAttribute("data-source") + "=" + li.getAttribute("data-status")).toList().toString())
                + "\ncards: " + safely(() -> String.valueOf(driver.findElements(By.cssSelector("#articles article.card")).size()))
                + "\nrequests: " + safely(() -> String.valueOf(((JavascriptExecutor) driver).executeScript(
                        "return performance.getEntriesByType('resource').map(e => e.name + ' ' + e.responseStatus"
                                + " + ' ' + Math.round(e.startTime) + '+' + Math.round(e.duration) + 'ms')")))
                + "\nconsole: " + safely(() -> driver.manage().logs().get(LogType.BROWSER).getAll().toString()));
        if (last.get() != null) error.initCause(last.get());
        throw error;
    }

    private static String safely(Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            return "(" + e.getClass().getSimpleName() + ")";
        }
    }

    /** A 640x360 PNG, a gradient in one of four colours, so the cards have real pictures to show. */
    static byte[] picture(int n) {
        System.setProperty("java.awt.headless", "true");
        Color[] colors = {new Color(0x2a6f97), new Color(0x8d5a97), new Color(0x3d8361), new Color(0xb5651d)};
        BufferedImage image = new BufferedImage(640, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, colors[(n - 1) % colors.length], 640, 360, new Color(0x14213d)));
            g.fillRect(0, 0, 640, 360);
            g.setColor(new Color(255, 255, 255, 60));
            g.fillOval(420 - n * 40, 50 + n * 20, 160, 160);
            g.fillRect(60, 250, 260, 18);
            g.fillRect(60, 280, 180, 18);
        } finally {
            g.dispose();
        }
        var png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
