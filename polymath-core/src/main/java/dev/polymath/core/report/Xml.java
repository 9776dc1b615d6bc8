package dev.polymath.core.report;

/** Escaping for text and attribute values in XML, XHTML and SVG. */
public final class Xml {
    private Xml() {}

    /**
     * Escapes {@code & < > " '} and drops characters that XML 1.0 does not allow (control characters other than
     * tab, newline and carriage return; unpaired surrogates; U+FFFE and U+FFFF). Null becomes the empty string.
     */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> allowed(s, i) ? null : "";
            };
            if (rep == null) {
                if (b != null) b.append(c);
            } else {
                if (b == null) b = new StringBuilder(n + 16).append(s, 0, i);
                b.append(rep);
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean allowed(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
        if (c == 0xFFFE || c == 0xFFFF) return false;
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (Character.isLowSurrogate(c)) return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        return true;
    }
}
