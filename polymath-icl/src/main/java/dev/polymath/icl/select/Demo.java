package dev.polymath.icl.select;

import dev.polymath.core.task.Example;

/**
 * A chosen demonstration.
 *
 * @param task    the task it comes from (differs from the evaluated task for {@code cross-task})
 * @param example the demonstration
 * @param score   the selector's relevance score (cosine, BM25, MMR objective), or NaN when it does not score
 * @param rank    0-based position in the selector's own order (0 = chosen first / most relevant)
 */
public record Demo(String task, Example example, double score, int rank) {}
