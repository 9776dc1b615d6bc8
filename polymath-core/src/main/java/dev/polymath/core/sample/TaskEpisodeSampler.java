package dev.polymath.core.sample;

import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task-level episodes: episode {@code i} first chooses a task of a suite (uniformly, or in rounds, see
 * {@link TaskSampler}), then draws an N-way K-shot episode within that task's split. It is a pure function of
 * (seed, i): the task choice uses a stream derived from (seed, "task-choice"), the episode the per-task
 * {@link EpisodeSampler} seeded from (seed, task name).
 *
 * <p>Tasks that cannot yield episodes (not single-label classification, too few classes, a class with too few
 * examples) fail the build with the per-task reason, unless {@link Builder#skipIneligibleTasks} leaves them
 * out; the reasons are then kept in {@link #skippedTasks()}.
 */
public final class TaskEpisodeSampler implements EpisodeSource {

    private final String suiteName;
    private final String split;
    private final EpisodeSpec spec;
    private final long seed;
    private final List<EpisodeSampler> samplers;
    private final TaskSampler chooser;
    private final Map<String, String> skipped;

    private TaskEpisodeSampler(Builder b) {
        this.suiteName = b.suite.name();
        this.split = b.split;
        this.spec = b.spec;
        this.seed = b.seed;
        for (String name : b.classes.keySet()) b.suite.task(name); // an unknown task name fails here
        var ok = new ArrayList<EpisodeSampler>();
        var bad = new LinkedHashMap<String, String>();
        for (Task t : b.suite.tasks()) {
            try {
                var eb = EpisodeSampler.over(t).split(split).spec(spec).seed(Seeds.mix(seed, "task:" + t.name()))
                        .skipSmallClasses(b.skipSmall).shuffleOrder(b.shuffleOrder);
                Collection<String> only = b.classes.get(t.name());
                if (only != null) eb.classes(only);
                ok.add(eb.build());
            } catch (IllegalArgumentException e) {
                if (!b.skipIneligible) throw e;
                bad.put(t.name(), e.getMessage());
            }
        }
        if (ok.isEmpty()) {
            throw new IllegalArgumentException("no task of suite '" + suiteName + "' can yield " + spec
                    + " episodes from split '" + split + "': " + bad);
        }
        this.samplers = List.copyOf(ok);
        this.skipped = java.util.Collections.unmodifiableMap(bad);
        List<Task> tasks = samplers.stream().map(EpisodeSampler::task).toList();
        long chooserSeed = Seeds.mix(seed, "task-choice");
        this.chooser = b.cycling ? TaskSampler.cycling(tasks, chooserSeed) : TaskSampler.uniform(tasks, chooserSeed);
    }

    public static Builder over(TaskSuite suite) {
        return new Builder(suite);
    }

    @Override
    public Episode episode(long index) {
        return samplers.get(chooser.pick(index)).episode(index);
    }

    /** Tasks episodes are drawn from. */
    public List<String> tasks() {
        return samplers.stream().map(s -> s.task().name()).toList();
    }

    /** Task name to the reason it was left out (only with {@link Builder#skipIneligibleTasks}). */
    public Map<String, String> skippedTasks() {
        return skipped;
    }

    public EpisodeSpec spec() { return spec; }
    public long seed() { return seed; }

    @Override
    public String describe() {
        return spec + " episodes over " + samplers.size() + " tasks of " + suiteName + "/" + split
                + (skipped.isEmpty() ? "" : " (" + skipped.size() + " tasks left out)") + ", seed " + seed;
    }

    @Override
    public String toString() {
        return describe();
    }

    public static final class Builder {
        private final TaskSuite suite;
        private String split = Task.TRAIN;
        private EpisodeSpec spec = EpisodeSpec.of(5, 1, 15);
        private long seed;
        private boolean cycling;
        private boolean skipSmall;
        private boolean skipIneligible;
        private boolean shuffleOrder;
        private final Map<String, Collection<String>> classes = new LinkedHashMap<>();

        private Builder(TaskSuite suite) {
            this.suite = java.util.Objects.requireNonNull(suite, "suite");
        }

        public Builder split(String split) { this.split = split; return this; }
        public Builder spec(EpisodeSpec spec) { this.spec = spec; return this; }
        public Builder shape(int ways, int shots, int queries) { this.spec = EpisodeSpec.of(ways, shots, queries); return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }

        /** Choose tasks in shuffled rounds (each task once per round) instead of independently. */
        public Builder cycleTasks(boolean cycle) { this.cycling = cycle; return this; }

        /** Restrict one task's episodes to a class subset. */
        public Builder classes(String task, Collection<String> allowed) { classes.put(task, List.copyOf(allowed)); return this; }

        public Builder skipSmallClasses(boolean skip) { this.skipSmall = skip; return this; }
        public Builder skipIneligibleTasks(boolean skip) { this.skipIneligible = skip; return this; }
        public Builder shuffleOrder(boolean shuffle) { this.shuffleOrder = shuffle; return this; }

        public TaskEpisodeSampler build() {
            return new TaskEpisodeSampler(this);
        }
    }
}
