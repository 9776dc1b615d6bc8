package dev.polymath.text.merging;

import dev.polymath.core.util.Seeds;

import java.util.List;

/**
 * The batch schedule of {@link TaskFineTuner}: every step takes one batch from every task; an epoch has as many
 * steps as the largest task needs for one pass, so a smaller task cycles through fresh permutations within the
 * epoch (the separate-inputs schedule of the MTL engine's trainer). Pass {@code k} of a task is a permutation
 * drawn from {@code Seeds.stream(seed, "finetune/<task>/<k>")}, cut into batches in order, the last one short;
 * a task therefore sees the same batches whether it is trained alone or with others, and with one task this is
 * plain shuffled epochs (pass k = epoch k).
 */
final class JointBatches {
    private final List<String> tasks;
    private final int[] sizes;
    private final int batch;
    private final long seed;
    private final int stepsPerEpoch;
    private final int[][] order;
    private final int[] pass, next;

    JointBatches(List<String> tasks, int[] sizes, int batch, long seed) {
        if (tasks.size() != sizes.length || sizes.length == 0) throw new IllegalArgumentException("need one size per task, got " + tasks.size() + " tasks and " + sizes.length + " sizes");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        int max = 0;
        for (int t = 0; t < sizes.length; t++) {
            if (sizes[t] < 1) throw new IllegalArgumentException("task " + tasks.get(t) + " has no training examples");
            max = Math.max(max, sizes[t]);
        }
        this.tasks = List.copyOf(tasks);
        this.sizes = sizes.clone();
        this.batch = batch;
        this.seed = seed;
        this.stepsPerEpoch = (max + batch - 1) / batch;
        this.order = new int[sizes.length][];
        this.pass = new int[sizes.length];
        this.next = new int[sizes.length];
        for (int t = 0; t < sizes.length; t++) {
            pass[t] = -1;
            next[t] = sizes[t];   // forces pass 0 on the first step
        }
    }

    int stepsPerEpoch() { return stepsPerEpoch; }

    /** The example indices of the next step's batch of every task ({@code [task][i]}). */
    int[][] next() {
        int[][] out = new int[sizes.length][];
        for (int t = 0; t < sizes.length; t++) {
            if (next[t] >= sizes[t]) {
                pass[t]++;
                next[t] = 0;
                order[t] = new int[sizes[t]];
                for (int i = 0; i < sizes[t]; i++) order[t][i] = i;
                Seeds.shuffle(order[t], Seeds.stream(seed, "finetune/" + tasks.get(t) + "/" + pass[t]));
            }
            int from = next[t], to = Math.min(sizes[t], from + batch);
            out[t] = java.util.Arrays.copyOfRange(order[t], from, to);
            next[t] = to;
        }
        return out;
    }
}
