package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits a list of {@code size} items (addressed by index) into mini-batches, epoch by epoch. The batches of
 * epoch {@code e} are a pure function of (seed, e, mode, size, batch size, drop-last): any epoch can be
 * recomputed on its own, in any order.
 *
 * <ul>
 *   <li>{@link Mode#SEQUENTIAL}: items in index order (evaluation).</li>
 *   <li>{@link Mode#SHUFFLED}: a fresh random permutation per epoch.</li>
 *   <li>{@link Mode#STRATIFIED}: a random permutation in which every class is spread evenly, so each batch holds
 *       the classes in about their overall proportions (within one example per class).</li>
 *   <li>{@link Mode#CLASS_BALANCED}: every slot first picks a class uniformly at random, then the next
 *       example of that class (each class cycles through its own reshuffled examples); minority classes are
 *       oversampled and majority classes undersampled. An epoch has {@code size} slots.</li>
 * </ul>
 * The first three modes visit every item exactly once per epoch (the last, short batch is left out when
 * drop-last is set); class-balanced epochs do not.
 */
public final class BatchSampler {

    public enum Mode { SEQUENTIAL, SHUFFLED, STRATIFIED, CLASS_BALANCED }

    private final Mode mode;
    private final int size;
    private final int batchSize;
    private final boolean dropLast;
    private final long seed;
    private final int[] classOf;

    private BatchSampler(Mode mode, int size, int batchSize, boolean dropLast, long seed, int[] classOf) {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.mode = mode;
        this.size = size;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.seed = seed;
        this.classOf = classOf;
    }

    public static BatchSampler sequential(int size, int batchSize) {
        return new BatchSampler(Mode.SEQUENTIAL, size, batchSize, false, 0L, null);
    }

    public static BatchSampler shuffled(int size, int batchSize, long seed) {
        return new BatchSampler(Mode.SHUFFLED, size, batchSize, false, seed, null);
    }

    /** @param classOf class index ({@code >= 0}) of every item, e.g. from {@link #classIndices} */
    public static BatchSampler stratified(int[] classOf, int batchSize, long seed) {
        return new BatchSampler(Mode.STRATIFIED, classOf.length, batchSize, false, seed, checked(classOf));
    }

    /** @param classOf class index ({@code >= 0}) of every item, e.g. from {@link #classIndices} */
    public static BatchSampler classBalanced(int[] classOf, int batchSize, long seed) {
        return new BatchSampler(Mode.CLASS_BALANCED, classOf.length, batchSize, false, seed, checked(classOf));
    }

    /** Index of each example's label in the task's label set (single-label classification examples). */
    public static int[] classIndices(Task task, List<Example> examples) {
        int[] out = new int[examples.size()];
        for (int i = 0; i < out.length; i++) out[i] = task.labelIndex(examples.get(i).label());
        return out;
    }

    /** Same sampler, leaving out (or keeping) the last batch of an epoch when it is shorter than the batch size. */
    public BatchSampler dropLast(boolean drop) {
        return new BatchSampler(mode, size, batchSize, drop, seed, classOf);
    }

    public Mode mode() { return mode; }
    public int size() { return size; }
    public int batchSize() { return batchSize; }
    public boolean dropsLast() { return dropLast; }
    public long seed() { return seed; }

    public int batchesPerEpoch() {
        return dropLast ? size / batchSize : (size + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epoch} visits the items (before cutting into batches). */
    public int[] order(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        SplittableRandom rng = Seeds.stream(Seeds.mix(seed, epoch), "batches:" + mode.name());
        int[] order = new int[size];
        switch (mode) {
            case SEQUENTIAL -> { for (int i = 0; i < size; i++) order[i] = i; }
            case SHUFFLED -> {
                for (int i = 0; i < size; i++) order[i] = i;
                Seeds.shuffle(order, rng);
            }
            case STRATIFIED -> order = Stratify.order(classOf, rng);
            case CLASS_BALANCED -> order = balanced(rng);
        }
        return order;
    }

    /** The batches of one epoch as index arrays. */
    public List<int[]> epoch(int epoch) {
        int[] order = order(epoch);
        int batches = batchesPerEpoch();
        var out = new ArrayList<int[]>(batches);
        for (int b = 0; b < batches; b++) {
            int from = b * batchSize;
            out.add(java.util.Arrays.copyOfRange(order, from, Math.min(from + batchSize, size)));
        }
        return out;
    }

    /** The batches of one epoch as lists of items; {@code items} must have {@link #size()} elements. */
    public <T> List<List<T>> epoch(List<T> items, int epoch) {
        if (items.size() != size) {
            throw new IllegalArgumentException("sampler is for " + size + " items, got " + items.size());
        }
        var out = new ArrayList<List<T>>();
        for (int[] batch : epoch(epoch)) {
            var list = new ArrayList<T>(batch.length);
            for (int i : batch) list.add(items.get(i));
            out.add(List.copyOf(list));
        }
        return out;
    }

    private int[] balanced(SplittableRandom rng) {
        int classes = 0;
        for (int c : classOf) classes = Math.max(classes, c + 1);
        int[][] members = Stratify.membersByClass(classOf, classes);
        int[] present = java.util.stream.IntStream.range(0, classes).filter(c -> members[c].length > 0).toArray();
        int[] pos = new int[classes];
        for (int c : present) Seeds.shuffle(members[c], rng);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            int c = present[rng.nextInt(present.length)];
            if (pos[c] == members[c].length) {
                Seeds.shuffle(members[c], rng);
                pos[c] = 0;
            }
            order[i] = members[c][pos[c]++];
        }
        return order;
    }

    private static int[] checked(int[] classOf) {
        for (int i = 0; i < classOf.length; i++) {
            if (classOf[i] < 0) throw new IllegalArgumentException("item " + i + " has class index " + classOf[i]);
        }
        return classOf.clone();
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " batches of " + batchSize + " over " + size
                + " items" + (dropLast ? ", last short batch dropped" : "") + ", seed " + seed;
    }
}
