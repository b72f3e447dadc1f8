package dev.newsstream.feed.control;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Tells a login page or a bot check (Cloudflare's "Just a moment...", a CAPTCHA, a sign-in form) from a
 * feed that is merely broken, so the source says "blocked" instead of "not a feed": the fix is different
 * (ask the site, change the URL), and nothing is wrong with our parser.
 */
public final class BotWall {

    static final int HEAD_BYTES = 32 * 1024;
    private static final List<String> MARKS = List.of("type=\"password\"", "type='password'", "type=password",
            "captcha", "cf-challenge", "challenge-platform", "just a moment...", "checking your browser",
            "attention required", "access denied", "are you a robot", "verify you are human", "sign in to continue",
            "please log in", "please sign in", "login required");

    private BotWall() {
    }

    /** Whether a 2xx body that did not parse as a feed is an HTML page asking for a login or a human. */
    public static boolean isWall(byte[] body, String contentType) {
        if (body == null || body.length == 0) return false;
        String head = new String(body, 0, Math.min(body.length, HEAD_BYTES), StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        boolean html = (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html"))
                || head.contains("<html") || head.contains("<!doctype html");
        return html && MARKS.stream().anyMatch(head::contains);
    }

    /** 401 and 403 are how sites say "not you": a bot wall or a login, not a missing or broken feed. */
    public static boolean isWallStatus(int status) {
        return status == 401 || status == 403;
    }

    public static String describe(int status) {
        return "blocked by the server: " + HttpStatusText.describe(status) + " (a bot wall or a login)";
    }
}
