package dev.polymath.icl.learner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The in-context learners by name. {@code kernel-vote} is built in; modules that own a trained learner (e.g. a
 * meta-trained transformer in {@code polymath-nn}) register theirs with {@link #register} before use.
 */
public final class InContextLearners {
    private InContextLearners() {}

    private static final Map<String, Supplier<InContextLearner>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(KernelVoteLearner.NAME, KernelVoteLearner::new);
    }

    public static synchronized void register(String name, Supplier<InContextLearner> factory) {
        REGISTRY.put(name, factory);
    }

    public static synchronized List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static synchronized InContextLearner create(String name) {
        var f = REGISTRY.get(name);
        if (f == null) throw new IllegalArgumentException("unknown in-context learner '" + name + "'; known: " + String.join(", ", REGISTRY.keySet()));
        return f.get();
    }
}
