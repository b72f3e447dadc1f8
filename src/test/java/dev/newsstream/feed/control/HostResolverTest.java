package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A name server that never answers costs the fetch that asked its deadline, and nothing else: JDK 17 has
 * no resolver SPI, so the lookup is this class's seam, here one that hangs for some names.
 */
class HostResolverTest {

    private final CountDownLatch never = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final InetAddress answer = InetAddress.getLoopbackAddress();

    private final HostResolver cut = new HostResolver(pool, host -> {
        if (host.startsWith("hang")) {
            // a resolver that never answers (and, like the real one, cannot be interrupted)
            while (true) {
                try {
                    never.await();
                    break;
                } catch (InterruptedException ignored) {
                    // getaddrinfo does not care either
                }
            }
        }
        if (host.startsWith("unknown")) throw new UnknownHostException(host);
        return new InetAddress[] {answer};
    });

    @AfterEach
    void release() {
        never.countDown();
        pool.shutdownNow();
    }

    @Test
    void aHangingLookupCostsItsFetchItsDeadlineOnly() throws Exception {
        long started = System.nanoTime();
        assertThrows(TimeoutException.class, () -> cut.resolve("hang.example", Duration.ofMillis(300)));
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms >= 290 && ms < 3000, "gave up after " + ms + " ms");
        assertThrows(TimeoutException.class, () -> cut.resolve("hang2.example", Duration.ofMillis(100)));
        // two lookups hang on two pool threads; others still resolve at once
        long before = System.nanoTime();
        assertArrayEquals(new InetAddress[] {answer}, cut.resolve("news.example", Duration.ofSeconds(5)));
        assertTrue((System.nanoTime() - before) / 1_000_000 < 2000);
    }

    @Test
    void unknownNamesAndLiteralsAreAnsweredAsSuch() throws Exception {
        assertThrows(UnknownHostException.class, () -> cut.resolve("unknown.example", Duration.ofSeconds(5)));
        assertTrue(cut.resolve("127.0.0.2", Duration.ofMillis(1))[0].isLoopbackAddress());
        assertTrue(cut.resolve("[::1]", Duration.ofMillis(1))[0].isLoopbackAddress());
        assertTrue(HostResolver.isLiteral("10.1.2.3"));
        assertFalse(HostResolver.isLiteral("example.org"));
    }

    @Test
    void internalNetworksClassifyAddresses() throws Exception {
        InternalNetworks defaults = InternalNetworks.parse(InternalNetworks.DEFAULT);
        for (String internal : new String[] {"127.0.0.1", "10.9.8.7", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1"}) {
            assertTrue(defaults.isInternal(InetAddress.getByName(internal)), internal);
        }
        for (String external : new String[] {"8.8.8.8", "172.32.0.1", "192.0.2.2", "2001:db8::1", "100.128.0.1"}) {
            assertFalse(defaults.isInternal(InetAddress.getByName(external)), external);
        }
        InternalNetworks onlyOne = InternalNetworks.parse("127.0.0.2/32");
        assertTrue(onlyOne.isInternal(InetAddress.getByName("127.0.0.2")));
        assertFalse(onlyOne.isInternal(InetAddress.getByName("127.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> InternalNetworks.parse("intranet.example/8"));
        assertThrows(IllegalArgumentException.class, () -> InternalNetworks.parse("10.0.0.0/33"));
    }
}
