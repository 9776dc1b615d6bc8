package dev.polymath.core.sample;

/**
 * Shape of an N-way K-shot episode: {@code ways} classes, {@code shots} support examples and
 * {@code queries} query examples per class.
 */
public record EpisodeSpec(int ways, int shots, int queries) {

    public EpisodeSpec {
        if (ways < 1) throw new IllegalArgumentException("ways must be >= 1, got " + ways);
        if (shots < 1) throw new IllegalArgumentException("shots must be >= 1, got " + shots);
        if (queries < 0) throw new IllegalArgumentException("queries must be >= 0, got " + queries);
    }

    public static EpisodeSpec of(int ways, int shots, int queries) {
        return new EpisodeSpec(ways, shots, queries);
    }

    /** Examples needed from every chosen class. */
    public int perClass() {
        return shots + queries;
    }

    @Override
    public String toString() {
        return ways + "-way " + shots + "-shot " + queries + "-query";
    }
}
