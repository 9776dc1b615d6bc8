package dev.polymath.nn.meta.icl;

import dev.polymath.core.util.Seeds;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The GPICL task family (Kirsch et al. 2022, section 3): task {@code i} multiplies every input by its own
 * random matrix {@code A_i ~ N(0, 1/P)} of shape {@code [P, inputDim]} (P = source width) and assigns its own
 * random, ordered choice of {@code ways} source classes to the labels {@code 0..ways-1} (with as many allowed
 * classes as ways this is a random label permutation). Everything about task {@code i} is a pure function of
 * {@code (seed, i)}: the same index gives the same task whatever source rows it is drawn from, so a training
 * task can be evaluated on held-out images of the same classes.
 */
public final class ProjectedTasks {
    private final IclSource source;
    private final int inputDim;
    private final int ways;
    private final int[] allowed;
    private final long seed;
    private final int[][] byClass;

    /** Task {@code index}: the seed of its projection and the source class behind each label. */
    public record TaskSpec(long index, long projectionSeed, int[] classOfLabel) {
        public TaskSpec {
            classOfLabel = classOfLabel.clone();
        }

        @Override public int[] classOfLabel() { return classOfLabel.clone(); }
    }

    /** One sequence: source row and label at each position. */
    public record Sequence(TaskSpec task, int[] rows, int[] labels) {}

    public ProjectedTasks(IclSource source, int inputDim, int ways, List<Integer> allowedClasses, long seed) {
        if (ways < 2) throw new IllegalArgumentException("ways must be >= 2, got " + ways);
        if (allowedClasses.size() < ways) {
            throw new IllegalArgumentException(source.name() + ": " + ways + " ways need at least " + ways + " classes, got " + allowedClasses.size());
        }
        this.source = source;
        this.inputDim = inputDim;
        this.ways = ways;
        this.allowed = allowedClasses.stream().mapToInt(Integer::intValue).toArray();
        this.seed = seed;
        this.byClass = source.rowsByClass();
        for (int c : allowed) {
            if (c < 0 || c >= byClass.length || byClass[c].length == 0) {
                throw new IllegalArgumentException(source.name() + ": class " + c + " has no rows");
            }
        }
    }

    public IclSource source() {
        return source;
    }

    public int inputDim() {
        return inputDim;
    }

    public int ways() {
        return ways;
    }

    /** The same tasks (seed, classes, projections) drawn from another source of the same width and classes. */
    public ProjectedTasks withSource(IclSource other) {
        return new ProjectedTasks(other, inputDim, ways, Arrays.stream(allowed).boxed().toList(), seed);
    }

    public TaskSpec task(long index) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, index));
        long projectionSeed = rng.nextLong();
        int[] pick = Seeds.sampleWithoutReplacement(allowed.length, ways, rng);
        int[] cls = new int[ways];
        for (int j = 0; j < ways; j++) cls[j] = allowed[pick[j]];
        return new TaskSpec(index, projectionSeed, cls);
    }

    /** {@code A} of the task, row-major {@code [P, inputDim]}, entries N(0, 1/P). */
    public float[] projection(TaskSpec task) {
        int p = source.width();
        float[] a = new float[p * inputDim];
        SplittableRandom rng = new SplittableRandom(task.projectionSeed());
        double s = 1.0 / Math.sqrt(p);
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * s);
        return a;
    }

    /** {@code x A} for one source row (plain Java; training projects whole batches in libtorch instead). */
    public float[] project(TaskSpec task, float[] row) {
        float[] a = projection(task);
        float[] out = new float[inputDim];
        for (int i = 0; i < row.length; i++) {
            float xi = row[i];
            if (xi == 0) continue;
            int o = i * inputDim;
            for (int j = 0; j < inputDim; j++) out[j] += xi * a[o + j];
        }
        return out;
    }

    /**
     * {@code length} examples of the task: each position's label uniform over the ways, its row uniform over
     * that class's rows, without repeating a row inside the sequence while the class has unused rows.
     */
    public Sequence sequence(TaskSpec task, int length, SplittableRandom rng) {
        int[] rows = new int[length], labels = new int[length];
        var used = new HashSet<Integer>();
        int[] cls = task.classOfLabel;
        for (int t = 0; t < length; t++) {
            int label = rng.nextInt(ways);
            int[] pool = byClass[cls[label]];
            int row = pool[rng.nextInt(pool.length)];
            for (int tries = 0; used.contains(row) && tries < 32; tries++) row = pool[rng.nextInt(pool.length)];
            used.add(row);
            rows[t] = row;
            labels[t] = label;
        }
        return new Sequence(task, rows, labels);
    }
}
