package dev.polymath.core.report;

import java.util.List;
import java.util.Locale;

/** A small SVG writer shared by the charts. */
final class Svg {
    static final List<String> PALETTE = List.of(
            "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#555555", "#B8A000",
            "#1B3A6B", "#8C564B");
    static final String FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
    static final String AXIS = "#444444";
    static final String GRID = "#e3e3e3";

    private final StringBuilder b = new StringBuilder(4096);

    Svg(double width, double height, String title) {
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pm-chart\" width=\"").append(n(width))
                .append("\" height=\"").append(n(height)).append("\" viewBox=\"0 0 ").append(n(width)).append(' ')
                .append(n(height)).append("\" font-family=\"").append(FONT).append("\" font-size=\"12\" role=\"img\">\n");
        b.append("<title>").append(Xml.escape(title)).append("</title>\n");
    }

    static String color(int i) {
        return PALETTE.get(i % PALETTE.size());
    }

    /** Coordinates with at most two decimals, no exponent, never "-0". */
    static String n(double v) {
        String s = Fmt.compact(v, 2);
        return s.equals("-0") ? "0" : s;
    }

    static double textWidth(String s, double fontSize) {
        return TableFormat.width(s) * fontSize * 0.6;
    }

    Svg raw(String s) {
        b.append(s);
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String cls) {
        b.append("<line");
        if (cls != null) b.append(" class=\"").append(cls).append('"');
        b.append(" x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(n(width)).append("\"/>\n");
        return this;
    }

    /** Text at (x, y); {@code anchor} is start, middle or end; {@code extra} holds further raw attributes or null. */
    Svg text(double x, double y, String text, String anchor, double size, String fill, String cls, String extra) {
        b.append("<text");
        if (cls != null) b.append(" class=\"").append(cls).append('"');
        b.append(" x=\"").append(n(x)).append("\" y=\"").append(n(y)).append('"');
        if (!"start".equals(anchor)) b.append(" text-anchor=\"").append(anchor).append('"');
        if (size != 12) b.append(" font-size=\"").append(n(size)).append('"');
        if (fill != null) b.append(" fill=\"").append(fill).append('"');
        if (extra != null) b.append(' ').append(extra);
        b.append('>').append(Xml.escape(text)).append("</text>\n");
        return this;
    }

    /** Draws a legend of (name, colour) entries in rows starting at (x, y); returns the height used. */
    double legend(double x, double y, double maxWidth, List<String> names, boolean lineSwatch) {
        double cx = x, cy = y, rowH = 18;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            double w = 16 + textWidth(name, 12) + 18;
            if (cx > x && cx + w > x + maxWidth) { cx = x; cy += rowH; }
            String c = color(i);
            if (lineSwatch) {
                line(cx, cy + 6, cx + 12, cy + 6, c, 2.5, "swatch");
            } else {
                b.append("<path class=\"swatch\" d=\"M").append(n(cx)).append(' ').append(n(cy + 1)).append("h11v11h-11z\" fill=\"")
                        .append(c).append("\"/>\n");
            }
            text(cx + 16, cy + 11, name, "start", 12, "#222222", "legend", null);
            cx += w;
        }
        return names.isEmpty() ? 0 : cy - y + rowH;
    }

    /** Predicts the height {@link #legend} will use. */
    static double legendHeight(double maxWidth, List<String> names) {
        if (names.isEmpty()) return 0;
        double cx = 0, rows = 1;
        for (String name : names) {
            double w = 16 + textWidth(name, 12) + 18;
            if (cx > 0 && cx + w > maxWidth) { cx = 0; rows++; }
            cx += w;
        }
        return rows * 18;
    }

    @Override
    public String toString() {
        return b + "</svg>\n";
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
