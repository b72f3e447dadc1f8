package dev.newsstream.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allow-list of origins: what a value means, what is refused, and who is allowed. */
class CorsPolicyTest {

    static CorsPolicy policy(String value) {
        CorsPolicy policy = new CorsPolicy();
        policy.configured = Optional.ofNullable(value);
        policy.init();
        return policy;
    }

    @Test
    void noneByDefault() {
        CorsPolicy none = policy(null);
        assertFalse(none.enabled());
        assertFalse(none.allows("https://app.example"));
        assertFalse(policy(" , ").enabled());
    }

    @Test
    void listedOriginsAreNormalisedAndMatchedExactly() {
        assertEquals(Set.of("https://app.example", "http://127.0.0.1:3000"), CorsPolicy.parse(" https://App.Example/ ,http://127.0.0.1:3000"));
        CorsPolicy listed = policy("https://app.example, http://127.0.0.1:3000");
        assertTrue(listed.allows("https://app.example"));
        assertTrue(listed.allows("HTTPS://APP.EXAMPLE"));
        assertTrue(listed.allows("http://127.0.0.1:3000"));
        assertFalse(listed.allows("http://app.example"), "another scheme is another origin");
        assertFalse(listed.allows("https://app.example:8443"), "another port is another origin");
        assertFalse(listed.allows("https://app.example.evil.example"));
        assertFalse(listed.allows("null"));
        assertFalse(listed.allows(null));
    }

    @Test
    void aStarAllowsEveryRealOrigin() {
        CorsPolicy any = policy("*");
        assertTrue(any.allows("https://anything.example"));
        assertFalse(any.allows("null"), "a sandboxed or file: page has no origin to allow");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example", "ftp://app.example", "https://app.example/path", "https://app.example?x=1",
            "https://user@app.example", "https://", "http://[bad"})
    void aMalformedEntryIsRefusedWithItsName(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorsPolicy.parse("https://ok.example," + entry));
        assertTrue(e.getMessage().contains("newsstream.cors.allowed-origins") && e.getMessage().contains(entry), e.getMessage());
    }

    @Test
    void onlyTheMethodsTheApiHas() {
        assertTrue(CorsPolicy.allowsMethod("GET") && CorsPolicy.allowsMethod("post") && CorsPolicy.allowsMethod("HEAD"));
        assertFalse(CorsPolicy.allowsMethod("DELETE") || CorsPolicy.allowsMethod("PUT") || CorsPolicy.allowsMethod(null));
    }
}
