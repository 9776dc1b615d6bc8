package dev.polymath.text.bert;

import java.util.EnumSet;
import java.util.Set;

/**
 * Low-rank adapters: each target projection computes {@code W x + b + (alpha/rank) B A x} with {@code A} [rank, in]
 * drawn uniformly from ±1/sqrt(in) (seeded) and {@code B} [out, rank] zero, so that an adapted model equals the
 * base model until it is trained.
 */
public record LoraConfig(int rank, double alpha, Set<Target> targets, long seed) {

    /** The projections of an encoder layer that can carry an adapter. */
    public enum Target {
        QUERY("attention.self.query"), KEY("attention.self.key"), VALUE("attention.self.value"),
        ATTENTION_OUTPUT("attention.output.dense"), INTERMEDIATE("intermediate.dense"), OUTPUT("output.dense");

        private final String module;

        Target(String module) { this.module = module; }

        /** The module name inside {@code encoder.layer.<i>.}. */
        public String module() { return module; }
    }

    public LoraConfig {
        if (rank < 1) throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        if (!(alpha > 0)) throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
        if (targets == null || targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target projection");
        targets = Set.copyOf(targets);
    }

    /** Rank {@code rank}, alpha = 2 x rank, on every attention and feed-forward projection. */
    public static LoraConfig all(int rank, long seed) {
        return new LoraConfig(rank, 2.0 * rank, EnumSet.allOf(Target.class), seed);
    }

    /** Rank {@code rank}, alpha = 2 x rank, on query/key/value/attention-output only. */
    public static LoraConfig attention(int rank, long seed) {
        return new LoraConfig(rank, 2.0 * rank, EnumSet.of(Target.QUERY, Target.KEY, Target.VALUE, Target.ATTENTION_OUTPUT), seed);
    }

    public double scale() {
        return alpha / rank;
    }
}
