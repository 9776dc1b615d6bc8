package dev.polymath.core.metric;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Normalized accuracy of a merged model (FusionBench, task-arithmetic/AdaMerging papers): per task, the
 * merged model's accuracy divided by the accuracy of the model fine-tuned on that task alone; reported per
 * task and as the arithmetic mean over tasks. The result is a ratio (multiply by 100 for the percentages
 * papers print). Both accuracies must be on the same scale (both fractions or both percentages).
 */
public final class NormalizedAccuracy {
    private NormalizedAccuracy() {}

    /**
     * @param merged     task → merged model's accuracy; its tasks and order define the result
     * @param individual task → individually fine-tuned model's accuracy; must cover every task of {@code merged}
     */
    public static NormalizedAccuracyResult compute(Map<String, Double> merged, Map<String, Double> individual) {
        if (merged.isEmpty()) throw new IllegalArgumentException("normalized accuracy: no tasks");
        var perTask = new LinkedHashMap<String, Double>();
        double sum = 0;
        for (var e : merged.entrySet()) {
            String task = e.getKey();
            Double m = e.getValue();
            Double ft = individual.get(task);
            if (ft == null) {
                throw new IllegalArgumentException("normalized accuracy: no individual fine-tuned accuracy for task '" + task
                        + "' (have " + individual.keySet() + ")");
            }
            if (m == null || !Double.isFinite(m)) {
                throw new IllegalArgumentException("normalized accuracy: merged accuracy of task '" + task + "' is " + m);
            }
            if (!Double.isFinite(ft) || ft <= 0) {
                throw new IllegalArgumentException("normalized accuracy: individual fine-tuned accuracy of task '" + task
                        + "' is " + ft + "; it must be > 0");
            }
            double r = m / ft;
            perTask.put(task, r);
            sum += r;
        }
        return new NormalizedAccuracyResult(perTask, sum / perTask.size());
    }
}
