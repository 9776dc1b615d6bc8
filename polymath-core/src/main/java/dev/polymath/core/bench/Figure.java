package dev.polymath.core.bench;

import java.util.Objects;

/** One measured quantity with its unit and direction, e.g. {@code steps/s} (higher is better) or {@code s}. */
public record Figure(String name, double value, String unit, boolean higherIsBetter) {
    public Figure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
    }

    public static Figure rate(String name, double value, String unit) {
        return new Figure(name, value, unit, true);
    }

    public static Figure cost(String name, double value, String unit) {
        return new Figure(name, value, unit, false);
    }
}
