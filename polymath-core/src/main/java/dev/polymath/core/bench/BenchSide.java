package dev.polymath.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one side (Polymath or the peer) measured, with the settings it ran under. */
public record BenchSide(String who, Map<String, Object> settings, List<Figure> figures) {
    public BenchSide {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        figures = List.copyOf(figures);
    }

    public Figure figure(String name) {
        for (Figure f : figures) if (f.name().equals(name)) return f;
        return null;
    }
}
