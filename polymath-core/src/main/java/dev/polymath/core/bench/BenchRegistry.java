package dev.polymath.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Benchmarks by name, so that {@code polymath bench <name>} can run any of them. */
public final class BenchRegistry {
    private final Map<String, Benchmark> byName = new LinkedHashMap<>();

    public BenchRegistry register(Benchmark b) {
        if (byName.putIfAbsent(b.name(), b) != null) throw new IllegalArgumentException("duplicate benchmark " + b.name());
        return this;
    }

    public Benchmark get(String name) {
        Benchmark b = byName.get(name);
        if (b == null) {
            throw new IllegalArgumentException("unknown benchmark '" + name + "'; known: " + String.join(", ", byName.keySet()));
        }
        return b;
    }

    public List<Benchmark> all() {
        return List.copyOf(byName.values());
    }
}
