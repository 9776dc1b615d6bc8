package dev.polymath.text.merging;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;
import dev.polymath.text.encoder.TextTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A classification task's splits as token ids and class indices (labels in the task's order), truncated to
 * {@code maxLength} tokens. Subsets are drawn with a seeded shuffle so reruns see the same examples.
 */
public record TaskData(Task task, Split train, Split validation, Split test) {

    /** Token rows, class indices and the texts they came from. */
    public record Split(List<String> texts, long[][] rows, int[] labels) {
        public int size() { return labels.length; }
    }

    public static TaskData of(Task task, TextTokenizer tokenizer, int maxLength, int maxTrain, int maxTest, long seed) {
        return new TaskData(task, split(task, Task.TRAIN, tokenizer, maxLength, maxTrain, seed, UnaryOperator.identity()),
                split(task, Task.VALIDATION, tokenizer, maxLength, Integer.MAX_VALUE, seed, UnaryOperator.identity()),
                split(task, Task.TEST, tokenizer, maxLength, maxTest, seed, UnaryOperator.identity()));
    }

    static Split split(Task task, String name, TextTokenizer tokenizer, int maxLength, int max, long seed, UnaryOperator<String> edit) {
        List<Example> all = task.split(name);
        int[] idx = new int[all.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        if (max < idx.length) {
            Seeds.shuffle(idx, Seeds.stream(seed, "merge-experiment/" + task.name() + "/" + name));
            idx = java.util.Arrays.copyOf(idx, max);
            java.util.Arrays.sort(idx);
        }
        var texts = new ArrayList<String>();
        int[] labels = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            Example e = all.get(idx[i]);
            texts.add(edit.apply(e.text()));
            labels[i] = task.labelIndex(e.label());
        }
        return tokenize(texts, labels, tokenizer, maxLength);
    }

    static Split tokenize(List<String> texts, int[] labels, TextTokenizer tokenizer, int maxLength) {
        return new Split(List.copyOf(texts), tokenizer.encode(texts, maxLength).ids(), labels);
    }

    /** The first {@code perClass} examples of each class of {@code s} (a small labelled set). */
    public static Split perClass(Split s, int classes, int perClass) {
        int[] seen = new int[classes];
        var texts = new ArrayList<String>();
        var rows = new ArrayList<long[]>();
        var labels = new ArrayList<Integer>();
        for (int i = 0; i < s.size(); i++) {
            int y = s.labels()[i];
            if (seen[y]++ >= perClass) continue;
            texts.add(s.texts().get(i));
            rows.add(s.rows()[i]);
            labels.add(y);
        }
        return new Split(texts, rows.toArray(long[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
    }
}
