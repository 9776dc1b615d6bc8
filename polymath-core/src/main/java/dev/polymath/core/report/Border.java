package dev.polymath.core.report;

import java.nio.charset.Charset;

/** Border style of a plain-text table. */
public enum Border {
    /** Unicode box-drawing lines. */
    BOX,
    /** {@code +---+} and {@code |} only. */
    ASCII,
    /** No frame: columns separated by two spaces, a dashed line under the header. */
    PLAIN;

    /** {@link #BOX} when standard output is UTF-8 encoded, else {@link #ASCII}. */
    public static Border auto() {
        String enc = System.getProperty("stdout.encoding", System.getProperty("native.encoding", Charset.defaultCharset().name()));
        return enc != null && enc.toUpperCase(java.util.Locale.ROOT).replace("-", "").contains("UTF8") ? BOX : ASCII;
    }
}
