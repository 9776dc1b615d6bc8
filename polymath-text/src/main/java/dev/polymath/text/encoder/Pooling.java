package dev.polymath.text.encoder;

import java.util.Locale;

/** How token vectors become one sentence vector. */
public enum Pooling {
    /** Average of the token vectors whose attention mask is 1 (padding excluded), as sentence-transformers' mean pooling. */
    MEAN,
    /** The vector of the first token ([CLS]). */
    CLS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pooling parse(String s) {
        for (Pooling p : values()) if (p.id().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("unknown pooling '" + s + "'; expected mean or cls");
    }
}
