package dev.polymath.text.merging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Learned merging methods by name (the names {@code polymath merge learn --method} accepts). */
public final class LearnedMergeMethods {
    private LearnedMergeMethods() {}

    private static final Map<String, LearnedMergeMethod> METHODS = new LinkedHashMap<>();

    static {
        for (LearnedMergeMethod m : List.of(new AdaMerging(false), new AdaMerging(true), new ConcreteSubspace(),
                new BackdoorAwareMasks(), new SelfPositioning())) {
            METHODS.put(m.name(), m);
        }
    }

    public static List<String> names() { return List.copyOf(METHODS.keySet()); }

    public static LearnedMergeMethod get(String name) {
        LearnedMergeMethod m = METHODS.get(name);
        if (m == null) throw new IllegalArgumentException("unknown learned merging method '" + name + "' (known: " + String.join(", ", METHODS.keySet()) + ")");
        return m;
    }
}
