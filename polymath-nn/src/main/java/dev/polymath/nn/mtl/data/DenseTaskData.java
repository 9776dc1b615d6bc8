package dev.polymath.nn.mtl.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * One classification task's split as dense feature vectors (e.g. frozen sentence embeddings) with class
 * indices into the task's label list: the per-task dataset of a separate-input {@link MtlSplit}.
 */
public final class DenseTaskData implements MtlDataset {
    private final Task task;
    private final String split;
    private final float[] features;
    private final int dim;
    private final int[] labels;

    /**
     * @param task     the task; its {@code split} examples hold the gold labels, in the order of {@code features}
     * @param features one row per example of that split
     */
    public DenseTaskData(Task task, String split, float[][] features) {
        List<Example> examples = task.split(split);
        if (examples.size() != features.length) {
            throw new IllegalArgumentException(task.name() + "/" + split + ": " + examples.size() + " examples but "
                    + features.length + " feature rows");
        }
        if (features.length == 0) throw new IllegalArgumentException(task.name() + "/" + split + " is empty");
        this.task = task.withSplits(java.util.Map.of(split, examples));
        this.split = split;
        this.dim = features[0].length;
        this.features = new float[features.length * dim];
        this.labels = new int[features.length];
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != dim) {
                throw new IllegalArgumentException(task.name() + "/" + split + ": row " + i + " has " + features[i].length
                        + " features, row 0 has " + dim);
            }
            System.arraycopy(features[i], 0, this.features, i * dim, dim);
            labels[i] = task.labelIndex(examples.get(i).label());
        }
    }

    @Override public String split() { return split; }
    @Override public int size() { return labels.length; }
    @Override public long[] inputShape() { return new long[] {dim}; }
    @Override public List<Task> tasks() { return List.of(task); }

    @Override
    public void fillInputs(int[] indices, int count, FloatBuffer dst) {
        for (int i = 0; i < count; i++) dst.put(features, indices[i] * dim, dim);
    }

    @Override
    public int label(int t, int index) {
        if (t != 0) throw new IndexOutOfBoundsException("a single-task dataset has task 0 only, asked for " + t);
        return labels[index];
    }
}
