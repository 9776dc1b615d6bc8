package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;

import java.util.Set;

/**
 * A multi-task architecture: how a backbone and task-specific parts are wired (hard parameter sharing,
 * MMoE, CGC/PLE, DSelect-k, sparse MoE, cross-stitch, DTRN, ...). Registered in {@link Architectures}.
 */
public interface Architecture {
    /** Registry name, e.g. {@code hps}, {@code mmoe}. */
    String name();

    /** One-line description. */
    String description();

    /** The option keys {@link #build} accepts ({@code experts}, {@code k}, ...); any other key is refused. */
    Set<String> options();

    /** Builds a network whose parameters live under {@code manager}. */
    MtlNet build(NetSpec spec, NDManager manager);
}
