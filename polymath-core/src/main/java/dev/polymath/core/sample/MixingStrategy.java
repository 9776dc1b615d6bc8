package dev.polymath.core.sample;

import java.util.Locale;

/**
 * How a multi-task mixture weighs tasks of sizes {@code n_t} (training examples). With cap {@code K}:
 * <ul>
 *   <li>{@link Proportional}: {@code p_t ∝ n_t};</li>
 *   <li>{@link ExamplesCapped}: {@code p_t ∝ min(n_t, K)} (T5's "examples-proportional mixing" with its
 *       artificial dataset-size limit K);</li>
 *   <li>{@link Temperature}: {@code p_t ∝ min(n_t, K)^(1/T)}. This is T5's temperature-scaled mixing: take the
 *       capped examples-proportional rates, raise each to the power 1/T and renormalize (the normalizer of the
 *       capped rates cancels). Without a cap ({@code K = ∞}), T = 1 is {@link Proportional}; T → ∞ (pass
 *       {@link Double#POSITIVE_INFINITY}) gives the uniform distribution over non-empty tasks;</li>
 *   <li>{@link Uniform}: {@code p_t = 1 / #tasks}.</li>
 * </ul>
 * Tasks with {@code n_t = 0} always get probability 0 (there is nothing to sample from them).
 *
 * <p>Text form (configs, {@link #parse}, {@link #toString}): {@code proportional}, {@code uniform},
 * {@code examples-capped:K}, {@code temperature:T} or {@code temperature:T:K}.
 */
public sealed interface MixingStrategy {

    /** Weight of a task of {@code size} examples before normalization; 0 for empty tasks. */
    double weight(long size);

    /** Normalized probabilities for the given task sizes; fails when every task is empty. */
    default double[] probabilities(long[] sizes) {
        double[] p = new double[sizes.length];
        double sum = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 0) throw new IllegalArgumentException("task size must be >= 0, got " + sizes[i]);
            p[i] = sizes[i] == 0 ? 0 : weight(sizes[i]);
            sum += p[i];
        }
        if (!(sum > 0)) throw new IllegalArgumentException("cannot mix tasks that are all empty");
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    record Proportional() implements MixingStrategy {
        public double weight(long size) { return size; }
        @Override public String toString() { return "proportional"; }
    }

    record ExamplesCapped(long cap) implements MixingStrategy {
        public ExamplesCapped {
            if (cap < 1) throw new IllegalArgumentException("examples cap must be >= 1, got " + cap);
        }
        public double weight(long size) { return Math.min(size, cap); }
        @Override public String toString() { return "examples-capped:" + cap; }
    }

    /** @param cap size limit K applied before the temperature; {@code Long.MAX_VALUE} for none */
    record Temperature(double temperature, long cap) implements MixingStrategy {
        public Temperature {
            if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
            if (cap < 1) throw new IllegalArgumentException("examples cap must be >= 1, got " + cap);
        }
        public double weight(long size) {
            if (size == 0) return 0;
            if (Double.isInfinite(temperature)) return 1;
            return Math.pow(Math.min(size, cap), 1.0 / temperature);
        }
        @Override public String toString() {
            String t = temperature == Math.rint(temperature) && !Double.isInfinite(temperature)
                    ? Long.toString((long) temperature) : Double.toString(temperature);
            return "temperature:" + t + (cap == Long.MAX_VALUE ? "" : ":" + cap);
        }
    }

    record Uniform() implements MixingStrategy {
        public double weight(long size) { return 1; }
        @Override public String toString() { return "uniform"; }
    }

    static MixingStrategy proportional() { return new Proportional(); }
    static MixingStrategy uniform() { return new Uniform(); }
    static MixingStrategy examplesCapped(long cap) { return new ExamplesCapped(cap); }
    static MixingStrategy temperature(double t) { return new Temperature(t, Long.MAX_VALUE); }
    static MixingStrategy temperature(double t, long cap) { return new Temperature(t, cap); }

    /** Parses the text form given in the class comment. */
    static MixingStrategy parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            switch (parts[0]) {
                case "proportional": if (parts.length == 1) return proportional(); break;
                case "uniform": if (parts.length == 1) return uniform(); break;
                case "examples-capped": if (parts.length == 2) return examplesCapped(Long.parseLong(parts[1])); break;
                case "temperature":
                    if (parts.length == 2) return temperature(parseTemperature(parts[1]));
                    if (parts.length == 3) return temperature(parseTemperature(parts[1]), Long.parseLong(parts[2]));
                    break;
                default: break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in mixing strategy '" + text + "'", e);
        }
        throw new IllegalArgumentException("unknown mixing strategy '" + text
                + "'; expected proportional, uniform, examples-capped:K, temperature:T or temperature:T:K");
    }

    private static double parseTemperature(String s) {
        return s.equals("inf") || s.equals("infinity") ? Double.POSITIVE_INFINITY : Double.parseDouble(s);
    }
}
