package dev.polymath.core.sample;

import dev.polymath.core.util.Seeds;

import java.util.List;

/**
 * A fixed pool of task draws: draws {@code 0..size-1} of a seeded {@link TaskSampler}, materialized once, the
 * same in every run (e.g. which held-out tasks, in which order and with which per-draw seeds, a few-shot
 * adaptation benchmark runs over).
 *
 * @param source what the tasks were drawn from
 */
public record TaskPool(String source, List<TaskDraw> draws) {

    public TaskPool {
        java.util.Objects.requireNonNull(source, "source");
        draws = List.copyOf(draws);
    }

    public static TaskPool first(TaskSampler sampler, int size) {
        return new TaskPool(sampler.toString(), sampler.draws(0, size));
    }

    public int size() {
        return draws.size();
    }

    public TaskDraw get(int i) {
        return draws.get(i);
    }

    /** Names of the drawn tasks, in draw order (with repeats). */
    public List<String> taskNames() {
        return draws.stream().map(d -> d.task().name()).toList();
    }

    public String fingerprint() {
        long h = Seeds.mix(0L, "task-pool");
        for (TaskDraw d : draws) h = Seeds.mix(Seeds.mix(h, d.task().name()), d.seed());
        return String.format("%016x", h);
    }

    @Override
    public String toString() {
        return size() + " task draws (" + source + "), fingerprint " + fingerprint();
    }
}
