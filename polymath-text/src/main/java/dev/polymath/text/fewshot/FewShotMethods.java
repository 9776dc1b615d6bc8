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
        METHODS.put("meta", MetaMethod::new);
    }

    /**
     * {@code setfit} fine-tunes the encoder itself, so it is not a {@link FewShotMethod} over frozen embeddings:
     * it is run by {@link SetFit#fit} (the CLI and {@link FewShotEvaluation} do so when it is named).
     */
    public static final String SETFIT = "setfit";

    /** Every method name, {@link #SETFIT} last. */
    public static List<String> names() {
        var out = new java.util.ArrayList<>(METHODS.keySet());
        out.add(SETFIT);
        return List.copyOf(out);
    }

    public static boolean isSetFit(String name) {
        return SETFIT.equals(name);
    }

    /** Fails on an unknown name (without building anything). */
    public static void check(String name) {
        if (!isSetFit(name)) get(name);
    }

    public static FewShotMethod get(String name) {
        if (isSetFit(name)) {
            throw new IllegalArgumentException("'setfit' fine-tunes the encoder and has no frozen-embedding head of its own; "
                    + "run it with SetFit.fit on a trainable encoder (polymath fewshot fit/eval do)");
        }
        var s = METHODS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown few-shot method '" + name + "'; known: " + String.join(", ", names()));
        }
        return s.get();
    }
}
