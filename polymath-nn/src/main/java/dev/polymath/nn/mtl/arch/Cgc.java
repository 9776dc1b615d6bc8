package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;

import java.util.Set;

/**
 * Customized Gate Control (Tang et al., RecSys 2020), the single-level form of {@link Ple}: shared experts and
 * task-specific experts (each a copy of the whole backbone), and per task a softmax gate over its own and the
 * shared experts, read from the flattened input; task t's head reads the gated mixture. Task t's experts,
 * gate and head are task t's parameters; the shared representation is the shared experts' outputs side by
 * side ({@code [B, shared-experts * width]}). Options: {@code shared-experts} (default 2), {@code task-experts}
 * (default 1).
 */
public final class Cgc implements Architecture {
    @Override
    public String name() {
        return "cgc";
    }

    @Override
    public String description() {
        return "customized gate control: shared and task-specific experts, a softmax gate per task";
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), Set.of("shared-experts", "task-experts"));
        return Ple.Net.create(name(), spec, manager, 1);
    }
}
