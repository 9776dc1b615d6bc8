package dev.polymath.nn.mtl.data;

import dev.polymath.core.task.Task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One split of a multi-task suite, in one of two layouts:
 * <ul>
 *   <li><em>shared inputs</em>: one dataset whose examples carry a label for every task (Multi-Fashion: one
 *       image, a label for L and one for R); a training batch feeds every task;</li>
 *   <li><em>separate inputs</em>: one single-task dataset per task (TweetEval, CLINC150 domains: each task has
 *       its own examples, label set and size); a training step draws one batch per task, as LibMTL does for
 *       multi-input problems.</li>
 * </ul>
 * Task {@code t} of the split is task {@code t} of the network.
 *
 * @param epochSize with separate inputs, the examples each task contributes per epoch (the largest task's
 *                  size, kept when tasks are {@link #select selected}, so a single-task baseline trains for as
 *                  many steps per epoch as the multi-task model); 0 for shared inputs
 */
public record MtlSplit(String name, List<MtlDataset> sources, int epochSize) {
    public MtlSplit {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) throw new IllegalArgumentException("split " + name + " has no data");
        if (epochSize < 0) throw new IllegalArgumentException("epochSize < 0");
        if (epochSize > 0 || sources.size() > 1) {
            long[] shape = sources.get(0).inputShape();
            for (MtlDataset d : sources) {
                if (d.tasks().size() != 1) {
                    throw new IllegalArgumentException("split " + name + ": with one dataset per task each must hold one task, "
                            + d.tasks().stream().map(Task::name).toList() + " has " + d.tasks().size());
                }
                if (!Arrays.equals(d.inputShape(), shape)) {
                    throw new IllegalArgumentException("split " + name + ": task " + d.tasks().get(0).name() + " has inputs "
                            + Arrays.toString(d.inputShape()) + ", the first task " + Arrays.toString(shape));
                }
            }
        }
    }

    /** A split whose examples carry every task's label. */
    public static MtlSplit shared(MtlDataset data) {
        return new MtlSplit(data.split(), List.of(data), 0);
    }

    /** A split with one single-task dataset per task. */
    public static MtlSplit perTask(String name, List<? extends MtlDataset> data) {
        return new MtlSplit(name, List.copyOf(data), data.stream().mapToInt(MtlDataset::size).max().orElse(0));
    }

    /** True when one batch of inputs feeds every task. */
    public boolean sharedInputs() {
        return epochSize == 0;
    }

    public List<Task> tasks() {
        var out = new ArrayList<Task>();
        for (MtlDataset d : sources) out.addAll(d.tasks());
        return out;
    }

    public List<String> taskNames() {
        return tasks().stream().map(Task::name).toList();
    }

    public long[] inputShape() {
        return sources.get(0).inputShape();
    }

    /** Examples in the split (for separate inputs, summed over tasks). */
    public int size() {
        return sources.stream().mapToInt(MtlDataset::size).sum();
    }

    /**
     * The named tasks only, in the given order (single-task baselines, task subsets). Unknown names fail with
     * the known ones listed.
     */
    public MtlSplit select(List<String> taskNames) {
        List<String> known = taskNames();
        int[] idx = new int[taskNames.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = known.indexOf(taskNames.get(i));
            if (idx[i] < 0) throw new IllegalArgumentException("unknown task '" + taskNames.get(i) + "'; known: " + String.join(", ", known));
        }
        if (sharedInputs()) return shared(new TaskSubset(sources.get(0), idx));
        var picked = new ArrayList<MtlDataset>();
        for (int i : idx) picked.add(sources.get(i));
        return new MtlSplit(name, picked, epochSize);
    }

    /** A view of a shared-input dataset with some of its tasks. */
    private record TaskSubset(MtlDataset inner, int[] tasksKept) implements MtlDataset {
        @Override public String split() { return inner.split(); }
        @Override public int size() { return inner.size(); }
        @Override public long[] inputShape() { return inner.inputShape(); }
        @Override public List<Task> tasks() {
            var out = new ArrayList<Task>();
            for (int t : tasksKept) out.add(inner.tasks().get(t));
            return out;
        }
        @Override public void fillInputs(int[] indices, int count, java.nio.FloatBuffer dst) { inner.fillInputs(indices, count, dst); }
        @Override public int label(int task, int index) { return inner.label(tasksKept[task], index); }
    }
}
