package dev.newsstream.feed.control;

import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEnclosure;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndLink;
import org.jdom2.Element;
import org.jdom2.Namespace;
import org.jsoup.Jsoup;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Picks the picture for an article card. Publishers put it in half a dozen places; the order below prefers
 * what the article itself shows (the first image of its content) over thumbnails and attachments, and the
 * description last because descriptions often carry share buttons and ads.
 */
final class ArticleImageFinder {

    /** Media RSS: ROME core has no module for it, so its elements arrive as foreign markup. */
    private static final Namespace MEDIA_RSS = Namespace.getNamespace("http://search.yahoo.com/mrss/");
    private static final Pattern IMAGE_PATH = Pattern.compile("(?i).*\\.(jpe?g|png|gif|webp|avif|bmp|svg)$");

    private ArticleImageFinder() {
    }

    /** The first usable image as an absolute http(s) URL, or null. Relative URLs are resolved against {@code base}. */
    static String find(SyndEntry entry, URI base) {
        List<Supplier<Stream<String>>> candidatesInOrder = List.of(
                () -> entry.getContents().stream().flatMap(ArticleImageFinder::imagesInHtml),
                () -> mediaElements(entry, "thumbnail").map(e -> e.getAttributeValue("url")),
                () -> mediaElements(entry, "content").filter(ArticleImageFinder::isImageMedia).map(e -> e.getAttributeValue("url")),
                () -> entry.getEnclosures().stream().filter(e -> isImageType(e.getType())).map(SyndEnclosure::getUrl),
                () -> entry.getLinks().stream().filter(l -> isImageType(l.getType())).map(SyndLink::getHref),
                () -> Stream.ofNullable(entry.getDescription()).flatMap(ArticleImageFinder::imagesInHtml));
        // Lazily: most entries are settled by the first or second source, and parsing HTML is the expensive part.
        return candidatesInOrder.stream()
                .flatMap(Supplier::get)
                .map(url -> FeedTextLimits.url(WebUrls.httpUrl(url, base)))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    private static Stream<String> imagesInHtml(SyndContent content) {
        String html = FeedTextLimits.htmlInput(content.getValue());
        if (html == null || !html.contains("<")) {
            return Stream.empty();
        }
        return Jsoup.parseBodyFragment(html).select("img").stream()
                .filter(img -> !isTrackingPixel(img.attr("width"), img.attr("height")))
                // Lazy-loading themes leave a placeholder in src and the real picture in data-src.
                .map(img -> img.hasAttr("data-src") ? img.attr("data-src") : img.attr("src"));
    }

    private static boolean isTrackingPixel(String width, String height) {
        return width.strip().matches("[01](px)?") || height.strip().matches("[01](px)?");
    }

    /** media:content and media:thumbnail may sit directly in the item, in a media:group, or inside each other. */
    private static Stream<Element> mediaElements(SyndEntry entry, String name) {
        // A walk with an explicit stack, not recursion: nesting depth is the feed's choice, not ours.
        List<Element> found = new ArrayList<>();
        Deque<Element> toVisit = new ArrayDeque<>(entry.getForeignMarkup());
        while (!toVisit.isEmpty()) {
            Element element = toVisit.pollFirst();
            if (!MEDIA_RSS.getURI().equals(element.getNamespaceURI())) {
                continue;
            }
            if (element.getName().equals(name)) {
                found.add(element);
            }
            List<Element> children = element.getChildren();
            for (int i = children.size() - 1; i >= 0; i--) {
                toVisit.addFirst(children.get(i)); // document order, as the recursive walk had it
            }
        }
        return found.stream();
    }

    private static boolean isImageMedia(Element mediaContent) {
        String url = mediaContent.getAttributeValue("url");
        return "image".equalsIgnoreCase(mediaContent.getAttributeValue("medium"))
                || isImageType(mediaContent.getAttributeValue("type"))
                || (mediaContent.getAttributeValue("medium") == null && mediaContent.getAttributeValue("type") == null
                    && url != null && looksLikeImagePath(url));
    }

    private static boolean isImageType(String mimeType) {
        return mimeType != null && mimeType.strip().toLowerCase(Locale.ROOT).startsWith("image/");
    }

    private static boolean looksLikeImagePath(String url) {
        String path = url.split("[?#]", 2)[0].strip();
        return IMAGE_PATH.matcher(path).matches();
    }
}
