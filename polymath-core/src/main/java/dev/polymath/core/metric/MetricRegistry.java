package dev.polymath.core.metric;

import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * Resolves metric names (as written in {@link MetricSpec#name()}) to metrics.
 *
 * <p>Known names: {@code accuracy}, {@code macro-f1}, {@code f1[<label>]}, {@code mean-f1[<label>,<label>,...]},
 * {@code macro-recall}, {@code mse}, {@code mae}, {@code pearson}, {@code spearman}, {@code auc},
 * {@code ndcg@<k>}, {@code exact-match}. Names are case-sensitive; labels inside brackets are taken verbatim
 * after stripping surrounding whitespace, and {@code mean-f1} splits them on commas. Label-named metrics need
 * a {@link Task} to turn labels into class indices ({@link Task#labelIndex}).
 */
public final class MetricRegistry {
    private MetricRegistry() {}

    /** The name patterns this registry understands, in documentation order. */
    public static final List<String> KNOWN = List.of("accuracy", "macro-f1", "f1[<label>]", "mean-f1[<label>,<label>,...]",
            "macro-recall", "mse", "mae", "pearson", "spearman", "auc", "ndcg@<k>", "exact-match");

    /** A metric that names no label; label-named metrics ({@code f1[irony]}) need {@link #resolve(String, Task)}. */
    public static Metric resolve(String name) {
        return resolve(name, null);
    }

    /**
     * A metric by name, resolving bracketed labels through {@code task}'s label list ({@code task} may be null
     * for names without labels). An unknown name lists the known ones.
     */
    public static Metric resolve(String name, Task task) {
        if (name == null) throw new IllegalArgumentException("metric name is null; known metrics: " + String.join(", ", KNOWN));
        String n = name.strip();
        switch (n) {
            case Accuracy.NAME: return new Accuracy();
            case MacroF1.NAME: return new MacroF1();
            case MacroRecall.NAME: return new MacroRecall();
            case MeanSquaredError.NAME: return new MeanSquaredError();
            case MeanAbsoluteError.NAME: return new MeanAbsoluteError();
            case Pearson.NAME: return new Pearson();
            case Spearman.NAME: return new Spearman();
            case RocAuc.NAME: return new RocAuc();
            case ExactMatch.NAME: return ExactMatch.trimmed();
            default: break;
        }
        if (n.startsWith("f1[") && n.endsWith("]")) {
            String label = n.substring(3, n.length() - 1).strip();
            if (label.isEmpty()) throw new IllegalArgumentException("metric '" + name + "': no label between the brackets");
            return new ClassF1(label, labelIndex(name, label, task));
        }
        if (n.startsWith("mean-f1[") && n.endsWith("]")) {
            String inner = n.substring(8, n.length() - 1);
            var labels = new ArrayList<String>();
            for (String part : inner.split(",", -1)) {
                String label = part.strip();
                if (label.isEmpty()) throw new IllegalArgumentException("metric '" + name + "': empty label in the list");
                labels.add(label);
            }
            int[] idx = new int[labels.size()];
            for (int i = 0; i < idx.length; i++) idx[i] = labelIndex(name, labels.get(i), task);
            return new MeanClassF1(labels, idx);
        }
        if (n.startsWith("ndcg@")) {
            String k = n.substring(5);
            int cut;
            try {
                cut = Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("metric '" + name + "': cut-off '" + k + "' is not an integer (use e.g. ndcg@10)");
            }
            if (cut < 1) throw new IllegalArgumentException("metric '" + name + "': cut-off must be >= 1");
            return new Ndcg(cut);
        }
        throw new IllegalArgumentException("unknown metric '" + name + "'; known metrics: " + String.join(", ", KNOWN));
    }

    /**
     * The metric of a task's spec, checking that the spec's direction agrees with the metric's own
     * (a spec {@code mse} marked higher-is-better is an error naming the task).
     */
    public static Metric resolve(MetricSpec spec, Task task) {
        String where = task == null ? "" : "task '" + task.name() + "': ";
        Metric m;
        try {
            m = resolve(spec.name(), task);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
        if (m.higherIsBetter() != spec.higherIsBetter()) {
            throw new IllegalArgumentException(where + "metric '" + spec.name() + "' is declared "
                    + direction(spec.higherIsBetter()) + " but " + m.name() + " is " + direction(m.higherIsBetter()));
        }
        return m;
    }

    /** Every metric of a task, in the task's order (the first is primary). */
    public static List<Metric> forTask(Task task) {
        return task.metrics().stream().map(s -> resolve(s, task)).toList();
    }

    private static String direction(boolean higher) {
        return higher ? "higher-is-better" : "lower-is-better";
    }

    private static int labelIndex(String metric, String label, Task task) {
        if (task == null) {
            throw new IllegalArgumentException("metric '" + metric + "' names a label; resolve it against a task so the label has a class index");
        }
        try {
            return task.labelIndex(label);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metric '" + metric + "': " + e.getMessage() + "; labels: " + task.labels(), e);
        }
    }
}
