package dev.polymath.icl.select;

import dev.polymath.core.task.Example;

import java.util.List;

/**
 * Chooses demonstrations for one query. Every selector excludes the evaluated example itself (same task and id,
 * or the very same input text) and is deterministic for a given seed. The result is in the selector's order of
 * preference (most relevant first); {@link PromptPacker} decides the order they appear in the prompt.
 */
public interface DemoSelector {

    String name();

    /**
     * @param task  name of the evaluated task
     * @param query the evaluated example
     * @param pool  candidate demonstrations of the same task (its few-shot split)
     * @param k     how many to choose (fewer when the pool is smaller)
     * @param seed  run seed
     */
    List<Demo> select(String task, Example query, List<Example> pool, int k, long seed);

    /** Whether {@code candidate} is the evaluated example itself. */
    static boolean isQuery(String task, Example query, String candidateTask, Example candidate) {
        if (task.equals(candidateTask) && candidate.id().equals(query.id())) return true;
        return !query.texts().isEmpty() && !candidate.texts().isEmpty() && query.text().equals(candidate.text());
    }
}
