package dev.polymath.nn.mtl.arch;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an architecture is built from.
 *
 * @param backbone    the feature extractor (shared trunk, or the template of each expert)
 * @param taskOutputs output width per task (classes, or regression targets)
 * @param options     architecture options, e.g. {@code experts=4}
 * @param seed        initialization seed
 */
public record NetSpec(Backbone backbone, List<Integer> taskOutputs, Map<String, String> options, long seed) {
    public NetSpec {
        taskOutputs = List.copyOf(taskOutputs);
        options = Map.copyOf(options);
        if (taskOutputs.isEmpty()) throw new IllegalArgumentException("at least one task is needed");
    }

    public int tasks() {
        return taskOutputs.size();
    }

    public int intOption(String key, int fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be an integer, got '" + v + "'");
        }
    }

    public double doubleOption(String key, double fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be a number, got '" + v + "'");
        }
    }

    public boolean booleanOption(String key, boolean fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("option " + key + " must be true or false, got '" + v + "'");
        };
    }

    /** Fails naming the architecture and its options when an option is not one {@code arch} understands. */
    public void requireKnownOptions(String arch, Set<String> known) {
        for (String k : options.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("architecture " + arch + " has no option '" + k + "'; its options: "
                        + (known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known))));
            }
        }
    }
}
