package dev.polymath.core.metric;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Normalized accuracy per task and its mean (see {@link NormalizedAccuracy}).
 *
 * @param perTask task → merged accuracy / individual fine-tuned accuracy (a ratio; 1.0 = no loss)
 * @param average arithmetic mean of {@code perTask}
 */
public record NormalizedAccuracyResult(Map<String, Double> perTask, double average) {
    public NormalizedAccuracyResult {
        perTask = Collections.unmodifiableMap(new LinkedHashMap<>(perTask));
    }
}
