package dev.newsstream.bench;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table (readable in a terminal, pasteable into bench/README.md). */
final class Table {

    private final String title;
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Table(String title, String... header) {
        this.title = title;
        this.header = header;
    }

    Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        rows.add(r);
        return this;
    }

    String render() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) width[i] = header[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder out = new StringBuilder();
        if (title != null) out.append("\n### ").append(title).append("\n\n");
        line(out, header, width);
        out.append('|');
        for (int w : width) out.append('-').append("-".repeat(w)).append("-|");
        out.append('\n');
        for (String[] r : rows) line(out, r, width);
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        out.append('|');
        for (int i = 0; i < cells.length; i++) {
            out.append(' ').append(cells[i]).append(" ".repeat(width[i] - cells[i].length())).append(" |");
        }
        out.append('\n');
    }
}
