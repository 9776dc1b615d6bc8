package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.polymath.core.run.Progress;
import dev.polymath.nn.Engines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Concrete subspace learning for task arithmetic (Tang et al. 2023; FusionBench's concrete task arithmetic): one
 * mask shared by all task vectors, relaxed as a binary Concrete variable (temperature 0.5, logits from 0),
 * rescaled by its mean per tensor, with the task-arithmetic coefficient fixed (0.3); the logits are learned by
 * Adam on the summed prediction entropy over unlabelled inputs. The result is the hard mask {@code logits >= 0}.
 */
public final class ConcreteSubspace implements LearnedMergeMethod {
    public String name() { return "concrete"; }

    public String reference() { return "https://arxiv.org/abs/2312.06173"; }

    public LearnedMerge learn(MergeProblem p, LearnOptions o) {
        MergeSpace space = p.space();
        int k = space.models();
        Engines.pytorch().setRandomSeed((int) p.seed());
        try (NDManager m = space.model().newChildManager(); Progress bar = Progress.start(name(), o.steps())) {
            var opt = new ArrayAdam(m);
            var logits = new LinkedHashMap<String, NDArray>();
            for (String n : space.names()) logits.put(n, opt.adam("mask:" + n, m.zeros(new Shape(space.shape(n))), o.maskLr(), false));
            NDArray coef = m.full(new Shape(k, 1), (float) o.init(), DataType.FLOAT32);
            var losses = new Learning.Trace();
            for (int step = 0; step < o.steps(); step++) {
                final int st = step;
                losses.add(Learning.step(space, opt, List.of(coef), s -> {
                    var masks = new LinkedHashMap<String, NDArray>();
                    for (var e : logits.entrySet()) {
                        masks.put(e.getKey(), ConcreteMask.rescale(ConcreteMask.sample(s.manager(), e.getValue(), (float) o.temperature())));
                    }
                    return Learning.entropyOverTasks(p, s, space.merged(s, coef, masks), o.batch(), st);
                }));
                bar.step();
            }
            Map<String, float[]> hard = new LinkedHashMap<>();
            for (var e : logits.entrySet()) hard.put(e.getKey(), ConcreteMask.hard(e.getValue().toFloatArray()));
            double[][] c = new double[k][1];
            for (double[] row : c) row[0] = o.init();
            var trace = new LinkedHashMap<String, Object>();
            losses.into(trace, "entropy");
            var r = new LearnedMerge(name(), space.names(), c, 1.0, hard, trace);
            trace.put("mask_density", r.maskDensity());
            return r;
        }
    }
}
