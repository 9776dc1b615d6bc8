package dev.polymath.core.task;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One labelled (or unlabelled) instance. Text inputs live in {@code texts} (one text, or a pair for
 * sentence-pair tasks); dense inputs (image pixels, precomputed embeddings) in {@code features}.
 *
 * @param id       stable identifier within its task and split (e.g. {@code "train:17"}), used by samplers,
 *                 run records and demonstration logs
 * @param texts    text inputs; for tagging, one text whose whitespace tokens align with the tags
 * @param features dense input or {@code null}
 * @param choices  options of a multiple-choice question, empty otherwise
 * @param target   gold answer, or {@code null} for unlabelled examples
 * @param meta     free-form provenance (source file, domain, ...)
 */
public record Example(String id, List<String> texts, float[] features, List<String> choices, Target target,
                      Map<String, String> meta) {

    public Example {
        Objects.requireNonNull(id, "id");
        texts = List.copyOf(texts);
        choices = List.copyOf(choices);
        meta = Map.copyOf(meta);
    }

    public static Example classification(String id, String text, String label) {
        return new Example(id, List.of(text), null, List.of(), new Target.Label(label), Map.of());
    }

    public static Example pair(String id, String a, String b, double score) {
        return new Example(id, List.of(a, b), null, List.of(), new Target.Score(score), Map.of());
    }

    public static Example tagging(String id, List<String> tokens, List<String> tags) {
        if (tokens.size() != tags.size()) {
            throw new IllegalArgumentException("example " + id + ": " + tokens.size() + " tokens but "
                    + tags.size() + " tags");
        }
        return new Example(id, List.of(String.join(" ", tokens)), null, List.of(), new Target.Tags(tags), Map.of());
    }

    public static Example multipleChoice(String id, String question, List<String> choices, int answer) {
        if (answer >= choices.size()) {
            throw new IllegalArgumentException("example " + id + ": answer " + answer + " but only "
                    + choices.size() + " choices");
        }
        return new Example(id, List.of(question), null, choices, new Target.Choice(answer), Map.of());
    }

    public static Example generation(String id, String input, List<String> references) {
        return new Example(id, List.of(input), null, List.of(), new Target.Text(references), Map.of());
    }

    public static Example dense(String id, float[] features, String label) {
        return new Example(id, List.of(), features, List.of(), new Target.Label(label), Map.of());
    }

    /** The first text input; most tasks have exactly one. */
    public String text() {
        if (texts.isEmpty()) throw new IllegalStateException("example " + id + " has no text input");
        return texts.get(0);
    }

    /** Class label of a classification example. */
    public String label() {
        if (target instanceof Target.Label l) return l.label();
        throw new IllegalStateException("example " + id + " has no single class label (target: " + target + ")");
    }

    public Example withMeta(Map<String, String> extra) {
        var merged = new java.util.HashMap<>(meta);
        merged.putAll(extra);
        return new Example(id, texts, features, choices, target, merged);
    }

    public Example withTarget(Target newTarget) {
        return new Example(id, texts, features, choices, newTarget, meta);
    }
}
