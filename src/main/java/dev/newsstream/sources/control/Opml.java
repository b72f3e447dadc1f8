package dev.newsstream.sources.control;

import dev.newsstream.feed.entity.Source;
import dev.newsstream.sources.entity.OpmlFeed;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * OPML 2.0 out and in. Out: one outline per category, holding one {@code type="rss"} outline per source
 * ({@code xmlUrl} is its first URL; a consolidated source also lists all of them, space-separated, in
 * {@code xmlUrls}; {@code country}, {@code fundingType} and {@code biasRating} ride along as attributes).
 * In: XML from a user, so the JDK's own StAX reader with DTDs and external entities off, and a document
 * type declaration refused outright; the caller caps the size. A feed outline is any outline with an
 * {@code xmlUrl}; its category is the nearest enclosing outline without one (else its {@code category}
 * attribute, else "general").
 */
public final class Opml {

    static final String DEFAULT_CATEGORY = "general";

    private Opml() {
    }

    public static String write(List<Source> sources, Instant now) {
        Map<String, List<Source>> byCategory = new LinkedHashMap<>();
        sources.stream().sorted((a, b) -> a.category().compareTo(b.category()))
                .forEach(s -> byCategory.computeIfAbsent(s.category(), c -> new ArrayList<>()).add(s));
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("opml");
            xml.writeAttribute("version", "2.0");
            xml.writeCharacters("\n  ");
            xml.writeStartElement("head");
            element(xml, "title", "newsstream sources");
            element(xml, "dateCreated", DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)));
            xml.writeEndElement();
            xml.writeCharacters("\n  ");
            xml.writeStartElement("body");
            for (Map.Entry<String, List<Source>> category : byCategory.entrySet()) {
                xml.writeCharacters("\n    ");
                xml.writeStartElement("outline");
                xml.writeAttribute("text", category.getKey());
                xml.writeAttribute("title", category.getKey());
                for (Source s : category.getValue()) {
                    xml.writeCharacters("\n      ");
                    xml.writeEmptyElement("outline");
                    xml.writeAttribute("type", "rss");
                    xml.writeAttribute("text", s.name());
                    xml.writeAttribute("title", s.name());
                    xml.writeAttribute("xmlUrl", s.firstUrl().toString());
                    if (s.urls().size() > 1) {
                        xml.writeAttribute("xmlUrls", String.join(" ", s.urls().stream().map(URI::toString).toList()));
                    }
                    if (!s.country().isEmpty()) xml.writeAttribute("country", s.country());
                    if (!s.fundingType().isEmpty()) xml.writeAttribute("fundingType", s.fundingType());
                    if (!s.biasRating().isEmpty()) xml.writeAttribute("biasRating", s.biasRating());
                }
                xml.writeCharacters("\n    ");
                xml.writeEndElement();
            }
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing OPML failed", e);
        }
        return out.toString();
    }

    private static void element(XMLStreamWriter xml, String name, String text) throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeStartElement(name);
        xml.writeCharacters(text);
        xml.writeEndElement();
    }

    /** The feed outlines of an OPML document, in document order; at most {@code maxFeeds}. */
    public static List<OpmlFeed> read(byte[] document, int maxFeeds) {
        if (document == null || document.length == 0) throw new OpmlException("the OPML file is empty");
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory(); // the JDK's, whatever the server bundles
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        List<OpmlFeed> feeds = new ArrayList<>();
        Deque<String> folders = new ArrayDeque<>();
        Deque<Boolean> opened = new ArrayDeque<>(); // per open outline: did it push a folder?
        boolean sawOpml = false;
        XMLStreamReader xml = null;
        try {
            xml = factory.createXMLStreamReader(new ByteArrayInputStream(document));
            while (xml.hasNext()) {
                int event = xml.next();
                switch (event) {
                    case XMLStreamConstants.DTD ->
                            throw new OpmlException("the OPML file has a document type declaration (<!DOCTYPE>), which is not allowed");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new OpmlException("the OPML file uses an entity (&" + xml.getLocalName() + ";), which is not allowed");
                    case XMLStreamConstants.START_ELEMENT -> {
                        String name = xml.getLocalName();
                        if (!sawOpml) {
                            if (!"opml".equals(name)) throw new OpmlException("not an OPML file: the root element is <" + name + ">, not <opml>");
                            sawOpml = true;
                        } else if ("outline".equals(name)) {
                            String xmlUrl = attribute(xml, "xmlUrl");
                            if (xmlUrl == null) {
                                String folder = firstNonBlank(attribute(xml, "title"), attribute(xml, "text"));
                                folders.push(folder == null ? DEFAULT_CATEGORY : folder.trim());
                                opened.push(true);
                            } else {
                                opened.push(false);
                                if (feeds.size() >= maxFeeds) {
                                    throw new OpmlException("the OPML file lists more than " + maxFeeds + " feeds");
                                }
                                feeds.add(feed(xml, feeds.size() + 1, xmlUrl, folders.peek()));
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if ("outline".equals(xml.getLocalName()) && !opened.isEmpty() && opened.pop()) folders.pop();
                    }
                    default -> { }
                }
            }
        } catch (XMLStreamException e) {
            String message = e.getMessage() == null ? "unreadable" : e.getMessage();
            if (message.contains("DOCTYPE") || message.contains("DTD")) {
                throw new OpmlException("the OPML file has a document type declaration (<!DOCTYPE>), which is not allowed");
            }
            throw new OpmlException("not well-formed XML: " + message.replaceAll("\\s+", " ").trim());
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException ignored) {
                    // nothing held but memory
                }
            }
        }
        if (!sawOpml) throw new OpmlException("not an OPML file: no <opml> element");
        return feeds;
    }

    private static OpmlFeed feed(XMLStreamReader xml, int index, String xmlUrl, String folder) {
        String all = attribute(xml, "xmlUrls");
        List<String> urls = all == null || all.isBlank() ? List.of(xmlUrl.trim()) : List.of(all.trim().split("\\s+"));
        String name = firstNonBlank(attribute(xml, "title"), attribute(xml, "text"));
        String category = folder;
        if (category == null) {
            String attr = attribute(xml, "category");
            category = attr == null || attr.isBlank() ? DEFAULT_CATEGORY : attr.trim().replaceFirst("^/", "").split(",")[0].trim();
            if (category.isEmpty()) category = DEFAULT_CATEGORY;
        }
        return new OpmlFeed(index, name == null ? "" : name.trim(), urls, category, text(xml, "country"),
                text(xml, "fundingType"), text(xml, "biasRating"));
    }

    private static String attribute(XMLStreamReader xml, String name) {
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            if (name.equals(xml.getAttributeLocalName(i))) return xml.getAttributeValue(i);
        }
        return null;
    }

    private static String text(XMLStreamReader xml, String name) {
        String value = attribute(xml, name);
        return value == null ? "" : value.trim();
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) return a;
        return b != null && !b.isBlank() ? b : null;
    }
}
