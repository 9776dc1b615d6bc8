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
 * AdaMerging (Yang et al., ICLR 2024): the coefficients of the task vectors — one per task ({@code adamerging})
 * or one per task and tensor ({@code adamerging_layer}, FusionBench's "layer-wise") — learned by Adam to minimize
 * the summed mean prediction entropy of every task's head on unlabelled test inputs. Starts from 0.3 for all.
 */
public final class AdaMerging implements LearnedMergeMethod {
    private final boolean layerWise;

    public AdaMerging(boolean layerWise) {
        this.layerWise = layerWise;
    }

    public String name() { return layerWise ? "adamerging_layer" : "adamerging"; }

    public String reference() { return "https://arxiv.org/abs/2310.02575"; }

    public LearnedMerge learn(MergeProblem p, LearnOptions o) {
        MergeSpace space = p.space();
        int k = space.models(), g = layerWise ? space.names().size() : 1;
        Engines.pytorch().setRandomSeed((int) p.seed());
        try (NDManager m = space.model().newChildManager(); Progress bar = Progress.start(name(), o.steps())) {
            var opt = new ArrayAdam(m);
            NDArray coef = opt.adam("coefficients", m.full(new Shape(k, g), (float) o.init(), DataType.FLOAT32), o.lr(), false);
            var losses = new Learning.Trace();
            for (int step = 0; step < o.steps(); step++) {
                final int st = step;
                losses.add(Learning.step(space, opt, List.of(), s -> Learning.entropyOverTasks(p, s, space.merged(s, coef, null), o.batch(), st)));
                bar.step();
            }
            var trace = new LinkedHashMap<String, Object>();
            losses.into(trace, "entropy");
            return new LearnedMerge(name(), space.names(), Learning.toRows(coef.toFloatArray(), k), 1.0, null, trace);
        }
    }
}
