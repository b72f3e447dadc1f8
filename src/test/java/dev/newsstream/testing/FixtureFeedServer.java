package dev.newsstream.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A feed server for integration tests: HTTP/1.1 on 127.0.0.1, an ephemeral port, one platform
 * thread per connection.
 *
 * <p>It sits on a raw {@link ServerSocket} rather than {@code com.sun.net.httpserver} because the
 * tests need to see exactly when the client (the WAR running in Payara Micro) drops a connection:
 * a hanging or trickling feed must be abandoned by the service, and {@link #openConnections(String)}
 * is how a test proves it.
 *
 * <p>Every normal response carries {@code Connection: close} and a correct {@code Content-Length}
 * and the socket is closed right after it, so one connection is one request. See the class body
 * for the built-in routes; {@link #put} adds custom ones, which take precedence.
 *
 * <p>A system test class registers its server as an extension, {@code @RegisterExtension static final
 * FixtureFeedServer feeds = FixtureFeedServer.start();}: JUnit closes it after the class's last test.
 */
public final class FixtureFeedServer implements AutoCloseable, AfterAllCallback {

    /** Every built-in feed's dates count back from here, so tests can assert exact instants. */
    public static final Instant BASE_DATE = Instant.parse("2026-11-20T12:00:00Z");
    public static final String RSS_TYPE = "application/rss+xml; charset=utf-8";
    public static final String ATOM_TYPE = "application/atom+xml; charset=utf-8";
    /** How many bytes of whitespace {@code /gzip-bomb.xml} inflates to (plus a short RSS wrapper). */
    public static final int GZIP_BOMB_INFLATED_BYTES = 64 * 1024 * 1024;
    /** {@code /trickle/...} sends one byte per this interval. */
    public static final Duration TRICKLE_INTERVAL = Duration.ofSeconds(2);

    private static final int DEFAULT_RSS_ITEMS = 5;
    private static final int DEFAULT_ATOM_ENTRIES = 3;
    private static final int MAX_ITEMS = 10_000;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final String LAST_MODIFIED = HTTP_DATE.format(BASE_DATE.atOffset(ZoneOffset.UTC));

    private static final Pattern RSS = Pattern.compile("/rss/([^/]+)\\.xml");
    private static final Pattern ATOM = Pattern.compile("/atom/([^/]+)\\.xml");
    private static final Pattern GZIP = Pattern.compile("/gzip/([^/]+)\\.xml");
    private static final Pattern ETAG = Pattern.compile("/etag/([^/]+)\\.xml");
    private static final Pattern STATUS = Pattern.compile("/status/(\\d{3})");
    private static final Pattern REDIRECT = Pattern.compile("/redirect/(\\d{1,6})");

    /** What /trickle sends, one byte at a time; once it runs out the title just gets more spaces. */
    private static final byte[] TRICKLE_PREFIX =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>trickle"
                    .getBytes(US_ASCII);
    /** One write of /endless: big enough that the loop is bound by the client's reading, not by us. */
    private static final byte[] ENDLESS_CHUNK = "<item><title>x</title></item>".repeat(256).getBytes(US_ASCII);

    private final ServerSocket serverSocket;
    /** Further loopback addresses on the same port ("hosts" 127.0.0.2, ...), for per-host politeness tests. */
    private final List<ServerSocket> extraSockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> openByHost = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peakByHost = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger totalRequests = new AtomicInteger();
    private final Map<String, Map<String, String>> lastHeaders = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastRequestAt = new ConcurrentHashMap<>();
    private final Map<String, Response> customRoutes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> numbering = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private volatile boolean closed;

    /** One item of {@link #rss(String, List)}; any null component leaves its element out. */
    public record Item(String title, String link, String guid, Instant published, String descriptionHtml) {
    }

    private FixtureFeedServer(ServerSocket serverSocket) {
        this.serverSocket = serverSocket;
    }

    /** Binds 127.0.0.1 on an ephemeral port and starts accepting. */
    public static FixtureFeedServer start() {
        return start("127.0.0.1");
    }

    /**
     * Binds another loopback address (the whole 127.0.0.0/8 is loopback on Linux), e.g. 127.0.0.2 for a
     * second "host" that the service's configuration can classify differently.
     */
    public static FixtureFeedServer start(String loopbackAddress) {
        try {
            // Explicitly IPv4 loopback: the WAR is configured with http://127.0.0.x:port URLs.
            var loopback = InetAddress.getByName(loopbackAddress);
            if (!loopback.isLoopbackAddress()) throw new IllegalArgumentException(loopbackAddress + " is not loopback");
            var server = new FixtureFeedServer(new ServerSocket(0, 200, loopback));
            server.startDaemon("fixture-feed-accept-" + server.port(), server::acceptLoop);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fixture feed server", e);
        }
    }

    /**
     * Binds 127.0.0.1 and also 127.0.0.2 .. 127.0.0.{hosts} on one ephemeral port: {@code hosts} distinct
     * host names for the service (the whole 127.0.0.0/8 is loopback), each with its own connection counts.
     */
    public static FixtureFeedServer startOnHosts(int hosts) {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            FixtureFeedServer server = start();
            try {
                for (int i = 2; i <= hosts; i++) {
                    var address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i});
                    ServerSocket extra = new ServerSocket(server.port(), 200, address);
                    server.extraSockets.add(extra);
                    server.startDaemon("fixture-feed-accept-" + address.getHostAddress(), () -> server.acceptLoop(extra));
                }
                return server;
            } catch (IOException e) {
                last = e; // that port is taken on another loopback address: try another port
                server.close();
            }
        }
        throw new UncheckedIOException("cannot bind " + hosts + " loopback hosts on one port", last);
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code http://host:port} followed by {@code path}, for a host given to {@link #startOnHosts}. */
    public URI url(String host, String path) {
        return URI.create("http://" + host + ":" + port() + path);
    }

    /** Connections to this host (its loopback address, e.g. "127.0.0.2") open now. */
    public int openConnectionsOnHost(String host) {
        AtomicInteger open = openByHost.get(host);
        return open == null ? 0 : open.get();
    }

    /** The most connections to this host that were ever open at once (since start or {@link #resetPeaks}). */
    public int peakConnectionsOnHost(String host) {
        AtomicInteger peak = peakByHost.get(host);
        return peak == null ? 0 : peak.get();
    }

    /** Forgets the peaks; the next peak starts from what is open now. */
    public void resetPeaks() {
        peakByHost.clear();
        openByHost.forEach((host, open) -> peakByHost.put(host, new AtomicInteger(open.get())));
    }

    /** {@code http://127.0.0.1:port} followed by {@code path} (which may carry a query). */
    public URI url(String path) {
        return URI.create("http://" + serverSocket.getInetAddress().getHostAddress() + ":" + port() + path);
    }

    /**
     * Numbers for {@code count} new items of a feed a test class grows as it runs, after the {@code served} items
     * the feed started with; returns the first. The numbering is the server's, as the feed is, so it lives exactly
     * as long as what it numbers (JUnit makes a test instance per method; a static counter would outlive both).
     */
    public int nextItems(String feed, int served, int count) {
        return numbering.computeIfAbsent(feed, f -> new AtomicInteger(served + 1)).getAndAdd(count);
    }

    /** Registered as an extension ({@code @RegisterExtension}): closed when its class is done. */
    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Stops accepting and closes every open connection, which ends their threads. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // nothing left to do with a server socket that won't close
        }
        for (ServerSocket extra : extraSockets) {
            try {
                extra.close();
            } catch (IOException ignored) {
                // as above
            }
        }
        connections.forEach(Connection::close);
    }

    // ---------------------------------------------------------------- what tests ask

    /** Requests seen for {@code path} (without query, as sent, i.e. still percent-encoded). */
    public int requestCount(String path) {
        AtomicInteger count = counts.get(path);
        return count == null ? 0 : count.get();
    }

    public int totalRequests() {
        return totalRequests.get();
    }

    /** Forgets all request counts and the remembered request headers. */
    public void resetCounts() {
        counts.clear();
        lastHeaders.clear();
        totalRequests.set(0);
    }

    /** Headers of the latest request for {@code path}, names lower-cased; empty if none came. */
    public Map<String, String> lastRequestHeaders(String path) {
        return lastHeaders.getOrDefault(path, Map.of());
    }

    /** Connections accepted and not yet closed by either side, including ones still sending their request. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Open connections whose request path starts with {@code pathPrefix}. A connection whose
     * request line has not arrived yet has no path and is not counted.
     */
    public int openConnections(String pathPrefix) {
        return (int) connections.stream()
                .filter(c -> c.path != null && c.path.startsWith(pathPrefix))
                .count();
    }

    /**
     * Waits until no connection under {@code pathPrefix} is open ({@link Wait}). Tests should
     * use this rather than {@link #openConnections(String)} right after a response: the client can
     * have its last byte a moment before this server has closed its end.
     */
    public boolean awaitNoOpenConnections(String pathPrefix, Duration timeout) {
        try {
            return Wait.waitFor(() -> openConnections(pathPrefix) == 0, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return openConnections(pathPrefix) == 0;
        }
    }

    // ---------------------------------------------------------------- what tests set up

    /**
     * Serves {@code body} at exactly {@code path} (no query), ahead of any built-in route.
     * {@code contentType} may be null for none; {@code extraHeaders} (may be null) are added and may
     * replace Content-Type, but Content-Length and Connection are always the server's own.
     */
    public void put(String path, int status, String contentType, byte[] body, Map<String, String> extraHeaders) {
        if (!path.startsWith("/") || path.contains("?")) {
            throw new IllegalArgumentException("a route is a path starting with / and without query: " + path);
        }
        Response response = Response.of(status, contentType, body.clone());
        if (extraHeaders != null) {
            for (var header : extraHeaders.entrySet()) {
                response = response.withHeader(header.getKey(), header.getValue());
            }
        }
        customRoutes.put(path, response);
    }

    /** Serves {@code xml} at {@code path} as a 200 RSS document. */
    public void putFeed(String path, String xml) {
        put(path, 200, RSS_TYPE, xml.getBytes(UTF_8), Map.of());
    }

    /**
     * Holds back every response under {@code pathPrefix} by {@code delay} (null or zero removes it);
     * the longest matching prefix wins. A client that gives up meanwhile is noticed at once and gets
     * no response.
     */
    public void setDelay(String pathPrefix, Duration delay) {
        if (delay == null || delay.isZero() || delay.isNegative()) {
            delays.remove(pathPrefix);
        } else {
            delays.put(pathPrefix, delay);
        }
    }

    // ---------------------------------------------------------------- feed documents

    /** An RSS 2.0 document with these items, in this order. */
    public static String rss(String title, List<Item> items) {
        return rss(title, "http://127.0.0.1/", items, item -> null);
    }

    private static String rss(String title, String link, List<Item> items, Function<Item, String> thumbnailOf) {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">\n<channel>\n");
        element(xml, "title", title);
        element(xml, "link", link);
        element(xml, "description", "Fixture feed " + title);
        for (Item item : items) {
            xml.append("<item>\n");
            element(xml, "title", item.title());
            element(xml, "link", item.link());
            if (item.guid() != null) {
                xml.append("<guid isPermaLink=\"false\">").append(escape(item.guid())).append("</guid>\n");
            }
            if (item.published() != null) {
                element(xml, "pubDate", HTTP_DATE.format(item.published().atOffset(ZoneOffset.UTC)));
            }
            element(xml, "description", item.descriptionHtml());
            String thumbnail = thumbnailOf.apply(item);
            if (thumbnail != null) {
                xml.append("<media:thumbnail url=\"").append(escape(thumbnail))
                        .append("\" width=\"320\" height=\"180\"/>\n");
            }
            xml.append("</item>\n");
        }
        return xml.append("</channel>\n</rss>\n").toString();
    }

    /** The feed of /rss/{name}.xml; its first (newest) item is the one with a thumbnail. */
    private String builtInRss(String name, int itemCount) {
        List<Item> items = IntStream.rangeClosed(1, itemCount)
                .mapToObj(i -> new Item(name + " story " + i, articleUrl(name, i), "fixture-" + name + "-" + i,
                        hoursBeforeBase(i), descriptionHtml(name, i)))
                .toList();
        String thumbnail = url("/images/" + name + "/1.jpg").toString();
        return rss(name, url("/").toString(), items, item -> item == items.get(0) ? thumbnail : null);
    }

    private String builtInAtom(String name, int entryCount) {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        element(xml, "title", name);
        element(xml, "id", "urn:newsstream:fixture:atom:" + name);
        element(xml, "updated", BASE_DATE.toString());
        link(xml, "self", url("/atom/" + name + ".xml").toString());
        link(xml, "alternate", url("/").toString());
        xml.append("<author><name>Fixture</name></author>\n");
        for (int i = 1; i <= entryCount; i++) {
            xml.append("<entry>\n");
            element(xml, "title", name + " story " + i);
            link(xml, "alternate", articleUrl(name, i));
            element(xml, "id", "urn:newsstream:fixture:" + name + ":" + i);
            element(xml, "published", hoursBeforeBase(i).toString());
            element(xml, "updated", hoursBeforeBase(i).toString());
            xml.append("<summary type=\"html\">").append(escape(descriptionHtml(name, i))).append("</summary>\n");
            xml.append("</entry>\n");
        }
        return xml.append("</feed>\n").toString();
    }

    private String xxeDocument() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"" + url("/xxe-secret") + "\">]>\n"
                + "<rss version=\"2.0\">\n<channel>\n<title>xxe</title>\n<link>" + url("/") + "</link>\n"
                + "<description>External entity probe</description>\n"
                + "<item>\n<title>leak &xxe;</title>\n<link>" + articleUrl("xxe", 1) + "</link>\n"
                + "<guid isPermaLink=\"false\">fixture-xxe-1</guid>\n</item>\n</channel>\n</rss>\n";
    }

    private String articleUrl(String name, int i) {
        return url("/articles/" + name + "/" + i).toString();
    }

    private static Instant hoursBeforeBase(int hours) {
        return BASE_DATE.minus(hours, ChronoUnit.HOURS);
    }

    private static String descriptionHtml(String name, int i) {
        return "<p>Summary of <b>" + name + "</b> story " + i
                + " with <a href=\"http://127.0.0.1/more\">a link</a> &amp; an entity.</p>";
    }

    private static void element(StringBuilder xml, String name, String text) {
        if (text != null) {
            xml.append('<').append(name).append('>').append(escape(text)).append("</").append(name).append(">\n");
        }
    }

    private static void link(StringBuilder xml, String rel, String href) {
        xml.append("<link rel=\"").append(rel).append("\" href=\"").append(escape(href)).append("\"/>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---------------------------------------------------------------- connections

    private void acceptLoop() {
        acceptLoop(serverSocket);
    }

    private void acceptLoop(ServerSocket listening) {
        while (!closed) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                continue; // close() makes accept fail; the loop condition then ends it
            }
            startConnection(socket);
        }
    }

    private void startConnection(Socket socket) {
        Connection connection;
        try {
            connection = new Connection(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            return;
        }
        connections.add(connection);
        int open = openByHost.computeIfAbsent(connection.host, h -> new AtomicInteger()).incrementAndGet();
        peakByHost.computeIfAbsent(connection.host, h -> new AtomicInteger()).accumulateAndGet(open, Math::max);
        if (closed) {
            connection.close(); // close() ran between accept and add, and so did not see this one
            return;
        }
        startDaemon("fixture-feed-conn-" + connectionIds.incrementAndGet(), () -> serve(connection));
    }

    /** Daemon threads, so a test that forgets close() cannot keep the JVM alive. */
    private void startDaemon(String name, Runnable task) {
        var thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Not try-with-resources: that would close the socket before a catch could still answer on it. */
    private void serve(Connection connection) {
        try {
            Request request = Request.read(connection.in);
            if (request == null) {
                return; // the client left before finishing its request
            }
            connection.path = request.path();
            record(request);
            respond(connection, request);
        } catch (ProtocolException e) {
            sendQuietly(connection, Response.text(400, e.getMessage()));
        } catch (IOException e) {
            // The client went away mid-response, or close() tore the socket down: the connection is
            // over either way.
        } catch (RuntimeException e) {
            // A fixture bug: say so in the response rather than leaving the client to time out.
            sendQuietly(connection, Response.text(500, "fixture server failed: " + e));
        } finally {
            connection.close();
        }
    }

    private void record(Request request) {
        counts.computeIfAbsent(request.path(), path -> new AtomicInteger()).incrementAndGet();
        totalRequests.incrementAndGet();
        lastHeaders.put(request.path(), request.headers());
        lastRequestAt.put(request.path(), Instant.now());
    }

    /** When the latest request for {@code path} arrived; null if none came. */
    public Instant lastRequestAt(String path) {
        return lastRequestAt.get(path);
    }

    private void respond(Connection connection, Request request) throws IOException {
        String path = request.path();
        Duration delay = delayFor(path);
        if (delay != null && connection.awaitClientClose(delay)) {
            return;
        }
        Response custom = customRoutes.get(path);
        if (custom != null) {
            connection.send(custom, request.isHead());
        } else if (path.startsWith("/hang/")) {
            connection.awaitClientClose(null);
        } else if (path.startsWith("/trickle/")) {
            trickle(connection);
        } else if (path.startsWith("/endless/")) {
            endless(connection);
        } else {
            connection.send(builtInOrBadRequest(request), request.isHead());
        }
    }

    private Duration delayFor(String path) {
        return delays.entrySet().stream()
                .filter(delay -> path.startsWith(delay.getKey()))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse(null);
    }

    /**
     * One byte every {@link #TRICKLE_INTERVAL}, forever. Between bytes it reads, so a client that
     * leaves is noticed at once instead of at the next write (which may even succeed into the
     * socket buffer and only fail on the one after).
     */
    private void trickle(Connection connection) throws IOException {
        connection.writeHead(200, streamingHeaders());
        for (long i = 0; ; i++) {
            connection.out.write(i < TRICKLE_PREFIX.length ? TRICKLE_PREFIX[(int) i] : ' ');
            connection.out.flush();
            if (connection.awaitClientClose(TRICKLE_INTERVAL)) {
                return;
            }
        }
    }

    /** Writes until a write fails: a blocking write paces us to the client, and fails once it is gone. */
    private void endless(Connection connection) throws IOException {
        connection.writeHead(200, streamingHeaders());
        connection.out.write("<rss><channel>".getBytes(US_ASCII));
        while (true) {
            connection.out.write(ENDLESS_CHUNK);
        }
    }

    /** No Content-Length: the body ends when the connection does, which here is never. */
    private static Map<String, String> streamingHeaders() {
        return Map.of("Content-Type", RSS_TYPE, "Connection", "close");
    }

    // ---------------------------------------------------------------- built-in routes

    private Response builtInOrBadRequest(Request request) {
        try {
            return builtIn(request);
        } catch (IllegalArgumentException e) {
            return Response.text(400, e.getMessage());
        }
    }

    private Response builtIn(Request request) {
        String path = request.path();
        Matcher m;
        if ((m = RSS.matcher(path)).matches()) {
            return Response.of(200, RSS_TYPE, utf8(builtInRss(m.group(1), itemCount(request, DEFAULT_RSS_ITEMS))));
        }
        if ((m = ATOM.matcher(path)).matches()) {
            return Response.of(200, ATOM_TYPE,
                    utf8(builtInAtom(m.group(1), itemCount(request, DEFAULT_ATOM_ENTRIES))));
        }
        if ((m = GZIP.matcher(path)).matches()) {
            byte[] xml = utf8(builtInRss(m.group(1), itemCount(request, DEFAULT_RSS_ITEMS)));
            return Response.of(200, RSS_TYPE, gzip(xml)).withHeader("Content-Encoding", "gzip");
        }
        if ((m = ETAG.matcher(path)).matches()) {
            return conditionalFeed(request, m.group(1));
        }
        if ((m = STATUS.matcher(path)).matches()) {
            return status(Integer.parseInt(m.group(1)));
        }
        if ((m = REDIRECT.matcher(path)).matches()) {
            return redirect(Integer.parseInt(m.group(1)));
        }
        return switch (path) {
            case "/gzip-bomb.xml" -> Response.of(200, RSS_TYPE, GzipBomb.BODY).withHeader("Content-Encoding", "gzip");
            case "/xxe.xml" -> Response.of(200, RSS_TYPE, utf8(xxeDocument()));
            case "/xxe-secret" -> Response.text(200, "secret");
            case "/malformed.xml" -> Response.of(200, RSS_TYPE, utf8("<rss><channel><item><title>broken</channel>"));
            case "/html" -> Response.of(200, "text/html; charset=utf-8", utf8(
                    "<!DOCTYPE html>\n<html><head><title>Not a feed</title></head>"
                            + "<body><h1>Not a feed</h1><p>Just a web page.</p></body></html>\n"));
            default -> Response.text(404, "no route for " + path);
        };
    }

    private static int itemCount(Request request, int defaultCount) {
        String items = request.query().get("items");
        if (items == null) {
            return defaultCount;
        }
        int count = Integer.parseInt(items); // NumberFormatException is an IllegalArgumentException: 400
        if (count < 0 || count > MAX_ITEMS) {
            throw new IllegalArgumentException("items must be 0.." + MAX_ITEMS);
        }
        return count;
    }

    /** The RSS feed with validators; a matching If-None-Match (or, without one, If-Modified-Since) gets 304. */
    private Response conditionalFeed(Request request, String name) {
        String etag = "\"v1-" + name + "\"";
        boolean notModified = notModified(request.headers(), etag);
        Response response = notModified
                ? Response.of(304, null, new byte[0])
                : Response.of(200, RSS_TYPE, utf8(builtInRss(name, DEFAULT_RSS_ITEMS)));
        return response.withHeader("ETag", etag).withHeader("Last-Modified", LAST_MODIFIED);
    }

    /** RFC 9110 13.2.2: If-Modified-Since counts only when there is no If-None-Match. */
    private static boolean notModified(Map<String, String> headers, String etag) {
        String ifNoneMatch = headers.get("if-none-match");
        if (ifNoneMatch != null) {
            return Arrays.stream(ifNoneMatch.split(","))
                    .map(String::trim)
                    .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                    .anyMatch(tag -> tag.equals(etag) || tag.equals("*"));
        }
        String ifModifiedSince = headers.get("if-modified-since");
        if (ifModifiedSince == null) {
            return false;
        }
        try {
            return !BASE_DATE.isAfter(Instant.from(HTTP_DATE.parse(ifModifiedSince)));
        } catch (DateTimeParseException e) {
            return false; // an unreadable date is ignored, as the RFC says
        }
    }

    private static Response status(int code) {
        // A 1xx as the final answer would leave the client waiting for another one.
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("status must be 200..599");
        }
        return Response.text(code, code + " " + reason(code));
    }

    private Response redirect(int hops) {
        String target = hops == 0 ? "/rss/redirected.xml" : "/redirect/" + (hops - 1);
        return Response.text(302, "see " + target).withHeader("Location", url(target).toString());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    private static byte[] gzip(byte[] bytes) {
        var compressed = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(compressed)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return compressed.toByteArray();
    }

    /** Built on first use only (holder idiom), as it takes a moment; about 64 KiB compressed. */
    private static final class GzipBomb {
        static final byte[] BODY = build();

        private static byte[] build() {
            var compressed = new ByteArrayOutputStream();
            byte[] spaces = new byte[64 * 1024];
            Arrays.fill(spaces, (byte) ' ');
            try (var gzip = new GZIPOutputStream(compressed)) {
                gzip.write(utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<rss version=\"2.0\"><channel><title>bomb"));
                for (int written = 0; written < GZIP_BOMB_INFLATED_BYTES; written += spaces.length) {
                    gzip.write(spaces);
                }
                gzip.write(utf8("</title></channel></rss>\n"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return compressed.toByteArray();
        }
    }

    // ---------------------------------------------------------------- HTTP plumbing

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 410 -> "Gone";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }

    /** 204 and 304 never have a body (RFC 9110 6.4.1), so they get no Content-Length either. */
    private static boolean hasBody(int status) {
        return status != 204 && status != 304;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already as closed as it gets
        }
    }

    private static void sendQuietly(Connection connection, Response response) {
        try {
            connection.send(response, false);
        } catch (IOException ignored) {
            // the client is gone; nobody left to tell
        }
    }

    /** A parsed request head. A request body (rare here) is read and dropped. */
    private record Request(String method, String path, Map<String, String> query, Map<String, String> headers) {

        boolean isHead() {
            return method.equals("HEAD");
        }

        /** The next request, or null if the client closed before sending a whole head. */
        static Request read(InputStream in) throws IOException {
            String head = readHead(in);
            if (head == null) {
                return null;
            }
            String[] lines = head.split("\r?\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/")) {
                throw new ProtocolException("bad request line: " + lines[0]);
            }
            URI target = parseTarget(requestLine[1]);
            Map<String, String> headers = parseHeaders(Arrays.copyOfRange(lines, 1, lines.length));
            skipBody(in, headers);
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            return new Request(requestLine[0], path, parseQuery(target.getRawQuery()), headers);
        }

        /** Bytes up to the blank line, without it; a bare LF is accepted as a line end too. */
        private static String readHead(InputStream in) throws IOException {
            var head = new ByteArrayOutputStream();
            int lineEnds = 0;
            while (lineEnds < 2) {
                int b = in.read();
                if (b == -1) {
                    return null;
                }
                if (b == '\n') {
                    lineEnds++;
                } else if (b != '\r') {
                    lineEnds = 0;
                }
                head.write(b);
                if (head.size() > MAX_HEAD_BYTES) {
                    throw new ProtocolException("request head over " + MAX_HEAD_BYTES + " bytes");
                }
            }
            return head.toString(ISO_8859_1).strip();
        }

        private static URI parseTarget(String target) throws ProtocolException {
            try {
                return URI.create(target); // origin form (/path?q) and absolute form (http://h/path) alike
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("bad request target: " + target);
            }
        }

        /** Lower-cased names; a repeated header becomes one comma-separated value (RFC 9110 5.3). */
        private static Map<String, String> parseHeaders(String[] lines) throws ProtocolException {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("bad header line: " + line);
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                headers.merge(name, value, (first, next) -> first + ", " + next);
            }
            return Collections.unmodifiableMap(headers);
        }

        private static Map<String, String> parseQuery(String rawQuery) {
            Map<String, String> query = new LinkedHashMap<>();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    int equals = pair.indexOf('=');
                    String name = equals < 0 ? pair : pair.substring(0, equals);
                    String value = equals < 0 ? "" : pair.substring(equals + 1);
                    query.putIfAbsent(URLDecoder.decode(name, UTF_8), URLDecoder.decode(value, UTF_8));
                }
            }
            return query;
        }

        /**
         * Unread request bytes would make our close() send a reset instead of a clean end, which
         * can cost the client the response it has not read yet.
         */
        private static void skipBody(InputStream in, Map<String, String> headers) throws IOException {
            String length = headers.get("content-length");
            if (length != null) {
                try {
                    in.skipNBytes(Long.parseLong(length));
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad Content-Length: " + length);
                }
            }
        }
    }

    /** A complete response; headers are case-insensitive so an extra header replaces a default one. */
    private record Response(int status, Map<String, String> headers, byte[] body) {

        static Response of(int status, String contentType, byte[] body) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
            return new Response(status, Collections.unmodifiableMap(headers), body);
        }

        static Response text(int status, String text) {
            return of(status, "text/plain; charset=utf-8", utf8(text + "\n"));
        }

        Response withHeader(String name, String value) {
            Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            copy.putAll(headers);
            copy.put(name, value);
            return new Response(status, Collections.unmodifiableMap(copy), body);
        }
    }

    /** One accepted socket; open until either side closes it, and counted as such. */
    private final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final AtomicBoolean open = new AtomicBoolean(true);
        /** The loopback address the client connected to: the "host" of per-host counts. */
        private final String host;
        /** The request's path once its request line is read; what the per-prefix counts look at. */
        private volatile String path;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.host = socket.getLocalAddress().getHostAddress();
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream());
        }

        void send(Response response, boolean headOnly) throws IOException {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(response.headers());
            if (hasBody(response.status())) {
                headers.put("Content-Length", Integer.toString(response.body().length));
            }
            headers.put("Connection", "close");
            writeHead(response.status(), headers);
            if (hasBody(response.status()) && !headOnly) {
                out.write(response.body());
            }
            out.flush();
        }

        void writeHead(int status, Map<String, String> headers) throws IOException {
            var head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(ISO_8859_1));
            out.flush();
        }

        /**
         * Reads (and drops) whatever the client sends until it closes its side, for at most
         * {@code max} (null: for ever). A blocking read returns -1 the moment the client's FIN
         * arrives, or fails on its RST, which is how a drop is noticed without waiting to write.
         *
         * @return true if the client closed (or close() closed the socket), false if time ran out
         */
        boolean awaitClientClose(Duration max) {
            long deadline = max == null ? 0 : System.nanoTime() + max.toNanos();
            byte[] sink = new byte[512];
            while (true) {
                try {
                    if (max == null) {
                        socket.setSoTimeout(0);
                    } else {
                        long remainingNanos = deadline - System.nanoTime();
                        if (remainingNanos <= 0) {
                            return false;
                        }
                        // Rounded up: a timeout of 0 would mean no timeout at all.
                        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, (remainingNanos + 999_999) / 1_000_000));
                    }
                    if (in.read(sink) == -1) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // time is up (the loop's deadline check says so); the socket itself is still fine
                } catch (IOException e) {
                    return true;
                }
            }
        }

        /** Uncounts first, then closes: by the time the client sees the end, the count agrees. */
        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                connections.remove(this);
                AtomicInteger onHost = openByHost.get(host);
                if (onHost != null) onHost.decrementAndGet();
                closeQuietly(socket);
            }
        }
    }
}
