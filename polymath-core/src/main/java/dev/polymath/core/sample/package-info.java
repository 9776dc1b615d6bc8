/**
 * Samplers: everything that decides which examples, classes and tasks a learner sees.
 *
 * <ul>
 *   <li>{@link dev.polymath.core.sample.BatchSampler}: mini-batches per epoch (sequential, shuffled,
 *       stratified, class-balanced; drop-last).</li>
 *   <li>{@link dev.polymath.core.sample.EpisodeSampler} / {@link dev.polymath.core.sample.TaskEpisodeSampler}:
 *       N-way K-shot episodes within one task, or over the tasks of a suite, with random access
 *       ({@code episode(i)}); {@link dev.polymath.core.sample.EpisodePool} and
 *       {@link dev.polymath.core.sample.TaskPool} freeze the first M for evaluation.</li>
 *   <li>{@link dev.polymath.core.sample.ClassSplit}: meta-train / meta-validation / meta-test classes.</li>
 *   <li>{@link dev.polymath.core.sample.TaskMixture} with a {@link dev.polymath.core.sample.MixingStrategy}:
 *       multi-task mixing (proportional, examples-capped, temperature, uniform).</li>
 *   <li>{@link dev.polymath.core.sample.HeldOutSplit}: held-out categories, tasks or instances.</li>
 *   <li>{@link dev.polymath.core.sample.EpisodeStats}: printable summaries.</li>
 * </ul>
 *
 * <p>Reproducibility: every sampler takes a seed and derives its random numbers from
 * {@link dev.polymath.core.util.Seeds} streams keyed by (seed, purpose, index), never from shared mutable
 * state. The same seed gives the same output on every run, whatever other samplers did before, and random
 * access ({@code episode(i)}, {@code order(epoch)}, {@code taskAt(step)}) does not depend on earlier calls.
 * The only sequential object is the iterator of {@link dev.polymath.core.sample.TaskMixture#picks()}, which is
 * itself deterministic from its start.
 */
package dev.polymath.core.sample;
