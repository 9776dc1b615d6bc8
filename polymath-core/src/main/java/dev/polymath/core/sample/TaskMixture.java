package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A multi-task training mixture: tasks, their sizes {@code n_t} (examples in one split), a
 * {@link MixingStrategy} giving probabilities {@code p_t}, and a seed. It offers
 * <ul>
 *   <li>{@link #taskAt(long)}: the task of step {@code s}, drawn independently with probabilities
 *       {@code p_t}, a pure function of (seed, s);</li>
 *   <li>{@link #picks()}: a deterministic stream of (task, example) picks for example-level mixing (T5 style):
 *       the task of step {@code s} is {@link #taskAt(long)}; within a task, examples are visited pass after
 *       pass, each pass a fresh permutation derived from (seed, task, pass);</li>
 *   <li>{@link #batchCounts(int)} and {@link #schedule(int, int)}: per-task batch counts for a budget of
 *       batches (largest-remainder rounding of {@code p_t · budget}, so they sum to the budget exactly) and a
 *       shuffled per-epoch order of those task batches, for homogeneous per-task batches.</li>
 * </ul>
 */
public final class TaskMixture {

    private final List<Task> tasks;
    private final String split;
    private final MixingStrategy strategy;
    private final long seed;
    private final long[] sizes;
    private final double[] probabilities;
    private final TaskSampler chooser;

    private TaskMixture(List<Task> tasks, String split, MixingStrategy strategy, long seed) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("a mixture needs at least one task");
        this.tasks = List.copyOf(tasks);
        this.split = split;
        this.strategy = java.util.Objects.requireNonNull(strategy, "strategy");
        this.seed = seed;
        this.sizes = this.tasks.stream().mapToLong(t -> t.split(split).size()).toArray();
        this.probabilities = strategy.probabilities(sizes);
        this.chooser = TaskSampler.weighted(this.tasks, probabilities, Seeds.mix(seed, "mixture-task"));
    }

    /** Mixture over the tasks of a suite, sized by their {@code split} (usually {@code train}). */
    public static TaskMixture of(TaskSuite suite, String split, MixingStrategy strategy, long seed) {
        return new TaskMixture(suite.tasks(), split, strategy, seed);
    }

    public static TaskMixture of(List<Task> tasks, String split, MixingStrategy strategy, long seed) {
        return new TaskMixture(tasks, split, strategy, seed);
    }

    public List<Task> tasks() { return tasks; }
    public String split() { return split; }
    public MixingStrategy strategy() { return strategy; }
    public long seed() { return seed; }

    public long[] sizes() { return sizes.clone(); }

    /** {@code p_t} in task order. */
    public double[] probabilities() { return probabilities.clone(); }

    /** Task name to {@code p_t}, in task order. */
    public Map<String, Double> probabilityMap() {
        var m = new LinkedHashMap<String, Double>();
        for (int i = 0; i < tasks.size(); i++) m.put(tasks.get(i).name(), probabilities[i]);
        return java.util.Collections.unmodifiableMap(m);
    }

    public double probability(String task) {
        for (int i = 0; i < tasks.size(); i++) if (tasks.get(i).name().equals(task)) return probabilities[i];
        throw new IllegalArgumentException("task '" + task + "' is not in the mixture");
    }

    /** Index into {@link #tasks()} of the task of step {@code step}. */
    public int taskAt(long step) {
        return chooser.pick(step);
    }

    /** An infinite, deterministic stream of (task, example) picks, starting at step 0. */
    public Iterator<MixturePick> picks() {
        return new Picks();
    }

    /** The first {@code n} picks. */
    public List<MixturePick> take(int n) {
        var it = picks();
        var out = new ArrayList<MixturePick>(n);
        for (int i = 0; i < n; i++) out.add(it.next());
        return List.copyOf(out);
    }

    /** Batches per task for a budget of {@code totalBatches}, in task order; sums to the budget. */
    public int[] batchCounts(int totalBatches) {
        if (totalBatches < 0) throw new IllegalArgumentException("batch budget must be >= 0, got " + totalBatches);
        int n = tasks.size();
        int[] counts = new int[n];
        double[] rest = new double[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            double quota = probabilities[i] * totalBatches;
            double nearest = Math.rint(quota);
            if (Math.abs(quota - nearest) < 1e-9 * Math.max(1, totalBatches)) quota = nearest; // 99.999999... is 100
            counts[i] = (int) Math.floor(quota);
            rest[i] = quota - counts[i];
            given += counts[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> rest[a] != rest[b] ? Double.compare(rest[b], rest[a]) : Integer.compare(a, b));
        for (int k = 0; given < totalBatches; k++, given++) counts[order[k % n]]++;
        return counts;
    }

    public Map<String, Integer> batchCountMap(int totalBatches) {
        int[] c = batchCounts(totalBatches);
        var m = new LinkedHashMap<String, Integer>();
        for (int i = 0; i < c.length; i++) m.put(tasks.get(i).name(), c[i]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The task (index into {@link #tasks()}) of every batch of epoch {@code epoch}: each task exactly
     * {@link #batchCounts(int)} times, in an order shuffled by (seed, epoch).
     */
    public int[] schedule(int totalBatches, int epoch) {
        int[] counts = batchCounts(totalBatches);
        int[] out = new int[totalBatches];
        int k = 0;
        for (int t = 0; t < counts.length; t++) for (int j = 0; j < counts[t]; j++) out[k++] = t;
        Seeds.shuffle(out, Seeds.stream(Seeds.mix(seed, epoch), "mixture-schedule"));
        return out;
    }

    /** A table of task, size and probability, for printing. */
    public String table() {
        int w = Math.max(4, tasks.stream().mapToInt(t -> t.name().length()).max().orElse(4));
        var sb = new StringBuilder();
        sb.append("mixture ").append(strategy).append(" over ").append(tasks.size()).append(" tasks (split ")
                .append(split).append(", seed ").append(seed).append(")\n");
        sb.append(String.format(java.util.Locale.ROOT, "  %-" + w + "s %10s %8s%n", "task", "examples", "p"));
        for (int i = 0; i < tasks.size(); i++) {
            sb.append(String.format(java.util.Locale.ROOT, "  %-" + w + "s %10d %8.4f%n", tasks.get(i).name(), sizes[i],
                    probabilities[i]));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "mixture " + strategy + " over " + tasks.size() + " tasks, seed " + seed;
    }

    private final class Picks implements Iterator<MixturePick> {
        private long step;
        private final int[][] order = new int[tasks.size()][];
        private final int[] pass = new int[tasks.size()];
        private final int[] pos = new int[tasks.size()];

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public MixturePick next() {
            if (step == Long.MAX_VALUE) throw new NoSuchElementException();
            int t = taskAt(step);
            List<Example> examples = tasks.get(t).split(split);
            if (order[t] == null || pos[t] == order[t].length) {
                if (order[t] != null) pass[t]++;
                order[t] = passOrder(t, pass[t], examples.size());
                pos[t] = 0;
            }
            return new MixturePick(step++, tasks.get(t), examples.get(order[t][pos[t]++]));
        }

        private int[] passOrder(int t, int p, int n) {
            int[] o = new int[n];
            for (int i = 0; i < n; i++) o[i] = i;
            Seeds.shuffle(o, Seeds.stream(Seeds.mix(Seeds.mix(seed, "mixture-examples:" + tasks.get(t).name()), p), "pass"));
            return o;
        }
    }
}
