package dev.polymath.merge;

import java.util.List;
import java.util.Map;

/** A merge method: its mergekit name, typed parameters with mergekit's defaults, and per-tensor jobs. */
public interface MergeMethod {
    String name();

    String reference();

    /** Whether a {@code base_model} is required (task-vector methods, SLERP, Model Stock). */
    boolean requiresBase();

    /** Whether models listed under {@code models} that are the base model are treated as the base (mergekit does so for task-vector methods). */
    default boolean baseIsSeparate() { return true; }

    /** Minimum number of non-base models. */
    default int minModels() { return 1; }

    /** Maximum number of non-base models. */
    default int maxModels() { return Integer.MAX_VALUE; }

    List<ParamDef> params();

    /** The semantic choices in effect (recorded in the output config), given global parameters resolved at t = 0. */
    Map<String, String> modes(Map<String, Object> global);

    /**
     * Model-wide passes run before any tensor (global top-k); returns the state handed to every tensor job.
     * State that is {@link java.io.Closeable} (an opened mask file) is closed by the engine when the merge ends.
     */
    default Object prepare(ModelScan scan) { return null; }

    TensorJob job(TensorContext ctx);

    /** Runs passes over every chunk of every merged tensor (for model-wide statistics). */
    interface ModelScan {
        /** Runs a pass over all tensors; chunks carry their tensor's context. */
        void run(Pass<?> pass);

        long totalElements();

        /** Global parameters and per-model parameters resolved without a tensor name (t = 0). */
        TensorContext modelContext();

        /** The folder relative paths in the config are resolved against (the config file's folder). */
        java.nio.file.Path configDir();
    }
}
