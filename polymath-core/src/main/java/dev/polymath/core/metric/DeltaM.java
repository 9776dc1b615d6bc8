package dev.polymath.core.metric;

import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Δm%, the average relative change of a multi-task model against single-task baselines, in LibMTL's
 * convention ({@code LibMTL.utils.count_improvement}, times 100):
 *
 * <pre>
 *   Δm% = 100 · (1/T) Σ_t (1/M_t) Σ_m (−1)^{w_{t,m}} · (B_{t,m} − M_{t,m}) / B_{t,m}
 * </pre>
 *
 * with w = 1 when higher is better and w = 0 when lower is better; equivalently the relative change is
 * (M − B)/B for higher-is-better metrics and (B − M)/B for lower-is-better ones. Positive Δm means the
 * multi-task model M is better than the baseline B on average. Every task weighs the same regardless of
 * its number of metrics.
 *
 * <p>The baseline is always explicit. A missing baseline or result entry, a zero baseline, or a
 * non-finite value is an error naming the task and metric.
 */
public final class DeltaM {
    private DeltaM() {}

    /** The convention's name as carried by {@link DeltaMResult#convention()}. */
    public static final String CONVENTION = "LibMTL";

    /** The convention with its formula. */
    public static final String CONVENTION_DESCRIPTION = CONVENTION
            + ": 100·(1/T)Σ_t (1/M_t)Σ_m (−1)^w (B−M)/B, w=1 if higher is better; positive = better than baseline";

    /** Δm% over the given tasks, each judged by all of its declared metrics. */
    public static DeltaMResult compute(List<Task> tasks, ScoreTable results, ScoreTable baseline) {
        var metrics = new LinkedHashMap<String, List<MetricSpec>>();
        for (Task t : tasks) metrics.put(t.name(), t.metrics());
        return compute(metrics, results, baseline);
    }

    /**
     * Δm% over tasks given as task name → metrics with direction (order kept in the result).
     *
     * @param results  the multi-task model's values
     * @param baseline the single-task values B
     */
    public static DeltaMResult compute(Map<String, List<MetricSpec>> metricsByTask, ScoreTable results, ScoreTable baseline) {
        if (metricsByTask.isEmpty()) throw new IllegalArgumentException("Δm: no tasks");
        var perTask = new LinkedHashMap<String, Double>();
        var perMetric = new LinkedHashMap<String, Map<String, Double>>();
        double total = 0;
        for (var entry : metricsByTask.entrySet()) {
            String task = entry.getKey();
            List<MetricSpec> specs = entry.getValue();
            if (specs.isEmpty()) throw new IllegalArgumentException("Δm: task '" + task + "' has no metrics");
            var rel = new LinkedHashMap<String, Double>();
            double sum = 0;
            for (MetricSpec spec : specs) {
                String metric = spec.name();
                double b = baseline.value(task, metric);
                double m = results.value(task, metric);
                if (!Double.isFinite(b)) {
                    throw new IllegalArgumentException("Δm: " + baseline.label() + " value for task '" + task + "' metric '" + metric + "' is " + b);
                }
                if (!Double.isFinite(m)) {
                    throw new IllegalArgumentException("Δm: " + results.label() + " value for task '" + task + "' metric '" + metric + "' is " + m);
                }
                if (b == 0) {
                    throw new IllegalArgumentException("Δm: " + baseline.label() + " value for task '" + task + "' metric '"
                            + metric + "' is 0; the relative change is undefined");
                }
                double sign = spec.higherIsBetter() ? -1.0 : 1.0; // (−1)^w, w = 1 when higher is better
                double change = 100.0 * sign * (b - m) / b;
                rel.put(metric, change);
                sum += change;
            }
            double taskDelta = sum / specs.size();
            perTask.put(task, taskDelta);
            perMetric.put(task, rel);
            total += taskDelta;
        }
        return new DeltaMResult(total / metricsByTask.size(), CONVENTION_DESCRIPTION, perTask, perMetric);
    }
}
