package dev.polymath.core.sample;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A summary of a set of episodes, for the CLI and logs: how many, their shape, whether every episode is
 * balanced (exactly K support and Q query items for each of its classes, classes distinct, no example in both
 * sets), how evenly classes are used and how many distinct examples the episodes touch.
 *
 * @param episodes          number of episodes
 * @param shape             the common shape, or {@code null} when episodes differ
 * @param tasks             distinct tasks
 * @param balanced          every episode balanced as described above
 * @param classUses         class ({@code task/class} when several tasks) to the number of episodes using it
 * @param supportExamples   distinct examples seen in support sets (by task and id)
 * @param queryExamples     distinct examples seen in query sets
 */
public record EpisodeStats(int episodes, EpisodeSpec shape, int tasks, boolean balanced, Map<String, Integer> classUses,
                           int supportExamples, int queryExamples) {

    public EpisodeStats {
        classUses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(classUses));
    }

    public static EpisodeStats of(Collection<Episode> episodes) {
        EpisodeSpec common = null;
        boolean same = true;
        boolean balanced = true;
        var taskNames = new HashSet<String>();
        for (Episode e : episodes) taskNames.add(e.task());
        boolean multi = taskNames.size() > 1;
        var uses = new TreeMap<String, Integer>();
        var support = new HashSet<String>();
        var query = new HashSet<String>();
        for (Episode e : episodes) {
            int n = e.ways();
            int[] s = new int[n];
            int[] q = new int[n];
            boolean ok = new HashSet<>(e.classes()).size() == n;
            for (EpisodeExample x : e.support()) {
                if (x.label() >= n) ok = false; else s[x.label()]++;
                support.add(e.task() + "\u0000" + x.example().id());
            }
            var ids = new HashSet<String>();
            for (EpisodeExample x : e.support()) ids.add(x.example().id());
            for (EpisodeExample x : e.query()) {
                if (x.label() >= n) ok = false; else q[x.label()]++;
                if (ids.contains(x.example().id())) ok = false;
                query.add(e.task() + "\u0000" + x.example().id());
            }
            for (int i = 1; i < n; i++) if (s[i] != s[0] || q[i] != q[0]) ok = false;
            balanced &= ok && n > 0;
            if (n > 0 && s[0] > 0) {
                var shape = new EpisodeSpec(n, s[0], q[0]);
                if (common == null) common = shape; else if (!common.equals(shape)) same = false;
            } else {
                same = false;
            }
            for (String c : e.classes()) uses.merge(multi ? e.task() + "/" + c : c, 1, Integer::sum);
        }
        return new EpisodeStats(episodes.size(), same && balanced ? common : null, taskNames.size(), balanced, uses,
                support.size(), query.size());
    }

    public int classesUsed() {
        return classUses.size();
    }

    public int minClassUses() {
        return classUses.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    public int maxClassUses() {
        return classUses.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** A few lines for printing. */
    public String format() {
        return String.format(java.util.Locale.ROOT,
                "%d episodes, %s, %d task(s), %s%n  classes used: %d (each in %d..%d episodes)%n"
                        + "  distinct examples: %d in support sets, %d in query sets%n",
                episodes, shape == null ? "mixed shapes" : shape.toString(), tasks,
                balanced ? "all balanced" : "NOT all balanced", classesUsed(), minClassUses(), maxClassUses(),
                supportExamples, queryExamples);
    }

    @Override
    public String toString() {
        return format().strip();
    }
}
