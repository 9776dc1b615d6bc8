package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.util.Seeds;

import java.util.List;
import java.util.Objects;

/**
 * One N-way K-shot episode.
 *
 * <p>Labels are remapped per episode: {@code classes} lists the chosen original class labels in a random
 * order, and every support and query item carries its <em>episode label</em>, the position of its class in
 * that list ({@code 0..ways-1}). The examples themselves are left untouched (their targets keep the original
 * label), so a learner that must not see original labels uses {@link EpisodeExample#label()} only, while
 * evaluation and logging can still name the real class via {@link #className(int)}.
 *
 * <p>Support and query lists are class-major by default (all items of episode label 0, then 1, ...), unless
 * the sampler was asked to shuffle them. No example is in both lists.
 *
 * @param task  name of the task the episode was drawn from
 * @param split split of that task
 * @param index position of the episode in its sampler's sequence
 */
public record Episode(String task, String split, long index, List<String> classes,
                      List<EpisodeExample> support, List<EpisodeExample> query) {

    public Episode {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(split, "split");
        classes = List.copyOf(classes);
        support = List.copyOf(support);
        query = List.copyOf(query);
    }

    public int ways() {
        return classes.size();
    }

    /** Original class label of an episode label. */
    public String className(int episodeLabel) {
        return classes.get(episodeLabel);
    }

    /** Episode label of an original class label, or -1 if the class is not in this episode. */
    public int episodeLabel(String originalClass) {
        return classes.indexOf(originalClass);
    }

    public int[] supportLabels() {
        return support.stream().mapToInt(EpisodeExample::label).toArray();
    }

    public int[] queryLabels() {
        return query.stream().mapToInt(EpisodeExample::label).toArray();
    }

    public List<Example> supportExamples() {
        return support.stream().map(EpisodeExample::example).toList();
    }

    public List<Example> queryExamples() {
        return query.stream().map(EpisodeExample::example).toList();
    }

    /**
     * The support set as examples whose target is the episode label written as a string ({@code "0"},
     * {@code "1"}, ...), for learners that only accept plain classification examples.
     */
    public List<Example> supportRelabelled() {
        return relabel(support);
    }

    /** Like {@link #supportRelabelled()} for the query set. */
    public List<Example> queryRelabelled() {
        return relabel(query);
    }

    /** The episode's label set as strings {@code "0".."ways-1"}, matching the relabelled examples. */
    public List<String> episodeLabelNames() {
        return java.util.stream.IntStream.range(0, ways()).mapToObj(Integer::toString).toList();
    }

    private static List<Example> relabel(List<EpisodeExample> items) {
        return items.stream()
                .map(i -> i.example().withTarget(new Target.Label(Integer.toString(i.label()))))
                .toList();
    }

    /** A stable 16-hex-digit digest of task, split, classes (in order) and support/query example ids. */
    public String fingerprint() {
        return String.format("%016x", digest(0L));
    }

    long digest(long h) {
        h = Seeds.mix(h, task);
        h = Seeds.mix(h, split);
        for (String c : classes) h = Seeds.mix(h, "c:" + c);
        for (EpisodeExample e : support) h = Seeds.mix(h, "s:" + e.label() + ":" + e.example().id());
        for (EpisodeExample e : query) h = Seeds.mix(h, "q:" + e.label() + ":" + e.example().id());
        return h;
    }

    @Override
    public String toString() {
        return "episode " + index + " of " + task + "/" + split + ": " + ways() + " classes " + classes + ", "
                + support.size() + " support, " + query.size() + " query";
    }
}
