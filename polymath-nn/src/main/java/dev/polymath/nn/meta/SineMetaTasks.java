package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;
import dev.polymath.core.util.Seeds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sine regression (Finn et al. 2017) as a {@link MetaTasks}: K-shot support, K training query points, and 100
 * query points per held-out task. Task {@code i} of a split is drawn from its own stream of (seed, split, i).
 */
public final class SineMetaTasks implements MetaTasks {
    private final int shots, evalQueries;
    private final long seed;

    public SineMetaTasks(int shots, long seed) {
        this(shots, 100, seed);
    }

    public SineMetaTasks(int shots, int evalQueries, long seed) {
        if (shots < 1) throw new IllegalArgumentException("shots must be >= 1");
        this.shots = shots;
        this.evalQueries = evalQueries;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "sine";
    }

    @Override
    public TaskBatch train(NDManager manager, long index, int tasks) {
        return SineTasks.sample(manager, new SplittableRandom(Seeds.mix(Seeds.mix(seed, "sine-train"), index)), tasks, shots, shots);
    }

    @Override
    public TaskBatch heldOut(NDManager manager, String split, int from, int count) {
        // each task from its own stream, so a pool is the same however it is chunked
        float[][] parts = new float[4][];
        var batches = new java.util.ArrayList<TaskBatch>();
        try (NDManager tmp = manager.newSubManager()) {
            for (int i = 0; i < count; i++) {
                var rng = new SplittableRandom(Seeds.mix(Seeds.mix(seed, "sine-" + split), from + i));
                batches.add(SineTasks.sample(tmp, rng, 1, shots, evalQueries));
            }
            ai.djl.ndarray.NDList xs = new ai.djl.ndarray.NDList(), ys = new ai.djl.ndarray.NDList(), xq = new ai.djl.ndarray.NDList(), yq = new ai.djl.ndarray.NDList();
            for (TaskBatch b : batches) {
                xs.add(b.xs());
                ys.add(b.ys());
                xq.add(b.xq());
                yq.add(b.yq());
            }
            TaskBatch out = new TaskBatch(ai.djl.ndarray.NDArrays.concat(xs), ai.djl.ndarray.NDArrays.concat(ys),
                    ai.djl.ndarray.NDArrays.concat(xq), ai.djl.ndarray.NDArrays.concat(yq));
            out.asList().attach(manager);
            return out;
        }
    }

    @Override
    public Learner learner(String algorithm) {
        if (algorithm.equals("protonet")) {
            throw new IllegalArgumentException("protonet classifies by class prototypes; sine is regression (use maml-fo, maml, reptile, anil or meta-sgd)");
        }
        return SineTasks.model();
    }

    @Override
    public Map<String, Object> describe() {
        var m = new LinkedHashMap<String, Object>();
        m.put("benchmark", "sine");
        m.put("amplitude", "U[0.1, 5]");
        m.put("phase", "U[0, pi]");
        m.put("x", "U[-5, 5]");
        m.put("shots", shots);
        m.put("train_query_points", shots);
        m.put("eval_query_points", evalQueries);
        m.put("model", SineTasks.model().describe());
        return m;
    }
}
