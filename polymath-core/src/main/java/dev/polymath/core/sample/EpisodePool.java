package dev.polymath.core.sample;

import dev.polymath.core.util.Seeds;

import java.util.List;

/**
 * A fixed evaluation pool: episodes {@code 0..size-1} of a seeded {@link EpisodeSource}, materialized once.
 * Because every episode is a pure function of (seed, index), the pool is the same in every run and every
 * process; {@link #fingerprint()} makes that checkable in logs and run records.
 *
 * @param source what the episodes were drawn from ({@link EpisodeSource#describe()})
 */
public record EpisodePool(String source, List<Episode> episodes) {

    public EpisodePool {
        java.util.Objects.requireNonNull(source, "source");
        episodes = List.copyOf(episodes);
    }

    /** The first {@code size} episodes of {@code sampler} (meta-validation / meta-test typically use >= 600). */
    public static EpisodePool first(EpisodeSource sampler, int size) {
        return new EpisodePool(sampler.describe(), sampler.episodes(0, size));
    }

    public int size() {
        return episodes.size();
    }

    public Episode get(int i) {
        return episodes.get(i);
    }

    /** A 16-hex-digit digest of every episode (task, classes in order, support and query ids). */
    public String fingerprint() {
        long h = Seeds.mix(0L, "episode-pool");
        for (Episode e : episodes) h = e.digest(h);
        return String.format("%016x", h);
    }

    @Override
    public String toString() {
        return size() + " episodes (" + source + "), fingerprint " + fingerprint();
    }
}
