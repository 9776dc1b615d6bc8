package dev.polymath.icl.select;

import java.util.Locale;

/**
 * Where demonstrations go in the prompt, given the selector's order (most relevant first):
 * {@code as-retrieved} keeps it (the most relevant is farthest from the query; with {@code first-n} this is the
 * data's order, as the MMLU and BBH protocols require), {@code relevance-ascending} reverses it (the most relevant
 * sits right before the query, as in Liu et al. 2022), {@code random} shuffles it with a per-example seed.
 */
public enum OrderPolicy {
    AS_RETRIEVED, RELEVANCE_ASCENDING, RANDOM;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static OrderPolicy parse(String s) {
        for (OrderPolicy p : values()) if (p.id().equals(s)) return p;
        throw new IllegalArgumentException("unknown order '" + s + "' (known: as-retrieved, relevance-ascending, random)");
    }
}
