package dev.polymath.core.sample;

/**
 * A seeded, random-access sequence of episodes: {@code episode(i)} is a pure function of the source's
 * configuration, its seed and {@code i}, so any episode can be recomputed alone and pools stay stable.
 */
public interface EpisodeSource {

    Episode episode(long index);

    /** One line saying what the source draws (task or suite, split, episode shape, seed). */
    String describe();

    /** Episodes {@code from .. from+count-1}. */
    default java.util.List<Episode> episodes(long from, int count) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        var out = new java.util.ArrayList<Episode>(count);
        for (int i = 0; i < count; i++) out.add(episode(from + i));
        return java.util.List.copyOf(out);
    }

    /** Episodes 0, 1, 2, ... (infinite; use {@code limit}). */
    default java.util.stream.Stream<Episode> stream() {
        return java.util.stream.LongStream.iterate(0, i -> i + 1).mapToObj(this::episode);
    }
}
