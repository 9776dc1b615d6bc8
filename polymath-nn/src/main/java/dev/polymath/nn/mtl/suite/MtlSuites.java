package dev.polymath.nn.mtl.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The multi-task suites by name: {@code multi-fashion}, {@code tweeteval}, {@code clinc150-domains}. */
public final class MtlSuites {
    private static final Map<String, MtlSuite> BY_NAME = new LinkedHashMap<>();

    static {
        register(new MultiFashionSuite());
        register(new TweetEvalSuite());
        register(new Clinc150DomainsSuite());
    }

    private MtlSuites() {}

    public static synchronized void register(MtlSuite s) {
        if (BY_NAME.putIfAbsent(s.name(), s) != null) throw new IllegalArgumentException("duplicate suite " + s.name());
    }

    public static synchronized MtlSuite get(String name) {
        MtlSuite s = BY_NAME.get(name);
        if (s == null) throw new IllegalArgumentException("unknown suite '" + name + "'; known: " + String.join(", ", BY_NAME.keySet()));
        return s;
    }

    public static synchronized List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
