package dev.polymath.text.merging;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.polymath.nn.Engines;
import dev.polymath.text.bert.BertModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The optimization step shared by the learned merging methods: forward in a model step, backward, update. */
final class Learning {
    private Learning() {}

    /** Computes a scalar loss in the step; everything it creates is freed when the step closes. */
    @FunctionalInterface
    interface Loss {
        NDArray compute(BertModel.Step step);
    }

    /** One step: loss → backward → {@code opt.step()}; returns the loss. {@code extra} are further arrays to attach. */
    static float step(MergeSpace space, ArrayAdam opt, List<NDArray> extra, Loss loss) {
        Engine engine = Engines.pytorch();
        var attach = new ArrayList<NDArray>(space.arrays());
        attach.addAll(opt.arrays());
        attach.addAll(extra);
        try (BertModel.Step s = space.model().newStep(attach)) {
            float value;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray l = loss.compute(s);
                gc.backward(l);
                value = l.toFloatArray()[0];
            }
            opt.step();
            if (!Float.isFinite(value)) throw new IllegalStateException("the merging loss became " + value);
            return value;
        }
    }

    /** Sum over tasks of the mean prediction entropy on one unlabelled batch each. */
    static NDArray entropyOverTasks(MergeProblem p, BertModel.Step s, Function<String, NDArray> weights, int batch, int step) {
        NDArray total = null;
        for (int t = 0; t < p.tasks(); t++) {
            NDArray h = MergeProblem.entropy(p.logits(s, weights, t, p.unlabelledBatch(t, batch, 1, step)));
            total = total == null ? h : total.add(h);
        }
        return total;
    }

    /** Losses of a run; the mean over the first and the last five steps (single batches are noisy). */
    static final class Trace {
        private final List<Float> losses = new ArrayList<>();

        void add(float loss) { losses.add(loss); }

        double firstMean() { return mean(losses.subList(0, Math.min(5, losses.size()))); }

        double lastMean() { return mean(losses.subList(Math.max(0, losses.size() - 5), losses.size())); }

        private static double mean(List<Float> l) {
            double s = 0;
            for (float v : l) s += v;
            return l.isEmpty() ? Double.NaN : s / l.size();
        }

        /** Puts {@code <name>_first5} and {@code <name>_last5} into {@code trace}. */
        void into(java.util.Map<String, Object> trace, String name) {
            trace.put(name + "_first5", firstMean());
            trace.put(name + "_last5", lastMean());
        }
    }

    static double[][] toRows(float[] flat, int rows) {
        int cols = flat.length / rows;
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[r][c] = flat[r * cols + c];
        return out;
    }
}
