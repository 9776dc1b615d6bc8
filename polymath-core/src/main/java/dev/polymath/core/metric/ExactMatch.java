package dev.polymath.core.metric;

import java.util.List;

/**
 * Exact match: fraction of predictions equal to at least one of their references. With {@code trim} (the
 * registry's {@code exact-match}), both sides are first stripped of leading and trailing whitespace
 * ({@link String#strip()}); nothing else is normalized (case, punctuation and inner whitespace matter).
 *
 * @param trim whether to strip surrounding whitespace before comparing
 */
public record ExactMatch(boolean trim) implements TextMetric {
    public static final String NAME = "exact-match";

    /** Exact match after trimming. */
    public static ExactMatch trimmed() { return new ExactMatch(true); }

    /** Exact match on the raw strings. */
    public static ExactMatch raw() { return new ExactMatch(false); }

    public String name() { return NAME; }

    public boolean higherIsBetter() { return true; }

    public double compute(List<List<String>> references, List<String> predicted) {
        Checks.texts(NAME, references, predicted);
        long hits = 0;
        for (int i = 0; i < predicted.size(); i++) {
            String p = normalize(predicted.get(i));
            for (String r : references.get(i)) {
                if (normalize(r).equals(p)) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / predicted.size();
    }

    /** One reference per example. */
    public double computeSingle(List<String> gold, List<String> predicted) {
        for (int i = 0; i < gold.size(); i++) {
            if (gold.get(i) == null) throw Checks.fail(NAME, "example at index " + i + " has a null reference");
        }
        return compute(gold.stream().map(List::of).toList(), predicted);
    }

    private String normalize(String s) {
        return trim ? s.strip() : s;
    }
}
