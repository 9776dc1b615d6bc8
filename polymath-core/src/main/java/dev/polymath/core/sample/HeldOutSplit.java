package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A train/evaluation division of a task suite for generalization studies (as in Natural Instructions and
 * OPT-IML), at one of three {@link Level levels}:
 * <ul>
 *   <li>{@link Level#CATEGORY}: every task of the held-out categories goes to evaluation; training sees none of
 *       those categories. {@code heldOut} lists the categories.</li>
 *   <li>{@link Level#TASK}: within categories that stay seen, some tasks go to evaluation; every category keeps
 *       at least one training task. {@code heldOut} lists the tasks.</li>
 *   <li>{@link Level#INSTANCE}: every task is seen, but a fraction of the examples of one split (usually
 *       {@code train}) is held out. Train-suite tasks keep only that split ({@code train} = the kept examples);
 *       eval-suite tasks have only a {@code test} split holding the held-out examples. Classification tasks are
 *       split stratified by label. {@code heldOut} lists the tasks whose instances were split.</li>
 * </ul>
 * At the category and task levels, tasks move whole (with all their splits) and keep their suite order.
 *
 * @param description how the split was made (level, choices, seed), for logs and run records
 */
public record HeldOutSplit(Level level, TaskSuite train, TaskSuite eval, List<String> heldOut, String description) {

    public enum Level {
        CATEGORY, TASK, INSTANCE;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public HeldOutSplit {
        java.util.Objects.requireNonNull(level, "level");
        heldOut = List.copyOf(heldOut);
    }

    // ---- (a) held-out categories -------------------------------------------------------------------------

    public static HeldOutSplit categories(TaskSuite suite, Collection<String> categories) {
        return categories(suite, categories, "categories " + List.copyOf(categories) + " chosen explicitly");
    }

    /** {@code count} categories chosen at random by seed. */
    public static HeldOutSplit categories(TaskSuite suite, int count, long seed) {
        List<String> all = categoryNames(suite);
        if (count < 1 || count >= all.size()) {
            throw new IllegalArgumentException("can hold out 1.." + (all.size() - 1) + " of the " + all.size()
                    + " categories of suite '" + suite.name() + "', not " + count);
        }
        int[] pick = Seeds.sampleWithoutReplacement(all.size(), count, Seeds.stream(seed, "held-out-categories"));
        var chosen = new LinkedHashSet<String>();
        for (int i : pick) chosen.add(all.get(i));
        List<String> ordered = all.stream().filter(chosen::contains).toList();
        return categories(suite, ordered, count + " random categories, seed " + seed);
    }

    private static HeldOutSplit categories(TaskSuite suite, Collection<String> categories, String how) {
        List<String> all = categoryNames(suite);
        Set<String> held = new LinkedHashSet<>(categories);
        for (String c : held) {
            if (!all.contains(c)) {
                throw new IllegalArgumentException("suite '" + suite.name() + "' has no category '" + c + "'; categories: " + all);
            }
        }
        if (held.isEmpty() || held.size() == all.size()) {
            throw new IllegalArgumentException("a category-level split must hold out some but not all of the "
                    + all.size() + " categories of suite '" + suite.name() + "'");
        }
        var train = new ArrayList<Task>();
        var eval = new ArrayList<Task>();
        for (Task t : suite.tasks()) (held.contains(t.category()) ? eval : train).add(t);
        List<String> heldList = all.stream().filter(held::contains).toList();
        return new HeldOutSplit(Level.CATEGORY, sub(suite, "train", train), sub(suite, "eval", eval), heldList,
                "held-out categories: " + how);
    }

    // ---- (b) held-out tasks within seen categories -------------------------------------------------------

    public static HeldOutSplit tasks(TaskSuite suite, Collection<String> taskNames) {
        return tasks(suite, new LinkedHashSet<>(taskNames), "tasks " + List.copyOf(taskNames) + " chosen explicitly");
    }

    /** In every category, {@code perCategory} random tasks (but never all of a category's tasks) held out. */
    public static HeldOutSplit tasks(TaskSuite suite, int perCategory, long seed) {
        if (perCategory < 1) throw new IllegalArgumentException("tasks to hold out per category must be >= 1, got " + perCategory);
        return tasksByCategory(suite, n -> Math.min(perCategory, n - 1), seed,
                perCategory + " random task(s) per category, seed " + seed);
    }

    /**
     * In every category of {@code n} tasks, {@code round(fraction · n)} random tasks held out, at least one
     * (for fraction > 0) and at most {@code n - 1}; categories with a single task are not touched.
     */
    public static HeldOutSplit tasks(TaskSuite suite, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("fraction must be in (0, 1), got " + fraction);
        return tasksByCategory(suite, n -> n < 2 ? 0 : (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n))), seed,
                fraction + " of the tasks of each category, seed " + seed);
    }

    private static HeldOutSplit tasksByCategory(TaskSuite suite, java.util.function.IntUnaryOperator howMany, long seed,
                                                String how) {
        categoryNames(suite); // every task needs a category
        var held = new LinkedHashSet<String>();
        for (Map.Entry<String, List<Task>> e : suite.byCategory().entrySet()) {
            List<Task> ts = e.getValue();
            int k = howMany.applyAsInt(ts.size());
            if (k <= 0) continue;
            int[] pick = Seeds.sampleWithoutReplacement(ts.size(), k, Seeds.stream(seed, "held-out-tasks:" + e.getKey()));
            for (int i : pick) held.add(ts.get(i).name());
        }
        if (held.isEmpty()) {
            throw new IllegalArgumentException("no category of suite '" + suite.name()
                    + "' has two or more tasks, so no task can be held out within a seen category");
        }
        return tasks(suite, held, how);
    }

    private static HeldOutSplit tasks(TaskSuite suite, Set<String> held, String how) {
        for (String name : held) suite.task(name); // unknown names fail, listing the known ones
        if (held.isEmpty()) throw new IllegalArgumentException("no task to hold out");
        for (Map.Entry<String, List<Task>> e : suite.byCategory().entrySet()) {
            List<String> names = e.getValue().stream().map(Task::name).toList();
            if (held.containsAll(names) && names.stream().anyMatch(held::contains)) {
                throw new IllegalArgumentException("holding out every task of category '" + e.getKey() + "' " + names
                        + " holds out the category itself; a task-level split keeps at least one task of each category"
                        + " for training (use a category-level split)");
            }
        }
        var train = new ArrayList<Task>();
        var eval = new ArrayList<Task>();
        for (Task t : suite.tasks()) (held.contains(t.name()) ? eval : train).add(t);
        List<String> heldList = suite.names().stream().filter(held::contains).toList();
        return new HeldOutSplit(Level.TASK, sub(suite, "train", train), sub(suite, "eval", eval), heldList,
                "held-out tasks: " + how);
    }

    // ---- (c) held-out instances --------------------------------------------------------------------------

    /** {@code evalFraction} of every task's {@code train} examples held out. */
    public static HeldOutSplit instances(TaskSuite suite, double evalFraction, long seed) {
        return instances(suite, Task.TRAIN, evalFraction, seed);
    }

    /**
     * {@code round(evalFraction · n)} of the {@code n} examples of every task's {@code split} held out (at least
     * one and at most {@code n - 1} when {@code n >= 2}), chosen at random by (seed, task); stratified by label
     * for single-label classification tasks.
     */
    public static HeldOutSplit instances(TaskSuite suite, String split, double evalFraction, long seed) {
        if (!(evalFraction > 0 && evalFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + evalFraction);
        }
        var train = new ArrayList<Task>();
        var eval = new ArrayList<Task>();
        for (Task t : suite.tasks()) {
            List<Example> all = t.split(split);
            int n = all.size();
            int k = n < 2 ? 0 : (int) Math.max(1, Math.min(n - 1, Math.round(evalFraction * n)));
            var rng = Seeds.stream(seed, "held-out-instances:" + t.name());
            int[] order;
            if (t.kind() == TaskKind.CLASSIFICATION) {
                order = Stratify.order(BatchSampler.classIndices(t, all), rng);
            } else {
                order = new int[n];
                for (int i = 0; i < n; i++) order[i] = i;
                Seeds.shuffle(order, rng);
            }
            boolean[] isEval = new boolean[n];
            for (int i = 0; i < k; i++) isEval[order[i]] = true;
            var kept = new ArrayList<Example>(n - k);
            var held = new ArrayList<Example>(k);
            for (int i = 0; i < n; i++) (isEval[i] ? held : kept).add(all.get(i)); // file order preserved
            train.add(t.withSplits(Map.of(Task.TRAIN, kept)));
            eval.add(t.withSplits(Map.of(Task.TEST, held)));
        }
        return new HeldOutSplit(Level.INSTANCE, sub(suite, "train", train), sub(suite, "eval", eval), suite.names(),
                "held-out instances: " + evalFraction + " of split '" + split + "' of every task, seed " + seed);
    }

    @Override
    public String toString() {
        return level.id() + "-level split of " + (train.size() + (level == Level.INSTANCE ? 0 : eval.size()))
                + " tasks: " + train.size() + " train / " + eval.size() + " eval; " + description;
    }

    private static List<String> categoryNames(TaskSuite suite) {
        for (Task t : suite.tasks()) {
            if (t.category().isBlank()) {
                throw new IllegalArgumentException("task '" + t.name() + "' has no category; held-out category and task"
                        + " splits need every task of suite '" + suite.name() + "' to have one");
            }
        }
        return List.copyOf(suite.byCategory().keySet());
    }

    private static TaskSuite sub(TaskSuite suite, String part, List<Task> tasks) {
        return new TaskSuite(suite.name() + "/" + part, suite.description(), tasks);
    }
}
