package dev.polymath.core.report;

import java.util.List;

/** Renderers behind {@link Table#toMarkdown()}, {@link Table#toText(Border)} and {@link Table#toHtml()}. */
final class TableFormat {
    private TableFormat() {}

    // ------------------------------------------------------------------ Markdown

    static String markdown(Table t) {
        int n = t.columnCount();
        List<String> head = t.headers().stream().map(TableFormat::mdCell).toList();
        List<List<String>> body = t.rows().stream().map(r -> r.stream().map(TableFormat::mdCell).toList()).toList();
        int[] w = widths(head, body, 3);
        var b = new StringBuilder();
        if (!t.title().isBlank()) b.append("### ").append(oneLine(t.title())).append("\n\n");
        mdRow(b, head, w, t.aligns());
        b.append('|');
        for (int c = 0; c < n; c++) {
            Align a = t.aligns().get(c);
            int dashes = w[c] + 2 - (a == Align.CENTER ? 2 : a == Align.RIGHT ? 1 : 0);
            b.append(a == Align.CENTER ? ":" : "").append("-".repeat(dashes)).append(a == Align.LEFT ? "" : ":").append('|');
        }
        b.append('\n');
        for (List<String> r : body) mdRow(b, r, w, t.aligns());
        if (!t.note().isBlank()) b.append('\n').append('_').append(oneLine(t.note()).replace("_", "\\_")).append("_\n");
        return b.toString();
    }

    private static void mdRow(StringBuilder b, List<String> cells, int[] w, List<Align> aligns) {
        b.append('|');
        for (int c = 0; c < cells.size(); c++) b.append(' ').append(pad(cells.get(c), w[c], aligns.get(c))).append(" |");
        b.append('\n');
    }

    private static String mdCell(String s) {
        return oneLine(s).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;");
    }

    private static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
    }

    // ------------------------------------------------------------------ plain text

    static String text(Table t, Border border) {
        List<String> head = t.headers().stream().map(TableFormat::oneLine).toList();
        List<List<String>> body = t.rows().stream().map(r -> r.stream().map(TableFormat::oneLine).toList()).toList();
        int[] w = widths(head, body, 1);
        var b = new StringBuilder();
        if (!t.title().isBlank()) b.append(oneLine(t.title())).append('\n');
        switch (border) {
            case BOX -> {
                rule(b, w, "┌─", "─┬─", "─┐", '─');
                textRow(b, head, w, t.aligns(), "│ ", " │ ", " │");
                rule(b, w, "├─", "─┼─", "─┤", '─');
                for (List<String> r : body) textRow(b, r, w, t.aligns(), "│ ", " │ ", " │");
                rule(b, w, "└─", "─┴─", "─┘", '─');
            }
            case ASCII -> {
                rule(b, w, "+-", "-+-", "-+", '-');
                textRow(b, head, w, t.aligns(), "| ", " | ", " |");
                rule(b, w, "+-", "-+-", "-+", '-');
                for (List<String> r : body) textRow(b, r, w, t.aligns(), "| ", " | ", " |");
                rule(b, w, "+-", "-+-", "-+", '-');
            }
            case PLAIN -> {
                textRow(b, head, w, t.aligns(), "", "  ", "");
                rule(b, w, "", "  ", "", '-');
                for (List<String> r : body) textRow(b, r, w, t.aligns(), "", "  ", "");
            }
        }
        if (!t.note().isBlank()) b.append(oneLine(t.note())).append('\n');
        return b.toString();
    }

    private static void rule(StringBuilder b, int[] w, String left, String mid, String right, char fill) {
        b.append(left);
        for (int c = 0; c < w.length; c++) {
            if (c > 0) b.append(mid);
            b.append(String.valueOf(fill).repeat(w[c]));
        }
        b.append(right).append('\n');
    }

    private static void textRow(StringBuilder b, List<String> cells, int[] w, List<Align> aligns,
                                String left, String mid, String right) {
        var line = new StringBuilder(left);
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) line.append(mid);
            line.append(pad(cells.get(c), w[c], aligns.get(c)));
        }
        line.append(right);
        // no trailing blanks in frameless tables
        int end = line.length();
        if (right.isEmpty()) while (end > 0 && line.charAt(end - 1) == ' ') end--;
        b.append(line, 0, end).append('\n');
    }

    // ------------------------------------------------------------------ HTML

    static String html(Table t) {
        var b = new StringBuilder();
        b.append("<table class=\"pm-table\">\n");
        if (!t.title().isBlank()) b.append("<caption>").append(Xml.escape(t.title())).append("</caption>\n");
        b.append("<thead><tr>");
        for (int c = 0; c < t.columnCount(); c++) {
            b.append("<th").append(alignAttr(t.aligns().get(c))).append('>').append(Xml.escape(t.headers().get(c))).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : t.rows()) {
            b.append("<tr>");
            for (int c = 0; c < r.size(); c++) {
                b.append("<td").append(alignAttr(t.aligns().get(c))).append('>').append(Xml.escape(r.get(c))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        if (!t.note().isBlank()) b.append("<p class=\"pm-note\">").append(Xml.escape(t.note())).append("</p>\n");
        return b.toString();
    }

    private static String alignAttr(Align a) {
        return switch (a) {
            case LEFT -> " style=\"text-align:left\"";
            case RIGHT -> " class=\"num\" style=\"text-align:right\"";
            case CENTER -> " style=\"text-align:center\"";
        };
    }

    // ------------------------------------------------------------------ shared

    private static int[] widths(List<String> head, List<List<String>> body, int min) {
        int[] w = new int[head.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = Math.max(min, width(head.get(c)));
            for (List<String> r : body) w[c] = Math.max(w[c], width(r.get(c)));
        }
        return w;
    }

    static String pad(String s, int width, Align a) {
        int gap = width - width(s);
        if (gap <= 0) return s;
        return switch (a) {
            case LEFT -> s + " ".repeat(gap);
            case RIGHT -> " ".repeat(gap) + s;
            case CENTER -> " ".repeat(gap / 2) + s + " ".repeat(gap - gap / 2);
        };
    }

    /** Columns a string occupies in a monospaced terminal: combining marks take none, East Asian wide characters two. */
    static int width(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                    || cp == 0x200B) continue;
            w += isWide(cp) ? 2 : 1;
        }
        return w;
    }

    private static boolean isWide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F)
                || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F)
                || (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
    }
}
