package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;

import java.util.Map;

/**
 * A source of meta-learning tasks: meta-training batches, and fixed pools of held-out validation and test
 * tasks. Everything is a function of the seed and an index, so runs are reproducible.
 */
public interface MetaTasks {
    String name();

    /** Meta-training batch number {@code index} of {@code tasks} tasks. */
    TaskBatch train(NDManager manager, long index, int tasks);

    /** Held-out tasks {@code from .. from+count-1} of split {@code "validation"} or {@code "test"}. */
    TaskBatch heldOut(NDManager manager, String split, int from, int count);

    /** The learner this benchmark uses for an algorithm (ProtoNet gets an embedding network). */
    Learner learner(String algorithm);

    /** The settings, for run records. */
    Map<String, Object> describe();
}
