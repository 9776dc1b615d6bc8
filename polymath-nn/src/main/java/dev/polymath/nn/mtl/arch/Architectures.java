package dev.polymath.nn.mtl.arch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Architectures by name. */
public final class Architectures {
    private static final Map<String, Architecture> BY_NAME = new LinkedHashMap<>();

    static {
        register(new Hps());
        register(new Mmoe());
        register(new Cgc());
        register(new Ple());
        register(new DSelectK());
        register(new SparseMoe());
        register(new CrossStitch());
        register(new Dtrn());
    }

    private Architectures() {}

    public static synchronized void register(Architecture a) {
        if (BY_NAME.putIfAbsent(a.name(), a) != null) throw new IllegalArgumentException("duplicate architecture " + a.name());
    }

    public static synchronized Architecture get(String name) {
        Architecture a = BY_NAME.get(name);
        if (a == null) throw new IllegalArgumentException("unknown architecture '" + name + "'; known: " + String.join(", ", BY_NAME.keySet()));
        return a;
    }

    public static synchronized List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
