package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A feed body from the wire to bytes: collected under a cap, then decoded under the same cap. */
class FeedBodiesTest {

    private static final byte[] FEED = "<rss><channel><title>t</title></channel></rss>".repeat(50).getBytes(StandardCharsets.UTF_8);

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] raw, boolean zlibWrapped) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlibWrapped))) {
            d.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void anUnencodedBodyIsTakenAsItIs() throws IOException {
        assertArrayEquals(FEED, BodyDecoder.decode(FEED, null, 10));
        assertArrayEquals(FEED, BodyDecoder.decode(FEED, "", 10));
        assertArrayEquals(FEED, BodyDecoder.decode(FEED, " Identity ", 10), "the cap applies to what was collected, not here");
    }

    @Test
    void gzipAndBothKindsOfDeflateAreDecoded() throws IOException {
        assertArrayEquals(FEED, BodyDecoder.decode(gzip(FEED), "gzip", FEED.length));
        assertArrayEquals(FEED, BodyDecoder.decode(gzip(FEED), " X-GZIP", FEED.length));
        assertArrayEquals(FEED, BodyDecoder.decode(deflate(FEED, true), "deflate", FEED.length));
        assertArrayEquals(FEED, BodyDecoder.decode(deflate(FEED, false), "Deflate", FEED.length), "raw deflate too");
    }

    @Test
    void aDecodedBodyOverTheCapIsRefusedEvenWhenItsCompressedFormIsTiny() throws IOException {
        byte[] bomb = new byte[200_000]; // zeros compress to a few hundred bytes
        assertTrue(gzip(bomb).length < 1000);
        assertThrows(BodyDecoder.TooLargeException.class, () -> BodyDecoder.decode(gzip(bomb), "gzip", bomb.length - 1));
        assertEquals(bomb.length, BodyDecoder.decode(gzip(bomb), "gzip", bomb.length).length, "exactly the cap is allowed");
        BodyDecoder.TooLargeException e = assertThrows(BodyDecoder.TooLargeException.class,
                () -> BodyDecoder.decode(deflate(bomb, true), "deflate", 1000));
        assertEquals("decoded body larger than cap", e.getMessage());
        assertThrows(BodyDecoder.TooLargeException.class, () -> BodyDecoder.decode(deflate(bomb, false), "deflate", 1000));
    }

    @Test
    void anUnknownEncodingOrABrokenStreamIsAnError() {
        IOException unknown = assertThrows(IOException.class, () -> BodyDecoder.decode(FEED, "br", 1 << 20));
        assertEquals("unsupported Content-Encoding 'br'", unknown.getMessage());
        assertThrows(IOException.class, () -> BodyDecoder.decode(FEED, "gzip", 1 << 20));
    }

    /** The JDK client's side of a response body: hands the subscriber buffers and records what it asked. */
    private static final class Wire implements Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    private static List<ByteBuffer> chunks(String... parts) {
        return java.util.Arrays.stream(parts).map(p -> ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8))).toList();
    }

    private static byte[] body(CappedBodySubscriber subscriber) throws Exception {
        return subscriber.getBody().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aBodyUpToTheCapIsCollectedWholeAndInOrder() throws Exception {
        CappedBodySubscriber subscriber = CappedBodySubscriber.upTo(10);
        Wire wire = new Wire();
        subscriber.onSubscribe(wire);
        assertEquals(Long.MAX_VALUE, wire.requested.get(), "everything is asked for: the cap, not demand, bounds it");
        subscriber.onNext(chunks("abc", "de"));
        subscriber.onNext(chunks("fghij"));
        assertFalse(subscriber.getBody().toCompletableFuture().isDone());
        subscriber.onComplete();
        assertEquals("abcdefghij", new String(body(subscriber), StandardCharsets.UTF_8));
        assertFalse(wire.cancelled.get());
    }

    @Test
    void oneByteOverTheCapCancelsTheExchangeAndFailsTheBody() {
        CappedBodySubscriber subscriber = CappedBodySubscriber.upTo(10);
        Wire wire = new Wire();
        subscriber.onSubscribe(wire);
        subscriber.onNext(chunks("abcdefghij"));
        subscriber.onNext(chunks("k", "more"));
        assertTrue(wire.cancelled.get(), "the connection is given up at once");
        ExecutionException e = assertThrows(ExecutionException.class, () -> body(subscriber));
        assertInstanceOf(CappedBodySubscriber.BodyTooLargeException.class, e.getCause());
        assertEquals(0, e.getCause().getStackTrace().length, "an expected outcome carries no stack trace");
        subscriber.onNext(chunks("late")); // after the failure: ignored
        subscriber.onComplete();
        assertTrue(subscriber.getBody().toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void aDroppedBodyIsCancelledAtOnceAndReadsAsEmpty() throws Exception {
        CappedBodySubscriber subscriber = CappedBodySubscriber.dropping();
        Wire wire = new Wire();
        subscriber.onSubscribe(wire);
        assertTrue(wire.cancelled.get());
        assertEquals(0, wire.requested.get(), "nothing is asked for");
        assertArrayEquals(new byte[0], body(subscriber));
    }

    @Test
    void aBrokenExchangeFailsTheBodyWithItsError() {
        CappedBodySubscriber subscriber = CappedBodySubscriber.upTo(10);
        subscriber.onSubscribe(new Wire());
        IOException reset = new IOException("connection reset");
        subscriber.onError(reset);
        ExecutionException e = assertThrows(ExecutionException.class, () -> body(subscriber));
        assertEquals(reset, e.getCause());
    }

    @Test
    void anHttpStatusIsNamedWithItsUsualMeaning() {
        assertEquals("HTTP 404 Not Found", HttpStatusText.describe(404));
        assertEquals("HTTP 400 Bad Request", HttpStatusText.describe(400));
        assertEquals("HTTP 401 Unauthorized", HttpStatusText.describe(401));
        assertEquals("HTTP 403 Forbidden", HttpStatusText.describe(403));
        assertEquals("HTTP 405 Method Not Allowed", HttpStatusText.describe(405));
        assertEquals("HTTP 406 Not Acceptable", HttpStatusText.describe(406));
        assertEquals("HTTP 408 Request Timeout", HttpStatusText.describe(408));
        assertEquals("HTTP 410 Gone", HttpStatusText.describe(410));
        assertEquals("HTTP 429 Too Many Requests", HttpStatusText.describe(429));
        assertEquals("HTTP 500 Internal Server Error", HttpStatusText.describe(500));
        assertEquals("HTTP 502 Bad Gateway", HttpStatusText.describe(502));
        assertEquals("HTTP 503 Service Unavailable", HttpStatusText.describe(503));
        assertEquals("HTTP 504 Gateway Timeout", HttpStatusText.describe(504));
        assertEquals("HTTP 599 server error", HttpStatusText.describe(599));
        assertEquals("HTTP 500 Internal Server Error", HttpStatusText.describe(500));
        assertEquals("HTTP 499 client error", HttpStatusText.describe(499));
        assertEquals("HTTP 418 client error", HttpStatusText.describe(418));
        assertEquals("HTTP 304 unexpected status", HttpStatusText.describe(304));
        assertEquals("HTTP 399 unexpected status", HttpStatusText.describe(399));
    }
}
