package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;

/** Step {@code step} of a {@link TaskMixture} stream: a task and one of its examples. */
public record MixturePick(long step, Task task, Example example) {
    public MixturePick {
        java.util.Objects.requireNonNull(task, "task");
        java.util.Objects.requireNonNull(example, "example");
    }
}
