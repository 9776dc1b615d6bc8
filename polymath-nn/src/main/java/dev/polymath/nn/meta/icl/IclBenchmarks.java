package dev.polymath.nn.meta.icl;

import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.sample.ClassSplit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task families of the GPICL experiment. Fashion-MNIST: the 10 classes split 6 / 4 by seed; training tasks
 * draw train-split images of the 6 training classes; the evaluations use t10k images only: the training tasks
 * themselves (same projection and label assignment, unseen images), unseen projections of the 6 classes, and
 * unseen projections of the 4 held-out classes. Inputs are centred per pixel and scaled by one global factor
 * before the task's projection.
 */
public final class IclBenchmarks {
    private IclBenchmarks() {}

    /** Index of the first evaluation-only task: far above any training-task count. */
    public static final long UNSEEN_TASKS_FROM = 1L << 40;

    /** The Fashion-MNIST families: {@code train} for training, and the three evaluation families. */
    /**
     * {@code train}: train-split images of the training classes; {@code testImages}: the same task family over
     * t10k images (training tasks are its indices below the task count, unseen ones from {@link #UNSEEN_TASKS_FROM});
     * {@code heldOutClasses}: t10k images of the 4 held-out classes.
     */
    public record Fashion(ProjectedTasks train, ProjectedTasks testImages, ProjectedTasks heldOutClasses, Map<String, Object> describe) {}

    public static Fashion fashion(Path dir, int inputDim, int ways, long seed) {
        var splits = FashionMnistLoader.read(dir);
        FashionMnistLoader.Split train = splits.get("train"), test = splits.get("test");
        float[][] trainRows = features(train), testRows = features(test);
        float[][] m = IclSource.moments(trainRows);
        IclSource trainSource = new IclSource("fashion-mnist/train", IclSource.standardize(trainRows, m), labels(train), FashionMnistLoader.CLASSES);
        IclSource testSource = new IclSource("fashion-mnist/test", IclSource.standardize(testRows, m), labels(test), FashionMnistLoader.CLASSES);
        ClassSplit split = ClassSplit.random(FashionMnistLoader.CLASSES, 6, 0, 4, seed);
        if (ways > split.test().size()) throw new IllegalArgumentException("fashion has " + split.test().size() + " held-out classes; ways must be <= 4, got " + ways);
        List<Integer> trainClasses = indices(split.train()), heldOut = indices(split.test());
        ProjectedTasks tasks = new ProjectedTasks(trainSource, inputDim, ways, trainClasses, seed);
        var d = new LinkedHashMap<String, Object>();
        d.put("data", dir.toString());
        d.put("input_dim", inputDim);
        d.put("ways", ways);
        d.put("train_classes", split.train());
        d.put("held_out_classes", split.test());
        d.put("projection", "A_i ~ N(0, 1/784), [784, " + inputDim + "], seeded by (seed, task index)");
        d.put("normalization", "per-pixel centring, one global scale (train-split statistics)");
        return new Fashion(tasks, tasks.withSource(testSource),
                new ProjectedTasks(testSource, inputDim, ways, heldOut, seed), d);
    }

    /**
     * Tasks over sentence embeddings (e.g. MiniLM vectors of CLINC150 utterances): each task picks {@code ways}
     * of the classes and its own projection of the centred, scaled embeddings to {@code inputDim}.
     */
    public static ProjectedTasks embeddings(String name, float[][] embeddings, String[] labels, int inputDim, int ways, long seed) {
        var names = new ArrayList<String>();
        var index = new LinkedHashMap<String, Integer>();
        int[] cls = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            cls[i] = index.computeIfAbsent(labels[i], k -> { names.add(k); return names.size() - 1; });
        }
        IclSource src = new IclSource(name, IclSource.standardize(copy(embeddings), IclSource.moments(embeddings)), cls, names);
        var all = new ArrayList<Integer>();
        for (int c = 0; c < names.size(); c++) all.add(c);
        return new ProjectedTasks(src, inputDim, ways, all, seed);
    }

    private static float[][] copy(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = rows[i].clone();
        return out;
    }

    private static float[][] features(FashionMnistLoader.Split s) {
        float[][] out = new float[s.n()][];
        for (int i = 0; i < s.n(); i++) out[i] = s.features(i);
        return out;
    }

    private static int[] labels(FashionMnistLoader.Split s) {
        int[] out = new int[s.n()];
        for (int i = 0; i < s.n(); i++) out[i] = s.label(i);
        return out;
    }

    private static List<Integer> indices(List<String> classes) {
        return classes.stream().map(FashionMnistLoader.CLASSES::indexOf).toList();
    }
}
