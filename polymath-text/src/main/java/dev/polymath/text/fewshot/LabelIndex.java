package dev.polymath.text.fewshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one immutable label index shared by fitting, {@code predict} and {@code predictProba}. Labels are kept
 * in sorted order, so the order in which a support set lists its labels can never change a prediction.
 */
public final class LabelIndex {
    private final List<String> labels;
    private final Map<String, Integer> index = new HashMap<>();

    private LabelIndex(List<String> sorted) {
        this.labels = List.copyOf(sorted);
        for (int i = 0; i < labels.size(); i++) index.put(labels.get(i), i);
    }

    /** The distinct labels of {@code labels}, sorted. */
    public static LabelIndex of(List<String> labels) {
        var set = new TreeSet<String>();
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            if (l == null || l.isBlank()) throw new IllegalArgumentException("label " + i + " of the support set is empty");
            set.add(l);
        }
        return new LabelIndex(new ArrayList<>(set));
    }

    public int size() {
        return labels.size();
    }

    public String label(int i) {
        return labels.get(i);
    }

    public List<String> labels() {
        return labels;
    }

    /** Index of a label; a label that was never fitted is an error naming it. */
    public int indexOf(String label) {
        Integer i = index.get(label);
        if (i == null) {
            throw new IllegalArgumentException("label '" + label + "' was not in the support set this classifier was fitted on ("
                    + labels.size() + " labels)");
        }
        return i;
    }

    public int[] indicesOf(List<String> ls) {
        int[] out = new int[ls.size()];
        for (int i = 0; i < out.length; i++) out[i] = indexOf(ls.get(i));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelIndex other && other.labels.equals(labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }
}
