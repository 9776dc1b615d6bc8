package dev.polymath.icl.spec;

import java.util.Locale;

/** How a task asks the model, as lm-evaluation-harness's {@code output_type}. */
public enum OutputType {
    /** Score one target continuation; the metric {@code acc} is whether it is the greedy continuation. */
    LOGLIKELIHOOD,
    /** Score each choice as a continuation; predict the most likely ({@code acc}) or per-character most likely ({@code acc_norm}). */
    MULTIPLE_CHOICE,
    /** Generate until a stop sequence, extract the answer, compare ({@code exact_match}). */
    GENERATE_UNTIL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutputType parse(String s) {
        for (OutputType t : values()) if (t.id().equals(s)) return t;
        throw new IllegalArgumentException("unknown output_type '" + s + "' (known: loglikelihood, multiple_choice, generate_until)");
    }
}
