package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.polymath.core.run.Progress;
import dev.polymath.nn.Engines;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * Self Positioning: the task-wise interpolation coefficients of the task vectors, found by plain SGD on the
 * cross-entropy of every task's head over a small labelled set (a position in the span of the task vectors
 * chosen with labels, where AdaMerging uses entropy without them). Starts from 0.3 for all.
 */
public final class SelfPositioning implements LearnedMergeMethod {
    public String name() { return "self_positioning"; }

    public String reference() { return "SGD over task-vector interpolation coefficients on a small labelled set (issue 7 of this project)"; }

    public boolean needsLabels() { return true; }

    public LearnOptions defaults() { return LearnOptions.defaults().withLr(0.5); }

    public LearnedMerge learn(MergeProblem p, LearnOptions o) {
        if (p.labelled().isEmpty()) throw new IllegalArgumentException("self_positioning needs a labelled set per task");
        MergeSpace space = p.space();
        int k = space.models();
        Engines.pytorch().setRandomSeed((int) p.seed());
        try (NDManager m = space.model().newChildManager(); Progress bar = Progress.start(name(), o.steps())) {
            var opt = new ArrayAdam(m);
            NDArray coef = opt.sgd("coefficients", m.full(new Shape(k, 1), (float) o.init(), DataType.FLOAT32), o.lr());
            var losses = new Learning.Trace();
            for (int step = 0; step < o.steps(); step++) {
                final int st = step;
                losses.add(Learning.step(space, opt, List.of(), s -> {
                    var w = space.merged(s, coef, null);
                    NDArray total = null;
                    for (int t = 0; t < p.tasks(); t++) {
                        MergeProblem.Labelled l = p.labelled().get(t);
                        int[] idx = p.batch(l.rows().length, o.batch(), 2, st, t);
                        long[][] rows = new long[idx.length][];
                        int[] y = new int[idx.length];
                        for (int i = 0; i < idx.length; i++) {
                            rows[i] = l.rows()[idx[i]];
                            y[i] = l.labels()[idx[i]];
                        }
                        NDArray ce = MergeProblem.crossEntropy(p.logits(s, w, t, rows), MergeProblem.labels(s.manager(), y));
                        total = total == null ? ce : total.add(ce);
                    }
                    return total;
                }));
                bar.step();
            }
            var trace = new LinkedHashMap<String, Object>();
            losses.into(trace, "cross_entropy");
            return new LearnedMerge(name(), space.names(), Learning.toRows(coef.toFloatArray(), k), 1.0, null, trace);
        }
    }
}
