package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * TweetEval: 7 tweet classification tasks, the stance task split into its 5 targets, 11 tasks in all:
 * {@code tweeteval/emoji}, {@code emotion}, {@code hate}, {@code irony}, {@code offensive}, {@code sentiment},
 * {@code tweeteval/stance/{abortion,atheism,climate,feminist,hillary}} (category = the task family).
 *
 * <p>Each task folder holds {@code {train,val,test}_text.txt} (plain or {@code .gz}), aligned
 * {@code {split}_labels.txt} (integer ids) and {@code mapping.txt} ({@code id<TAB>name}; stance has one shared
 * {@code stance/mapping.txt}). Labels are the mapping's names in id order; for emoji, whose mapping lines are
 * {@code id<TAB>emoji<TAB>_name_}, the label is the name without the surrounding underscores
 * (e.g. {@code red_heart}). Splits missing from the data (sentiment has no train here) are left out.
 *
 * <p>Metrics, the primary one first, are TweetEval's official ones: macro-F1 for emoji, emotion, hate and
 * offensive; F1 of the ironic class ({@code f1[irony]}) for irony; macro-averaged recall for sentiment;
 * the mean of the F1 of favor and against ({@code mean-f1[favor,against]}) for stance. Accuracy is reported second.
 */
public final class TweetEvalLoader {
    private TweetEvalLoader() {}

    public static final String NAME = "tweeteval";
    public static final List<String> TASKS = List.of("emoji", "emotion", "hate", "irony", "offensive", "sentiment");
    public static final List<String> STANCE_TARGETS = List.of("abortion", "atheism", "climate", "feminist", "hillary");

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    public static TaskSuite load(Path dir) {
        var tasks = new ArrayList<Task>();
        for (String t : TASKS) {
            Path d = dir.resolve(t);
            if (!Files.isDirectory(d)) throw new MissingDataException("TweetEval task folder not found: " + d);
            tasks.add(task(NAME + "/" + t, t, d, mapping(DataFiles.require(d.resolve("mapping.txt")))));
        }
        Path stance = dir.resolve("stance");
        List<String> stanceLabels = mapping(DataFiles.require(stance.resolve("mapping.txt")));
        for (String target : STANCE_TARGETS) {
            Path d = stance.resolve(target);
            if (!Files.isDirectory(d)) throw new MissingDataException("TweetEval stance folder not found: " + d);
            tasks.add(task(NAME + "/stance/" + target, "stance", d, stanceLabels));
        }
        return new TaskSuite(NAME, "TweetEval: emoji, emotion, hate, irony, offensive, sentiment and stance"
                + " (5 targets) tweet classification", tasks);
    }

    /** Label names in id order; ids must be 0..n-1. */
    static List<String> mapping(Path file) {
        var names = new ArrayList<String>();
        DataFiles.forEachLine(file, (line, text) -> {
            if (text.isBlank()) return;
            String[] f = text.split("\t");
            if (f.length < 2) throw new DataFormatException(file, line, "label_name", "expected 'id<TAB>name'");
            int id;
            try {
                id = Integer.parseInt(f[0].strip());
            } catch (NumberFormatException e) {
                throw new DataFormatException(file, line, "label_id", "not an integer: '" + f[0] + "'");
            }
            if (id != names.size()) {
                throw new DataFormatException(file, line, "label_id", "expected id " + names.size() + ", got " + id);
            }
            String name = f.length >= 3 && !f[2].isBlank() ? f[2].strip() : f[1].strip();
            if (name.length() > 2 && name.startsWith("_") && name.endsWith("_")) name = name.substring(1, name.length() - 1);
            if (name.isEmpty()) throw new DataFormatException(file, line, "label_name", "empty");
            names.add(name);
        });
        return names;
    }

    static List<MetricSpec> metrics(String family) {
        return switch (family) {
            case "irony" -> List.of(MetricSpec.higher("f1[irony]"), MetricSpec.higher("accuracy"));
            case "sentiment" -> List.of(MetricSpec.higher("macro-recall"), MetricSpec.higher("accuracy"));
            case "stance" -> List.of(MetricSpec.higher("mean-f1[favor,against]"), MetricSpec.higher("accuracy"));
            default -> List.of(MetricSpec.higher("macro-f1"), MetricSpec.higher("accuracy"));
        };
    }

    static String instruction(String family) {
        return switch (family) {
            case "emoji" -> "Predict the emoji that goes with the tweet (20 emojis).";
            case "emotion" -> "Classify the emotion the tweet expresses: anger, joy, optimism or sadness.";
            case "hate" -> "Decide whether the tweet is hateful towards immigrants or women.";
            case "irony" -> "Decide whether the tweet is ironic.";
            case "offensive" -> "Decide whether the tweet is offensive.";
            case "sentiment" -> "Classify the sentiment of the tweet: negative, neutral or positive.";
            default -> "Classify the tweet's stance towards the target: none, against or favor.";
        };
    }

    static Task task(String name, String family, Path dir, List<String> labels) {
        var b = Task.builder(name, TaskKind.CLASSIFICATION).labels(labels).category(family)
                .instruction(family.equals("stance")
                        ? instruction(family).replace("the target", "'" + dir.getFileName() + "'")
                        : instruction(family))
                .metrics(metrics(family));
        String[][] splits = {{"train", Task.TRAIN}, {"val", Task.VALIDATION}, {"test", Task.TEST}};
        for (String[] s : splits) {
            Path text = DataFiles.existing(dir.resolve(s[0] + "_text.txt"));
            Path lab = DataFiles.existing(dir.resolve(s[0] + "_labels.txt"));
            if (text == null && lab == null) continue;
            if (text == null) throw new MissingDataException("missing " + dir.resolve(s[0] + "_text.txt") + " for " + lab);
            if (lab == null) throw new MissingDataException("missing " + dir.resolve(s[0] + "_labels.txt") + " for " + text);
            b.split(s[1], read(text, lab, s[1], labels));
        }
        return b.build();
    }

    static List<Example> read(Path textFile, Path labelFile, String split, List<String> labels) {
        List<String> texts = DataFiles.lines(textFile);
        var out = new ArrayList<Example>(texts.size());
        DataFiles.forEachLine(labelFile, (line, text) -> {
            if (line > texts.size()) {
                throw new DataFormatException(labelFile, line, "label", "more labels than texts ("
                        + textFile.getFileName() + " has " + texts.size() + " lines)");
            }
            int id;
            try {
                id = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new DataFormatException(labelFile, line, "label", "not an integer label id: '" + text + "'");
            }
            if (id < 0 || id >= labels.size()) {
                throw new DataFormatException(labelFile, line, "label", "label id " + id + " outside 0.." + (labels.size() - 1));
            }
            out.add(Example.classification(split + ":" + out.size(), texts.get((int) line - 1), labels.get(id)));
        });
        if (out.size() != texts.size()) {
            throw new DataFormatException(labelFile, out.size() + 1L, "label", "fewer labels than texts ("
                    + textFile.getFileName() + " has " + texts.size() + " lines, " + labelFile.getFileName()
                    + " has " + out.size() + ")");
        }
        return out;
    }
}
