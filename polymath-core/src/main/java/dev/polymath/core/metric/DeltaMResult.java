package dev.polymath.core.metric;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of {@link DeltaM}: Δm in percent, the sign convention used, and the parts it averages.
 *
 * @param percent    Δm%, the mean of {@code perTask}; positive means better than the baseline
 * @param convention the convention's name ({@link DeltaM#CONVENTION}) and formula
 * @param perTask    per task, 100 · (1/M_t) Σ_m signed relative change, in percent
 * @param perMetric  per task and metric, 100 · signed relative change, in percent
 */
public record DeltaMResult(double percent, String convention, Map<String, Double> perTask,
                           Map<String, Map<String, Double>> perMetric) {

    public DeltaMResult {
        perTask = Collections.unmodifiableMap(new LinkedHashMap<>(perTask));
        var copy = new LinkedHashMap<String, Map<String, Double>>();
        perMetric.forEach((t, m) -> copy.put(t, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
        perMetric = Collections.unmodifiableMap(copy);
    }

    /** E.g. {@code Δm = +1.23% (LibMTL)}. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Δm = %+.2f%% (%s)", percent, DeltaM.CONVENTION);
    }
}
