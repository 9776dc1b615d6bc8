package dev.polymath.text.merging;

/** A learned merging method: learns coefficients and/or masks over a {@link MergeSpace}; polymath-merge applies them. */
public interface LearnedMergeMethod {
    String name();

    String reference();

    /** Whether the method needs the labelled sets of the problem (Self Positioning) rather than unlabelled inputs only. */
    default boolean needsLabels() { return false; }

    /** The method's default settings (learning rates differ between Adam and SGD methods). */
    default LearnOptions defaults() { return LearnOptions.defaults(); }

    /** Learns; reports progress (one tick per step) under the method's name. */
    LearnedMerge learn(MergeProblem problem, LearnOptions options);
}
