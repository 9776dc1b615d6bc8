package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Summary statistics of a task's splits, for {@code polymath datasets stats} and reports. */
public final class DatasetStats {
    private DatasetStats() {}

    /** min / mean / median / max of a sample (all 0 when empty). */
    public record Summary(double min, double mean, double median, double max) {
        public static Summary of(double[] xs) {
            if (xs.length == 0) return new Summary(0, 0, 0, 0);
            double[] s = xs.clone();
            Arrays.sort(s);
            double sum = 0;
            for (double x : s) sum += x;
            int n = s.length;
            double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            return new Summary(s[0], sum / n, median, s[n - 1]);
        }
    }

    /**
     * Statistics of one split.
     *
     * @param classCounts examples per class (labels of the task first, in label order, then unseen labels;
     *                    tags count tokens; choices count answers by option); empty for regression and generation
     * @param perClass    min/mean/median/max of {@code classCounts} over the task's classes (including zeros)
     * @param tokens      whitespace tokens per example (all text inputs), or null for dense inputs
     * @param target      the score range for regression, else null
     */
    public record SplitStats(String task, String split, int size, Map<String, Integer> classCounts, Summary perClass,
                             Summary tokens, Summary target) {}

    public static List<SplitStats> of(Task task) {
        var out = new ArrayList<SplitStats>();
        for (String split : task.splits().keySet()) out.add(of(task, split));
        return out;
    }

    public static SplitStats of(Task task, String split) {
        List<Example> examples = task.split(split);
        var counts = new LinkedHashMap<String, Integer>();
        boolean counted = false;
        boolean hasText = false;
        double[] tokens = new double[examples.size()];
        var scores = new ArrayList<Double>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            int tok = 0;
            for (String t : e.texts()) tok += countTokens(t);
            tokens[i] = tok;
            hasText |= !e.texts().isEmpty();
            switch (e.target()) {
                case Target.Label l -> { counted = true; counts.merge(l.label(), 1, Integer::sum); }
                case Target.Labels l -> { counted = true; l.labels().forEach(x -> counts.merge(x, 1, Integer::sum)); }
                case Target.Tags t -> { counted = true; t.tags().forEach(x -> counts.merge(x, 1, Integer::sum)); }
                case Target.Choice c -> {
                    counted = true;
                    String key = c.index() < task.labels().size() ? task.labels().get(c.index()) : String.valueOf(c.index());
                    counts.merge(key, 1, Integer::sum);
                }
                case Target.Score s -> scores.add(s.value());
                case null, default -> { }
            }
        }
        Map<String, Integer> ordered = new LinkedHashMap<>();
        Summary perClass = null;
        if (counted) {
            for (String l : task.labels()) ordered.put(l, counts.getOrDefault(l, 0));
            counts.forEach(ordered::putIfAbsent);
            perClass = Summary.of(ordered.values().stream().mapToDouble(Integer::doubleValue).toArray());
        }
        Summary target = scores.isEmpty() ? null : Summary.of(scores.stream().mapToDouble(Double::doubleValue).toArray());
        return new SplitStats(task.name(), split, examples.size(), ordered, perClass,
                hasText ? Summary.of(tokens) : null, target);
    }

    static int countTokens(String s) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            boolean ws = Character.isWhitespace(s.charAt(i));
            if (!ws && !in) n++;
            in = !ws;
        }
        return n;
    }
}
