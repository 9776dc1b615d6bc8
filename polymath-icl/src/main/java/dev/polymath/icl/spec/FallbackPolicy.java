package dev.polymath.icl.spec;

/**
 * What an answer that does not parse counts as. Reported with every run (policy name and how many answers
 * needed it), because it moves accuracy.
 */
public enum FallbackPolicy {
    /** Wrong. */
    COUNT_AS_WRONG("count-as-wrong"),
    /**
     * MMLU-Pro's scoring ({@code save_res} in {@code evaluate_from_local.py}): {@code random.seed(12345)} then
     * {@code random.randint(0, len(options) - 1)}, compared with the gold index. The seed is reset for every
     * unparsed answer, so the guess is a fixed option per option count (3 = "D" for 4 options, 6 = "G" for 10).
     */
    RANDOM_SEEDED("random-seeded");

    public static final long MMLU_PRO_SEED = 12345L;

    private final String id;

    FallbackPolicy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The guessed option index for a question with {@code options} options ({@code -1} for {@link #COUNT_AS_WRONG}). */
    public int guess(int options) {
        if (this == COUNT_AS_WRONG || options < 1) return -1;
        return new PythonRandom(MMLU_PRO_SEED).randint(0, options - 1);
    }

    public static FallbackPolicy parse(String s) {
        for (FallbackPolicy p : values()) if (p.id.equals(s)) return p;
        throw new IllegalArgumentException("unknown fallback '" + s + "' (known: count-as-wrong, random-seeded)");
    }
}
