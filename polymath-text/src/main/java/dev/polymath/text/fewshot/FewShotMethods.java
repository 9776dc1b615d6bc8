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
        if (name != null && name.startsWith(SelfTrainMethod.NAME + ":")) {
            // selftrain over another base: the base names any registered supervised method
            String base = name.substring(SelfTrainMethod.NAME.length() + 1);
            if (base.equals(SelfTrainMethod.NAME) || base.startsWith(SelfTrainMethod.NAME + ":")) {
                throw new IllegalArgumentException("'" + name + "': selftrain cannot be its own base");
            }
            var b = get(base);
            if (b.zeroShot() || b.usesPool() || b.name().equals("meta")) {
                throw new IllegalArgumentException("'" + name + "': selftrain needs a supervised base method without a pool of its own "
                        + "(prototype, logistic), got " + base);
            }
            return new SelfTrainMethod(b, 0.5, 1);
        }
        var s = METHODS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown few-shot method '" + name + "'; known: " + String.join(", ", names()));
        }
        return s.get();
    }
}
