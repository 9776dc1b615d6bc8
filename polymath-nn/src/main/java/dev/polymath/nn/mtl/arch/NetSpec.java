package dev.polymath.nn.mtl.arch;

import java.util.List;
import java.util.Map;

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
}
