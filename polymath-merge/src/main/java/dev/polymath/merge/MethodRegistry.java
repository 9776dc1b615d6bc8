package dev.polymath.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merge methods by mergekit name. */
public final class MethodRegistry {
    private MethodRegistry() {}

    private static final Map<String, MergeMethod> METHODS = new LinkedHashMap<>();

    static {
        for (MergeMethod m : List.of(new LinearMerge(), new GeneralizedTaskArithmetic.TaskArithmetic(), new GeneralizedTaskArithmetic.Ties(),
                new GeneralizedTaskArithmetic.DareLinear(), new GeneralizedTaskArithmetic.DareTies(),
                new GeneralizedTaskArithmetic.Breadcrumbs(), new GeneralizedTaskArithmetic.BreadcrumbsTies(),
                new ModelStockMerge(), new SlerpMerge(), new GlobalTies(), new MaskedTaskArithmetic())) {
            METHODS.put(m.name(), m);
        }
    }

    public static List<String> names() { return List.copyOf(METHODS.keySet()); }

    public static MergeMethod get(String name) {
        MergeMethod m = METHODS.get(name);
        if (m == null) throw new IllegalArgumentException("unknown merge_method '" + name + "' (known: " + String.join(", ", METHODS.keySet()) + ")");
        return m;
    }
}
