package dev.polymath.nn.mtl.data;

import dev.polymath.core.task.Task;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Examples with one dense input and one class label per task, read in batches straight into a native tensor's
 * memory. Every task is a classification task here; {@link #tasks()} carries names, label sets and metrics.
 */
public interface MtlDataset {
    /** Name of the split, e.g. {@code train}. */
    String split();

    int size();

    /** Per-example input shape, e.g. {@code [1, 36, 36]}. */
    long[] inputShape();

    /**
     * The tasks, each with this split's examples holding the gold labels in dataset order (inputs are not
     * repeated there; they come from {@link #fillInputs}).
     */
    List<Task> tasks();

    /** Writes the inputs of {@code indices} (row-major, one example after another) into {@code dst} from its position. */
    void fillInputs(int[] indices, int count, FloatBuffer dst);

    /** Class index of example {@code index} for task {@code task}. */
    int label(int task, int index);

    default long inputSize() {
        long n = 1;
        for (long d : inputShape()) n *= d;
        return n;
    }
}
