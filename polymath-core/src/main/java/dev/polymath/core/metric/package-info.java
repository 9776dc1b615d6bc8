/**
 * Evaluation metrics with their direction, and the aggregate scores multi-task, merging and meta-learning
 * papers report.
 *
 * <ul>
 *   <li>{@link dev.polymath.core.metric.Metric} and its typed sub-interfaces; inputs are
 *       {@link dev.polymath.core.metric.Predictions}. Values are fractions, not percentages.</li>
 *   <li>{@link dev.polymath.core.metric.MetricRegistry} maps names ({@code accuracy}, {@code f1[irony]},
 *       {@code ndcg@10}, ...) and a task's {@link dev.polymath.core.task.MetricSpec}s to metrics.</li>
 *   <li>{@link dev.polymath.core.metric.TaskEvaluator} scores a task's predicted targets with all of its metrics.</li>
 *   <li>{@link dev.polymath.core.metric.DeltaM} (LibMTL's Δm%), {@link dev.polymath.core.metric.NormalizedAccuracy}
 *       (merged / individually fine-tuned) and {@link dev.polymath.core.metric.MeanCi} (mean ± 95% CI, Student t
 *       or 1.96) aggregate results across tasks, seeds or episodes.</li>
 * </ul>
 */
package dev.polymath.core.metric;
