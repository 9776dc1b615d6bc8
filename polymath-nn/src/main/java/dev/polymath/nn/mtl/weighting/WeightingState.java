package dev.polymath.nn.mtl.weighting;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers for {@link Weighting#state()}: reading named arrays back with clear errors. */
final class WeightingState {
    private WeightingState() {}

    static double[] get(String method, Map<String, double[]> state, String key, int length) {
        double[] v = state.get(key);
        if (v == null) throw new IllegalArgumentException(method + " state has no '" + key + "' (it has " + state.keySet() + ")");
        if (length >= 0 && v.length != length) {
            throw new IllegalArgumentException(method + " state '" + key + "' has " + v.length + " values, expected " + length);
        }
        return v.clone();
    }

    /** {@code state} with every key prefixed (for wrappers holding several methods). */
    static Map<String, double[]> prefixed(String prefix, Map<String, double[]> state) {
        var out = new LinkedHashMap<String, double[]>();
        state.forEach((k, v) -> out.put(prefix + k, v.clone()));
        return out;
    }

    /** The entries under {@code prefix}, with the prefix removed. */
    static Map<String, double[]> under(String prefix, Map<String, double[]> state) {
        var out = new LinkedHashMap<String, double[]>();
        state.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    static double[] scalar(double v) {
        return new double[] {v};
    }

    static double[] copy(double[] v) {
        return v == null ? null : Arrays.copyOf(v, v.length);
    }
}
