package dev.polymath.core.sample;

import dev.polymath.core.task.Task;

/**
 * One task chosen by a {@link TaskSampler}.
 *
 * @param index position in the sampler's sequence
 * @param task  the chosen task
 * @param seed  a seed derived from (sampler seed, index) for whatever is done with this draw (a k-shot
 *              subsample, an adaptation run), so that it too is reproducible
 */
public record TaskDraw(long index, Task task, long seed) {
    public TaskDraw {
        java.util.Objects.requireNonNull(task, "task");
    }
}
