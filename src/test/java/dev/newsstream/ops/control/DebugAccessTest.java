package dev.newsstream.ops.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.ops.control.DebugAccess.Caller;
import dev.newsstream.ops.control.DebugAccess.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Who may read /debug/*: the decision alone, from what a request says about itself. */
class DebugAccessTest {

    static final DebugAccess NO_TOKEN = new DebugAccess(true, Optional.empty());
    static final DebugAccess WITH_TOKEN = new DebugAccess(true, Optional.of("s3cret"));

    static Caller from(String address, String host) {
        return new Caller(address, host, null, null, null, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "[::1]", "::ffff:127.0.0.1", "::1%lo"})
    void loopbackLiteralsAreLoopback(String address) {
        assertTrue(DebugAccess.isLoopbackAddress(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.2", "10.0.0.1", "::ffff:10.0.0.1", "fd00::2", "0.0.0.0", "localhost", "127.0.0.1.evil.example",
            "", "128.0.0.1", "::2"})
    void everythingElseIsNotAndNoNameIsLookedUp(String address) {
        assertFalse(DebugAccess.isLoopbackAddress(address), address);
    }

    @Test
    void withoutATokenOnlyALocalClientGetsIn() {
        assertEquals(Verdict.ALLOW, NO_TOKEN.decide(from("127.0.0.1", "127.0.0.1:8080")).verdict());
        assertEquals(Verdict.ALLOW, NO_TOKEN.decide(from("127.0.0.1", "localhost:8080")).verdict());
        assertEquals(Verdict.ALLOW, NO_TOKEN.decide(from("::1", "[::1]:8080")).verdict());
        assertEquals(Verdict.ALLOW, NO_TOKEN.decide(from("127.0.0.1", null)).verdict(), "HTTP/1.0 without Host");
        var remote = NO_TOKEN.decide(from("192.0.2.2", "127.0.0.1:8080"));
        assertEquals(Verdict.FORBIDDEN, remote.verdict());
        assertTrue(remote.detail().contains("192.0.2.2") && remote.detail().contains("newsstream.debug.token"), remote.detail());
    }

    @Test
    void aForwardedRequestIsNeverLocal() {
        var proxied = NO_TOKEN.decide(new Caller("127.0.0.1", "localhost", null, null, null, true));
        assertEquals(Verdict.FORBIDDEN, proxied.verdict());
        assertTrue(proxied.detail().contains("proxy"), proxied.detail());
    }

    @Test
    void aBrowserOnThisMachineIsNotLocalForAnotherSite() {
        assertEquals(Verdict.FORBIDDEN, NO_TOKEN.decide(from("127.0.0.1", "rebound.evil.example:8080")).verdict(), "DNS rebinding");
        assertEquals(Verdict.FORBIDDEN, NO_TOKEN.decide(new Caller("127.0.0.1", "localhost:8080", null, "https://evil.example", null, false)).verdict());
        assertEquals(Verdict.FORBIDDEN, NO_TOKEN.decide(new Caller("127.0.0.1", "localhost:8080", null, "null", null, false)).verdict());
        assertEquals(Verdict.FORBIDDEN, NO_TOKEN.decide(new Caller("127.0.0.1", "localhost:8080", null, null, "cross-site", false)).verdict());
        assertEquals(Verdict.FORBIDDEN, NO_TOKEN.decide(new Caller("127.0.0.1", "localhost:8080", null, null, "same-site", false)).verdict());
        assertEquals(Verdict.ALLOW, NO_TOKEN.decide(new Caller("127.0.0.1", "localhost:8080", null, "http://localhost:8080", "same-origin", false)).verdict());
        assertEquals(Verdict.ALLOW, NO_TOKEN.decide(new Caller("127.0.0.1", "localhost:8080", null, null, "none", false)).verdict(), "typed in the address bar");
    }

    @Test
    void withATokenEveryoneNeedsItAndItIsEnoughAnywhere() {
        assertEquals(Verdict.UNAUTHORIZED, WITH_TOKEN.decide(from("127.0.0.1", "localhost")).verdict());
        assertEquals(Verdict.ALLOW, WITH_TOKEN.decide(new Caller("192.0.2.2", "news.example", "Bearer s3cret", null, null, true)).verdict());
        assertEquals(Verdict.ALLOW, WITH_TOKEN.decide(new Caller("192.0.2.2", "news.example", "bearer  s3cret ", null, null, false)).verdict());
        assertEquals(Verdict.UNAUTHORIZED, WITH_TOKEN.decide(new Caller("192.0.2.2", null, "Bearer s3cret2", null, null, false)).verdict());
        assertEquals(Verdict.UNAUTHORIZED, WITH_TOKEN.decide(new Caller("192.0.2.2", null, "Basic s3cret", null, null, false)).verdict());
        assertFalse(WITH_TOKEN.decide(from("192.0.2.2", null)).detail().contains("s3cret"), "the token is never told");
    }

    @Test
    void switchedOffIsNotFoundForEveryone() {
        assertEquals(Verdict.NOT_FOUND, new DebugAccess(false, Optional.of("t")).decide(new Caller("127.0.0.1", null, "Bearer t", null, null, false)).verdict());
    }
}
