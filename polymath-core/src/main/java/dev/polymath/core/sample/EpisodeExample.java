package dev.polymath.core.sample;

import dev.polymath.core.task.Example;

/**
 * An example inside an {@link Episode}: the untouched original example (its target still names the original
 * class) and its episode label, an index {@code 0..ways-1} into {@link Episode#classes()}.
 */
public record EpisodeExample(Example example, int label) {

    public EpisodeExample {
        java.util.Objects.requireNonNull(example, "example");
        if (label < 0) throw new IllegalArgumentException("episode label must be >= 0, got " + label);
    }

    /** The class label the example carries in its task. */
    public String originalLabel() {
        return example.label();
    }
}
