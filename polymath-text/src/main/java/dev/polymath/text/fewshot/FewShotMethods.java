package dev.polymath.text.fewshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Few-shot methods by name, so that the CLI and configs can name any of them. */
public final class FewShotMethods {
    private FewShotMethods() {}

    private static final Map<String, Supplier<FewShotMethod>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("prototype", PrototypeMethod::new);
        METHODS.put("logistic", LogisticMethod::new);
        METHODS.put("zeroshot", ZeroShotMethod::new);
        METHODS.put("raml", RamlMethod::new);
        METHODS.put("selftrain", SelfTrainMethod::new);
    }

    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }

    public static FewShotMethod get(String name) {
        var s = METHODS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown few-shot method '" + name + "'; known: " + String.join(", ", METHODS.keySet()));
        }
        return s.get();
    }
}
