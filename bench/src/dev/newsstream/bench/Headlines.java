package dev.newsstream.bench;

import dev.newsstream.testing.FixtureFeedServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Feeds whose items are different news: headlines and previews of made-up words, seeded per feed. The fixture server's built-in feeds title every item "{feed} story {n}", so a hundred of them
 * are one story to the grouping, and every frame would carry the longest "also reported by" list there
 * is; real sources rarely share a headline.
 */
final class Headlines {

    private Headlines() {
    }

    static List<FixtureFeedServer.Item> feed(String name, int count) {
        Random random = new Random(name.hashCode());
        List<FixtureFeedServer.Item> items = new ArrayList<>();
        Instant newest = Instant.parse("2026-11-20T12:00:00Z");
        for (int i = 1; i <= count; i++) {
            String title = words(random, 6) + " (" + name + " " + i + ")";
            items.add(new FixtureFeedServer.Item(title, "http://127.0.0.1/" + name + "/" + i, name + "-" + i,
                    newest.minusSeconds(3600L * i), "<p>" + words(random, 30) + ".</p>"));
        }
        return items;
    }

    /** Made-up words: any two items share next to none, as the headlines of unrelated news. */
    private static String words(Random random, int n) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < n; w++) {
            if (w > 0) text.append(' ');
            int letters = 4 + random.nextInt(6);
            for (int c = 0; c < letters; c++) text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
