package dev.polymath.core.metric;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a task's predictions on one split with every metric the task declares ({@link Task#metrics()}),
 * returning metric name → value in the task's order (the first is the primary metric).
 *
 * <p>{@code predicted.get(i)} is the prediction for {@code task.split(split).get(i)}, expressed as a
 * {@link Target} of the task's kind. What each kind supports:
 * <ul>
 *   <li><b>classification</b> — predicted {@link Target.Label}s; every classification metric
 *       ({@code accuracy}, {@code macro-f1}, {@code f1[..]}, {@code mean-f1[..]}, {@code macro-recall}) over
 *       the task's label list. {@code auc} needs a task with exactly two labels and predicted
 *       {@link Target.Score}s, the score of the <em>second</em> label ({@code labels().get(1)}) being the
 *       positive class; such score predictions serve {@code auc} only.</li>
 *   <li><b>regression</b> — predicted {@link Target.Score}s; {@code mse}, {@code mae}, {@code pearson},
 *       {@code spearman}.</li>
 *   <li><b>multiple choice</b> — predicted {@link Target.Choice}s; {@code accuracy} on the choice index.</li>
 *   <li><b>generation</b> — predicted {@link Target.Text}s holding exactly one string; {@code exact-match}
 *       against any of the gold references.</li>
 *   <li><b>tagging</b> — predicted {@link Target.Tags}, one per token; {@code accuracy} is <em>token</em>
 *       accuracy over all tokens of the split (not span/entity F1, which is not implemented).</li>
 *   <li><b>multi-label</b> — predicted {@link Target.Labels}; {@code accuracy} is subset accuracy (predicted
 *       set equals gold set).</li>
 * </ul>
 * {@code ndcg@k} is not computed here (no task kind carries rankings); call {@link Ndcg} directly.
 *
 * <p>A predicted label outside the task's label list is an error by default; with
 * {@link UnknownLabels#COUNT_AS_WRONG} it counts as wrong for every metric (an abstention, see
 * {@link Predictions.Classes#ABSTAIN}), which suits free-form model answers.
 */
public final class TaskEvaluator {

    /** What to do with a predicted class label that is not in the task's label list. */
    public enum UnknownLabels { REJECT, COUNT_AS_WRONG }

    private final UnknownLabels unknownLabels;

    /** Rejects predicted labels outside the task's label list. */
    public TaskEvaluator() {
        this(UnknownLabels.REJECT);
    }

    public TaskEvaluator(UnknownLabels unknownLabels) {
        this.unknownLabels = unknownLabels;
    }

    /** Every metric of the task, in declaration order; values are fractions (accuracy 0.815). */
    public Map<String, Double> evaluate(Task task, String split, List<? extends Target> predicted) {
        List<Example> examples = task.split(split);
        String where = "task '" + task.name() + "' split '" + split + "'";
        if (predicted == null) throw new IllegalArgumentException(where + ": predictions are null");
        if (examples.size() != predicted.size()) {
            throw new IllegalArgumentException(where + ": " + examples.size() + " examples but " + predicted.size() + " predictions");
        }
        if (examples.isEmpty()) throw new IllegalArgumentException(where + ": no examples to evaluate");
        for (int i = 0; i < examples.size(); i++) {
            if (examples.get(i).target() == null) {
                throw new IllegalArgumentException(where + ": example " + examples.get(i).id() + " has no gold target");
            }
            if (predicted.get(i) == null) {
                throw new IllegalArgumentException(where + ": prediction " + i + " (example " + examples.get(i).id() + ") is null");
            }
        }
        var out = new LinkedHashMap<String, Double>();
        for (var spec : task.metrics()) {
            Metric m = MetricRegistry.resolve(spec, task);
            out.put(spec.name(), m.compute(inputs(m, task, where, examples, predicted)));
        }
        return Collections.unmodifiableMap(out);
    }

    private Predictions inputs(Metric m, Task task, String where, List<Example> ex, List<? extends Target> pred) {
        return switch (task.kind()) {
            case CLASSIFICATION -> {
                if (m instanceof ScoreMetric) yield binaryScores(m, task, where, ex, pred);
                if (m instanceof ClassificationMetric) yield classes(m, task, where, ex, pred);
                throw unsupported(m, task, where, "accuracy, macro-f1, f1[<label>], mean-f1[...], macro-recall, auc");
            }
            case REGRESSION -> {
                if (!(m instanceof RegressionMetric)) throw unsupported(m, task, where, "mse, mae, pearson, spearman");
                double[] g = new double[ex.size()], p = new double[ex.size()];
                for (int i = 0; i < ex.size(); i++) {
                    g[i] = gold(ex.get(i), Target.Score.class, where).value();
                    p[i] = prediction(m, pred.get(i), Target.Score.class, ex.get(i), where).value();
                }
                yield new Predictions.Values(g, p);
            }
            case MULTIPLE_CHOICE -> {
                if (!(m instanceof Accuracy)) throw unsupported(m, task, where, "accuracy");
                int n = ex.size();
                int[] g = new int[n], p = new int[n];
                int k = 1;
                for (int i = 0; i < n; i++) {
                    Example e = ex.get(i);
                    g[i] = gold(e, Target.Choice.class, where).index();
                    p[i] = prediction(m, pred.get(i), Target.Choice.class, e, where).index();
                    int options = e.choices().size();
                    if (p[i] >= options) {
                        throw new IllegalArgumentException(where + ": " + m.name() + ": example " + e.id() + " has "
                                + options + " choices but the prediction is choice " + p[i]);
                    }
                    k = Math.max(k, Math.max(options, g[i] + 1));
                }
                yield new Predictions.Classes(g, p, k);
            }
            case GENERATION -> {
                if (!(m instanceof TextMetric)) throw unsupported(m, task, where, "exact-match");
                var refs = new ArrayList<List<String>>(ex.size());
                var outs = new ArrayList<String>(ex.size());
                for (int i = 0; i < ex.size(); i++) {
                    refs.add(gold(ex.get(i), Target.Text.class, where).references());
                    var t = prediction(m, pred.get(i), Target.Text.class, ex.get(i), where);
                    if (t.references().size() != 1) {
                        throw new IllegalArgumentException(where + ": " + m.name() + ": prediction for example "
                                + ex.get(i).id() + " must hold exactly one text, has " + t.references().size());
                    }
                    outs.add(t.references().get(0));
                }
                yield new Predictions.Texts(refs, outs);
            }
            case TAGGING -> {
                if (!(m instanceof Accuracy)) throw unsupported(m, task, where, "accuracy (token accuracy)");
                var g = new ArrayList<Integer>();
                var p = new ArrayList<Integer>();
                for (int i = 0; i < ex.size(); i++) {
                    Example e = ex.get(i);
                    List<String> gt = gold(e, Target.Tags.class, where).tags();
                    List<String> pt = prediction(m, pred.get(i), Target.Tags.class, e, where).tags();
                    if (gt.size() != pt.size()) {
                        throw new IllegalArgumentException(where + ": " + m.name() + ": example " + e.id() + " has "
                                + gt.size() + " gold tags but " + pt.size() + " predicted tags");
                    }
                    for (int j = 0; j < gt.size(); j++) {
                        g.add(task.labelIndex(gt.get(j)));
                        p.add(predictedIndex(m, task, where, e, pt.get(j)));
                    }
                }
                if (g.isEmpty()) throw new IllegalArgumentException(where + ": " + m.name() + ": no tokens to score");
                yield new Predictions.Classes(g.stream().mapToInt(Integer::intValue).toArray(),
                        p.stream().mapToInt(Integer::intValue).toArray(), task.labels().size());
            }
            case MULTI_LABEL -> {
                if (!(m instanceof Accuracy)) throw unsupported(m, task, where, "accuracy (subset accuracy)");
                int n = ex.size();
                int[] g = new int[n], p = new int[n];
                for (int i = 0; i < n; i++) {
                    Set<String> gs = gold(ex.get(i), Target.Labels.class, where).labels();
                    Set<String> ps = prediction(m, pred.get(i), Target.Labels.class, ex.get(i), where).labels();
                    g[i] = 1;
                    p[i] = gs.equals(ps) ? 1 : 0; // subset accuracy as binary agreement
                }
                yield new Predictions.Classes(g, p, 2);
            }
        };
    }

    private Predictions classes(Metric m, Task task, String where, List<Example> ex, List<? extends Target> pred) {
        int n = ex.size();
        int[] g = new int[n], p = new int[n];
        for (int i = 0; i < n; i++) {
            Example e = ex.get(i);
            String gl = gold(e, Target.Label.class, where).label();
            try {
                g[i] = task.labelIndex(gl);
            } catch (IllegalArgumentException err) {
                throw new IllegalArgumentException(where + ": gold label of example " + e.id() + ": " + err.getMessage(), err);
            }
            p[i] = predictedIndex(m, task, where, e, prediction(m, pred.get(i), Target.Label.class, e, where).label());
        }
        return new Predictions.Classes(g, p, task.labels().size());
    }

    private Predictions binaryScores(Metric m, Task task, String where, List<Example> ex, List<? extends Target> pred) {
        if (task.labels().size() != 2) {
            throw new IllegalArgumentException(where + ": " + m.name() + " needs a binary task, this one has "
                    + task.labels().size() + " labels " + task.labels());
        }
        String positive = task.labels().get(1);
        int n = ex.size();
        boolean[] g = new boolean[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            String gl = gold(ex.get(i), Target.Label.class, where).label();
            task.labelIndex(gl);
            g[i] = gl.equals(positive);
            s[i] = prediction(m, pred.get(i), Target.Score.class, ex.get(i), where).value();
        }
        return new Predictions.Scores(g, s);
    }

    private int predictedIndex(Metric m, Task task, String where, Example e, String label) {
        int idx = task.labels().indexOf(label);
        if (idx >= 0) return idx;
        if (unknownLabels == UnknownLabels.COUNT_AS_WRONG) return Predictions.Classes.ABSTAIN;
        throw new IllegalArgumentException(where + ": " + m.name() + ": predicted label '" + label + "' for example "
                + e.id() + " is not one of the task's labels " + task.labels());
    }

    private static <T extends Target> T gold(Example e, Class<T> type, String where) {
        if (type.isInstance(e.target())) return type.cast(e.target());
        throw new IllegalArgumentException(where + ": gold target of example " + e.id() + " is "
                + e.target().getClass().getSimpleName() + ", expected " + type.getSimpleName());
    }

    private static <T extends Target> T prediction(Metric m, Target t, Class<T> type, Example e, String where) {
        if (type.isInstance(t)) return type.cast(t);
        throw new IllegalArgumentException(where + ": " + m.name() + " needs " + type.getSimpleName()
                + " predictions, but the prediction for example " + e.id() + " is " + t.getClass().getSimpleName());
    }

    private static IllegalArgumentException unsupported(Metric m, Task task, String where, String supported) {
        return new IllegalArgumentException(where + ": metric '" + m.name() + "' cannot be computed for a "
                + task.kind().id() + " task; supported: " + supported);
    }
}
