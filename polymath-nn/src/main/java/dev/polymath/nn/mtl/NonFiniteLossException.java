package dev.polymath.nn.mtl;

import java.util.Arrays;

/** A task loss became NaN or infinite: training stops, naming the step, the task and the last finite losses. */
public final class NonFiniteLossException extends RuntimeException {
    private final long step;
    private final int task;
    private final double[] losses;
    private final double[] lastFinite;

    public NonFiniteLossException(long step, int task, String taskName, double[] losses, double[] lastFinite) {
        super("loss of task " + taskName + " is " + losses[task] + " at step " + step + " (losses this step "
                + Arrays.toString(losses) + "; last finite losses " + (lastFinite == null ? "none (first step)" : Arrays.toString(lastFinite))
                + "); lower the learning rate or check the data");
        this.step = step;
        this.task = task;
        this.losses = losses.clone();
        this.lastFinite = lastFinite == null ? null : lastFinite.clone();
    }

    public long step() { return step; }
    public int task() { return task; }
    public double[] losses() { return losses.clone(); }
    public double[] lastFinite() { return lastFinite == null ? null : lastFinite.clone(); }
}
