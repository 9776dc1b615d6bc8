package dev.polymath.core.sample;

import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses tasks from a list, draw by draw; draw {@code i} is a pure function of (seed, i).
 * <ul>
 *   <li>{@link #uniform}: every draw independently and uniformly at random;</li>
 *   <li>{@link #cycling}: rounds over all tasks, each round a fresh random permutation, so every task
 *       appears once per round (balanced evaluation pools);</li>
 *   <li>{@link #weighted}: independently, with given probabilities (e.g. {@link TaskMixture#probabilities()}).</li>
 * </ul>
 */
public final class TaskSampler {

    private enum Mode { UNIFORM, CYCLING, WEIGHTED }

    private final List<Task> tasks;
    private final Mode mode;
    private final double[] cumulative;
    private final long seed;

    private TaskSampler(List<Task> tasks, Mode mode, double[] weights, long seed) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("cannot sample tasks from an empty list");
        this.tasks = List.copyOf(tasks);
        this.mode = mode;
        this.seed = seed;
        this.cumulative = weights == null ? null : cumulative(weights, this.tasks);
    }

    public static TaskSampler uniform(List<Task> tasks, long seed) {
        return new TaskSampler(tasks, Mode.UNIFORM, null, seed);
    }

    public static TaskSampler uniform(TaskSuite suite, long seed) {
        return uniform(suite.tasks(), seed);
    }

    public static TaskSampler cycling(List<Task> tasks, long seed) {
        return new TaskSampler(tasks, Mode.CYCLING, null, seed);
    }

    public static TaskSampler cycling(TaskSuite suite, long seed) {
        return cycling(suite.tasks(), seed);
    }

    /** @param weights non-negative, one per task, not all zero; need not sum to one */
    public static TaskSampler weighted(List<Task> tasks, double[] weights, long seed) {
        return new TaskSampler(tasks, Mode.WEIGHTED, weights, seed);
    }

    public List<Task> tasks() { return tasks; }
    public long seed() { return seed; }

    /** Index into {@link #tasks()} of draw {@code i}. */
    public int pick(long i) {
        if (i < 0) throw new IllegalArgumentException("draw index must be >= 0, got " + i);
        int n = tasks.size();
        return switch (mode) {
            case UNIFORM -> Seeds.stream(Seeds.mix(seed, i), "task-draw").nextInt(n);
            case CYCLING -> {
                long round = i / n;
                int[] perm = new int[n];
                for (int k = 0; k < n; k++) perm[k] = k;
                Seeds.shuffle(perm, Seeds.stream(Seeds.mix(seed, round), "task-round"));
                yield perm[(int) (i % n)];
            }
            case WEIGHTED -> pickWeighted(Seeds.stream(Seeds.mix(seed, i), "task-draw"));
        };
    }

    public TaskDraw draw(long i) {
        return new TaskDraw(i, tasks.get(pick(i)), Seeds.mix(Seeds.mix(seed, "task-draw-seed"), i));
    }

    public List<TaskDraw> draws(long from, int count) {
        var out = new ArrayList<TaskDraw>(count);
        for (int k = 0; k < count; k++) out.add(draw(from + k));
        return List.copyOf(out);
    }

    private int pickWeighted(SplittableRandom rng) {
        double u = rng.nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    private static double[] cumulative(double[] weights, List<Task> tasks) {
        if (weights.length != tasks.size()) {
            throw new IllegalArgumentException(weights.length + " weights for " + tasks.size() + " tasks");
        }
        double[] c = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("weight of task '" + tasks.get(i).name() + "' must be finite and >= 0, got "
                        + weights[i]);
            }
            sum += weights[i];
            c[i] = sum;
        }
        if (sum <= 0) throw new IllegalArgumentException("all task weights are zero");
        return c;
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " task draws over " + tasks.size() + " tasks, seed " + seed;
    }
}
