package dev.polymath.text.data;

import dev.polymath.core.data.DataFormatException;
import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.data.MissingDataException;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text views the encoder tools need, taken from the core dataset catalog (one parser per format lives
 * there): labelled texts of a classification task, sentence pairs with scores, and plain text lists from a
 * {@code dataset[/task]:split} reference or a file with one text per line.
 */
public final class TextDatasets {
    private TextDatasets() {}

    /** Labeled texts; {@code labels[i]} indexes {@code labelNames} (the task's label order). */
    public record Labeled(List<String> texts, int[] labels, List<String> labelNames) {
        public int size() { return texts.size(); }
    }

    /** Sentence pairs with a gold similarity score. */
    public record Pairs(List<String> first, List<String> second, double[] scores) {
        public int size() { return first.size(); }
    }

    /** A classification task's split as labelled texts, labels indexed in the task's label order. */
    public static Labeled labeled(Task task, String split) {
        var texts = new ArrayList<String>();
        var examples = task.split(split);
        int[] labels = new int[examples.size()];
        for (int i = 0; i < labels.length; i++) {
            Example e = examples.get(i);
            texts.add(e.text());
            labels[i] = task.labelIndex(e.label());
        }
        return new Labeled(List.copyOf(texts), labels, task.labels());
    }

    /** BANKING77 {@code train} or {@code test} (labels in {@code categories.json} order). */
    public static Labeled banking77(String split) {
        return labeled(DatasetCatalog.load("banking77").tasks().get(0), split);
    }

    /** STS Benchmark {@code train}, {@code validation} or {@code test}. */
    public static Pairs stsb(String split) {
        Task t = DatasetCatalog.load("stsb").tasks().get(0);
        var a = new ArrayList<String>();
        var b = new ArrayList<String>();
        var examples = t.split(split);
        double[] scores = new double[examples.size()];
        for (int i = 0; i < scores.length; i++) {
            Example e = examples.get(i);
            a.add(e.texts().get(0));
            b.add(e.texts().get(1));
            scores[i] = ((Target.Score) e.target()).value();
        }
        return new Pairs(List.copyOf(a), List.copyOf(b), scores);
    }

    /**
     * Texts named by {@code spec}: a catalog reference such as {@code banking77:test} or
     * {@code clinc150/intent:train} (every text input of every example, in order; for sentence pairs both
     * sentences, first then second), or a file with one text per line (UTF-8; blank lines are an error, since
     * every line becomes one output row).
     */
    public static List<String> texts(String spec) {
        Path file = Path.of(spec);
        if (Files.isRegularFile(file)) return lines(file);
        if (!spec.contains(":")) {
            throw new MissingDataException("input '" + spec + "' is neither a file nor a dataset:split reference"
                    + " (e.g. banking77:test); known datasets: " + String.join(", ", DatasetCatalog.names()));
        }
        TaskSuite suite = DatasetCatalog.resolve(spec);
        var out = new ArrayList<String>();
        for (Task t : suite.tasks()) {
            for (var examples : t.splits().values()) {
                if (t.kind() == TaskKind.REGRESSION && !examples.isEmpty() && examples.get(0).texts().size() == 2) {
                    for (Example e : examples) out.add(e.texts().get(0));
                    for (Example e : examples) out.add(e.texts().get(1));
                } else {
                    for (Example e : examples) out.addAll(e.texts());
                }
            }
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            if (s.startsWith("\uFEFF")) s = s.substring(1);
            List<String> lines = new ArrayList<>(List.of(s.split("\r?\n", -1)));
            if (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) throw new DataFormatException(file, i + 1, "", "blank line; every line is one text to encode");
            }
            return lines;
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataFormatException(file, 0, "", "not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
