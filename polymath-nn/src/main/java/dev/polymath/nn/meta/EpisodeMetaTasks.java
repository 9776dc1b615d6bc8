package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.core.sample.Episode;
import dev.polymath.core.sample.EpisodeExample;
import dev.polymath.core.sample.EpisodeSampler;
import dev.polymath.core.sample.EpisodeSource;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * N-way K-shot classification episodes (core {@link EpisodeSampler}, labels remapped to 0..N-1) over examples
 * with dense features: images (Fashion-MNIST pixels) or precomputed sentence embeddings. One sampler per split;
 * meta-training batch {@code b} holds episodes {@code b*T .. b*T+T-1} of the training sampler.
 */
public final class EpisodeMetaTasks implements MetaTasks {
    private final String name;
    private final EpisodeSource train, validation, test;
    private final int featureSize;
    private final Function<String, Learner> learners;
    private final Map<String, Object> description;

    /**
     * @param learners the learner for an algorithm name
     */
    public EpisodeMetaTasks(String name, EpisodeSource train, EpisodeSource validation, EpisodeSource test, int featureSize,
                            Function<String, Learner> learners, Map<String, Object> description) {
        this.name = name;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.featureSize = featureSize;
        this.learners = learners;
        this.description = new LinkedHashMap<>(description);
    }

    /** Samplers over {@code task}: train classes from {@code trainSplit}, validation and test classes from their splits. */
    public static EpisodeSource sampler(Task task, String split, List<String> classes, int ways, int shots, int queries, long seed, String purpose) {
        return EpisodeSampler.over(task).split(split).classes(classes).shape(ways, shots, queries)
                .seed(Seeds.mix(seed, purpose)).skipSmallClasses(true).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TaskBatch train(NDManager manager, long index, int tasks) {
        return batch(manager, train, index * tasks, tasks);
    }

    @Override
    public TaskBatch heldOut(NDManager manager, String split, int from, int count) {
        return batch(manager, switch (split) {
            case "validation" -> validation;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown held-out split " + split);
        }, from, count);
    }

    private TaskBatch batch(NDManager manager, EpisodeSource source, long from, int count) {
        Episode first = source.episode(from);
        int ns = first.support().size(), nq = first.query().size();
        float[] xs = new float[count * ns * featureSize], xq = new float[count * nq * featureSize];
        long[] ys = new long[count * ns], yq = new long[count * nq];
        for (int t = 0; t < count; t++) {
            Episode e = t == 0 ? first : source.episode(from + t);
            fill(e.support(), xs, ys, t * ns);
            fill(e.query(), xq, yq, t * nq);
        }
        return new TaskBatch(manager.create(xs, new Shape(count, ns, featureSize)), manager.create(ys, new Shape(count, ns)),
                manager.create(xq, new Shape(count, nq, featureSize)), manager.create(yq, new Shape(count, nq)));
    }

    private void fill(List<EpisodeExample> examples, float[] x, long[] y, int offset) {
        for (int i = 0; i < examples.size(); i++) {
            float[] f = examples.get(i).example().features();
            if (f == null || f.length != featureSize) {
                throw new IllegalArgumentException("example " + examples.get(i).example().id() + " has "
                        + (f == null ? "no" : f.length) + " features, expected " + featureSize);
            }
            System.arraycopy(f, 0, x, (offset + i) * featureSize, featureSize);
            y[offset + i] = examples.get(i).label();
        }
    }

    @Override
    public Learner learner(String algorithm) {
        return learners.apply(algorithm);
    }

    @Override
    public Map<String, Object> describe() {
        return description;
    }
}
