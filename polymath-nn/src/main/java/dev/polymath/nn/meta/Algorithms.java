package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The meta-learning algorithms by name. */
public final class Algorithms {
    private Algorithms() {}

    @FunctionalInterface
    public interface Factory {
        MetaAlgorithm create(Learner learner, MetaConfig config, NDManager manager);
    }

    private static final Map<String, Factory> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        add("protonet", ProtoNet::new, "prototypical networks: class-mean embeddings, distance logits");
        add("maml-fo", FoMaml::new, "first-order MAML (inner gradient treated as a constant); the default");
        add("maml", Maml::new, "second-order MAML: differentiates through the inner steps (autograd, create_graph)");
        add("reptile", Reptile::new, "Reptile: move towards the mean adapted parameters");
        add("anil", Anil::new, "ANIL: inner loop adapts the head only");
        add("meta-sgd", MetaSgd::new, "Meta-SGD: learned per-parameter inner step sizes");
    }

    private static void add(String name, Factory f, String description) {
        BY_NAME.put(name, f);
        DESCRIPTIONS.put(name, description);
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static String description(String name) {
        return DESCRIPTIONS.get(name);
    }

    public static MetaAlgorithm create(String name, Learner learner, MetaConfig config, NDManager manager) {
        Factory f = BY_NAME.get(name);
        if (f == null) throw new IllegalArgumentException("unknown meta-learning algorithm '" + name + "'; known: " + String.join(", ", BY_NAME.keySet()));
        return f.create(learner, config, manager);
    }
}
