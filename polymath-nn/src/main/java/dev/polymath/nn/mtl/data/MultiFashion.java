package dev.polymath.nn.mtl.data;

import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.Target;
import dev.polymath.core.util.Seeds;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Multi-Fashion (Pareto MTL, Lin et al. 2019, after Sener and Koltun's MultiMNIST): 36x36 grey images, each
 * holding two Fashion-MNIST items, one near the top-left and one near the bottom-right corner; task {@code L}
 * is the top-left item's class, task {@code R} the bottom-right one's (10 classes each).
 * <p>Construction, deterministic from a seed: for composite {@code i} of a split, two source items are drawn
 * uniformly with replacement (stream {@code multi-fashion/<split>} of the seed); the top-left item's 28x28
 * corner goes to {@code (dy, dx)} and the bottom-right item's to {@code (8 - dy', 8 - dx')}, each of
 * {@code dy, dx, dy', dx'} uniform in {@code 0..4} (each item shifted by up to 4 pixels, towards the centre);
 * overlapping pixels take the maximum. Train composites come from Fashion-MNIST's train split (120,000 by
 * default), test composites from its test split (20,000 by default). Pixels are stored as bytes and scaled to
 * 0..1 when a batch is read.
 */
public final class MultiFashion implements MtlDataset {
    public static final int SIDE = 36;
    public static final int ITEM = 28;
    public static final int MAX_SHIFT = 4;
    public static final int TRAIN_SIZE = 120_000;
    public static final int TEST_SIZE = 20_000;
    public static final List<String> TASKS = List.of("L", "R");

    private final String split;
    private final int n;
    private final byte[] pixels;
    private final byte[] labelL;
    private final byte[] labelR;
    private final List<Task> tasks;

    private MultiFashion(String split, int n, byte[] pixels, byte[] labelL, byte[] labelR) {
        this.split = split;
        this.n = n;
        this.pixels = pixels;
        this.labelL = labelL;
        this.labelR = labelR;
        this.tasks = List.of(task("L", split, labelL), task("R", split, labelR));
    }

    /** Generates {@code count} composites from a Fashion-MNIST split. */
    public static MultiFashion generate(FashionMnistLoader.Split source, String split, int count, long seed) {
        if (source.rows() != ITEM || source.cols() != ITEM) {
            throw new IllegalArgumentException("Multi-Fashion needs 28x28 items, got " + source.rows() + "x" + source.cols());
        }
        if (count < 1) throw new IllegalArgumentException("count must be >= 1, got " + count);
        SplittableRandom rng = Seeds.stream(seed, "multi-fashion/" + split);
        byte[] px = new byte[count * SIDE * SIDE];
        byte[] l = new byte[count], r = new byte[count];
        byte[] src = source.pixels();
        for (int i = 0; i < count; i++) {
            int a = rng.nextInt(source.n()), b = rng.nextInt(source.n());
            int ay = rng.nextInt(MAX_SHIFT + 1), ax = rng.nextInt(MAX_SHIFT + 1);
            int by = SIDE - ITEM - rng.nextInt(MAX_SHIFT + 1), bx = SIDE - ITEM - rng.nextInt(MAX_SHIFT + 1);
            int base = i * SIDE * SIDE;
            paste(src, a, px, base, ay, ax);
            paste(src, b, px, base, by, bx);
            l[i] = (byte) source.label(a);
            r[i] = (byte) source.label(b);
        }
        return new MultiFashion(split, count, px, l, r);
    }

    private static void paste(byte[] src, int item, byte[] dst, int base, int y0, int x0) {
        int s = item * ITEM * ITEM;
        for (int y = 0; y < ITEM; y++) {
            int row = base + (y0 + y) * SIDE + x0;
            for (int x = 0; x < ITEM; x++) {
                int v = src[s + y * ITEM + x] & 0xff;
                if (v > (dst[row + x] & 0xff)) dst[row + x] = (byte) v;
            }
        }
    }

    /**
     * Train (the first {@code trainSize} composites of the train stream), validation (the next
     * {@code validationSize}, also from Fashion-MNIST train) and test ({@code testSize} from Fashion-MNIST test).
     */
    public static Map<String, MultiFashion> load(Path fashionDir, int trainSize, int validationSize, int testSize, long seed) {
        var src = FashionMnistLoader.read(fashionDir);
        MultiFashion all = generate(src.get("train"), "train", trainSize + validationSize, seed);
        var out = new java.util.LinkedHashMap<String, MultiFashion>();
        out.put(Task.TRAIN, all.range("train", 0, trainSize));
        if (validationSize > 0) out.put(Task.VALIDATION, all.range(Task.VALIDATION, trainSize, trainSize + validationSize));
        out.put(Task.TEST, generate(src.get("test"), "test", testSize, seed));
        return out;
    }

    /** Composites {@code [from, to)} as a split of their own. */
    public MultiFashion range(String name, int from, int to) {
        int size = SIDE * SIDE;
        return new MultiFashion(name, to - from, java.util.Arrays.copyOfRange(pixels, from * size, to * size),
                java.util.Arrays.copyOfRange(labelL, from, to), java.util.Arrays.copyOfRange(labelR, from, to));
    }

    private static Task task(String name, String split, byte[] labels) {
        var examples = new ArrayList<Example>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            examples.add(new Example(split + ":" + i, List.of(), null, List.of(),
                    new Target.Label(FashionMnistLoader.CLASSES.get(labels[i])), Map.of()));
        }
        return Task.builder(name, TaskKind.CLASSIFICATION)
                .labels(FashionMnistLoader.CLASSES)
                .instruction(name.equals("L") ? "class of the top-left item" : "class of the bottom-right item")
                .metrics(MetricSpec.higher("accuracy"))
                .split(split, examples)
                .build();
    }

    @Override public String split() { return split; }
    @Override public int size() { return n; }
    @Override public long[] inputShape() { return new long[] {1, SIDE, SIDE}; }
    @Override public List<Task> tasks() { return tasks; }

    @Override
    public void fillInputs(int[] indices, int count, FloatBuffer dst) {
        int size = SIDE * SIDE;
        float[] row = new float[size];
        for (int k = 0; k < count; k++) {
            int base = indices[k] * size;
            for (int p = 0; p < size; p++) row[p] = (pixels[base + p] & 0xff) / 255f;
            dst.put(row);
        }
    }

    @Override
    public int label(int task, int index) {
        return (task == 0 ? labelL : labelR)[index];
    }

    /** Raw pixels of composite {@code i} (0..255), for tests and pictures. */
    public int pixel(int i, int y, int x) {
        return pixels[i * SIDE * SIDE + y * SIDE + x] & 0xff;
    }
}
