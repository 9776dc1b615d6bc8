package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * N-way K-shot episodes over the classes of one split of one classification task.
 *
 * <p>Episode {@code i} is drawn from its own random stream, derived from (seed, i) only: choose {@code ways}
 * distinct classes among the eligible ones (their random order is the episode's label permutation), then
 * {@code shots + queries} distinct examples of each chosen class, the first {@code shots} for support and the
 * rest for query.
 *
 * <p>Eligible classes are the task's labels, in label-set order, that have at least one example in the split,
 * or exactly the given class subset ({@link Builder#classes}) for meta-train/validation/test class splits.
 * Every problem is reported when the sampler is built: an eligible class with fewer than
 * {@code shots + queries} examples (unless {@link Builder#skipSmallClasses} leaves such classes out), and
 * fewer eligible classes than {@code ways}.
 */
public final class EpisodeSampler implements EpisodeSource {

    private final Task task;
    private final String split;
    private final EpisodeSpec spec;
    private final long seed;
    private final boolean shuffleOrder;
    private final List<String> classes;
    private final List<List<Example>> examplesOf;
    private final List<String> skipped;

    private EpisodeSampler(Builder b) {
        this.task = b.task;
        this.split = b.split;
        this.spec = b.spec;
        this.seed = b.seed;
        this.shuffleOrder = b.shuffleOrder;
        if (task.kind() != TaskKind.CLASSIFICATION) {
            throw new IllegalArgumentException("episodes need a single-label classification task; task '"
                    + task.name() + "' is " + task.kind().id());
        }
        Map<String, List<Example>> byLabel = task.byLabel(split);
        List<String> candidates;
        if (b.restriction != null) {
            for (String c : b.restriction) task.labelIndex(c); // unknown class: error naming the task
            candidates = task.labels().stream().filter(b.restriction::contains).toList();
        } else {
            candidates = byLabel.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        }
        var kept = new ArrayList<String>();
        var small = new ArrayList<String>();
        for (String c : candidates) {
            int have = byLabel.getOrDefault(c, List.of()).size();
            if (have >= spec.perClass()) {
                kept.add(c);
            } else if (b.skipSmall) {
                small.add(c);
            } else {
                throw new IllegalArgumentException(tooFewExamples(task.name(), split, c, spec, have));
            }
        }
        if (kept.size() < spec.ways()) {
            var msg = new StringBuilder().append(spec.ways()).append("-way episodes need ").append(spec.ways())
                    .append(" classes; task '").append(task.name()).append("' has ").append(kept.size())
                    .append(" in split '").append(split).append('\'');
            if (b.restriction != null) msg.append(" among the ").append(b.restriction.size()).append(" allowed classes");
            if (!small.isEmpty()) {
                String largest = small.stream().max(java.util.Comparator.comparingInt(c -> byLabel.getOrDefault(c, List.of()).size())).orElseThrow();
                int most = byLabel.getOrDefault(largest, List.of()).size();
                msg.append(" with at least ").append(spec.perClass()).append(" examples (").append(small.size())
                        .append(" smaller classes left out; the largest, '").append(largest).append("', has ").append(most)
                        .append(", and ").append(spec.shots()).append("-shot + ").append(spec.queries()).append("-query episodes need ")
                        .append(spec.perClass()).append(" per class)");
            }
            throw new IllegalArgumentException(msg.toString());
        }
        this.classes = List.copyOf(kept);
        this.examplesOf = kept.stream().map(c -> List.copyOf(byLabel.get(c))).toList();
        this.skipped = List.copyOf(small);
    }

    static String tooFewExamples(String task, String split, String cls, EpisodeSpec spec, int have) {
        String want = spec.queries() == 0 ? spec.shots() + "-shot examples"
                : spec.shots() + "-shot + " + spec.queries() + "-query examples";
        return "cannot draw " + want + " from class '" + cls + "' of task '" + task + "': it has " + have
                + " example" + (have == 1 ? "" : "s") + " in split '" + split + "'";
    }

    public static Builder over(Task task) {
        return new Builder(task);
    }

    @Override
    public Episode episode(long index) {
        if (index < 0) throw new IllegalArgumentException("episode index must be >= 0, got " + index);
        return draw(index, Seeds.stream(Seeds.mix(seed, index), "episode"));
    }

    Episode draw(long index, SplittableRandom rng) {
        int[] chosen = Seeds.sampleWithoutReplacement(classes.size(), spec.ways(), rng);
        var names = new ArrayList<String>(spec.ways());
        var support = new ArrayList<EpisodeExample>(spec.ways() * spec.shots());
        var query = new ArrayList<EpisodeExample>(spec.ways() * spec.queries());
        for (int label = 0; label < chosen.length; label++) {
            names.add(classes.get(chosen[label]));
            List<Example> pool = examplesOf.get(chosen[label]);
            int[] picks = Seeds.sampleWithoutReplacement(pool.size(), spec.perClass(), rng);
            for (int j = 0; j < picks.length; j++) {
                var item = new EpisodeExample(pool.get(picks[j]), label);
                (j < spec.shots() ? support : query).add(item);
            }
        }
        if (shuffleOrder) {
            Seeds.shuffle(support, rng);
            Seeds.shuffle(query, rng);
        }
        return new Episode(task.name(), split, index, names, support, query);
    }

    public Task task() { return task; }
    public String split() { return split; }
    public EpisodeSpec spec() { return spec; }
    public long seed() { return seed; }

    /** Classes episodes are drawn from, in label-set order. */
    public List<String> eligibleClasses() { return classes; }

    /** Classes left out by {@link Builder#skipSmallClasses} for having too few examples. */
    public List<String> skippedClasses() { return skipped; }

    @Override
    public String describe() {
        return spec + " episodes from " + task.name() + "/" + split + " (" + classes.size() + " classes"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " too small left out") + "), seed " + seed;
    }

    @Override
    public String toString() {
        return describe();
    }

    public static final class Builder {
        private final Task task;
        private String split = Task.TRAIN;
        private EpisodeSpec spec = EpisodeSpec.of(5, 1, 15);
        private long seed;
        private boolean shuffleOrder;
        private boolean skipSmall;
        private LinkedHashSet<String> restriction;

        private Builder(Task task) {
            this.task = java.util.Objects.requireNonNull(task, "task");
        }

        public Builder split(String split) { this.split = split; return this; }
        public Builder spec(EpisodeSpec spec) { this.spec = spec; return this; }
        public Builder shape(int ways, int shots, int queries) { this.spec = EpisodeSpec.of(ways, shots, queries); return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }

        /** Sample only among these classes (e.g. the meta-train part of a {@link ClassSplit}). */
        public Builder classes(Collection<String> classes) {
            this.restriction = new LinkedHashSet<>(classes);
            return this;
        }

        /** Leave out classes with fewer than {@code shots + queries} examples instead of failing. */
        public Builder skipSmallClasses(boolean skip) { this.skipSmall = skip; return this; }

        /** Shuffle support and query lists instead of keeping them class-major. */
        public Builder shuffleOrder(boolean shuffle) { this.shuffleOrder = shuffle; return this; }

        public EpisodeSampler build() {
            return new EpisodeSampler(this);
        }
    }
}
