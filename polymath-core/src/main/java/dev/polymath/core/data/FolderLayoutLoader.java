package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The plain-text "folder layout" that SNIPS and the DNNC few-shot splits ship, for users' own data too:
 * a root folder with one sub-folder per split, each holding aligned files {@code seq.in} (one utterance per
 * line, whitespace-tokenised), {@code label} (one class per line) and optionally {@code seq.out} (one BIO
 * tag per token). Files may be gzip-compressed ({@code seq.in.gz}).
 *
 * <p>Split folder names map to split names: {@code train} → train, {@code valid}/{@code val}/{@code dev}/
 * {@code validation} → validation, {@code test} → test; any other folder (e.g. {@code train_5}) keeps its
 * name. Labels are sorted alphabetically; slot tags are sorted with {@code O} first.
 */
public final class FolderLayoutLoader {
    private FolderLayoutLoader() {}

    public static final String SEQ_IN = "seq.in";
    public static final String SEQ_OUT = "seq.out";
    public static final String LABEL = "label";

    /** One aligned row: 1-based line number, utterance, label, tags (null without seq.out). */
    public record Row(long line, String text, String label, List<String> tags) {}

    /** True when {@code dir} holds {@code seq.in} and {@code label} (plain or .gz). */
    public static boolean isSplitFolder(Path dir) {
        return Files.isDirectory(dir) && DataFiles.exists(dir.resolve(SEQ_IN)) && DataFiles.exists(dir.resolve(LABEL));
    }

    /** Split name for a folder name. */
    public static String splitName(String folder) {
        return switch (folder) {
            case "train" -> Task.TRAIN;
            case "valid", "val", "dev", "validation" -> Task.VALIDATION;
            case "test" -> Task.TEST;
            default -> folder;
        };
    }

    /**
     * Reads the aligned files of one split folder. Differing line counts, empty labels and token/tag count
     * mismatches are {@link DataFormatException}s naming the file, line and field.
     */
    public static List<Row> readRows(Path dir, boolean withTags) {
        Path in = DataFiles.require(dir.resolve(SEQ_IN));
        Path lab = DataFiles.require(dir.resolve(LABEL));
        List<String> texts = DataFiles.lines(in);
        List<String> labels = DataFiles.lines(lab);
        if (texts.size() != labels.size()) {
            Path shorter = texts.size() < labels.size() ? in : lab;
            throw new DataFormatException(shorter, Math.min(texts.size(), labels.size()) + 1L,
                    shorter == in ? SEQ_IN : LABEL, "line counts differ: " + in.getFileName() + " has "
                    + texts.size() + " lines but " + lab.getFileName() + " has " + labels.size());
        }
        List<String> tagLines = null;
        Path out = null;
        if (withTags) {
            out = DataFiles.require(dir.resolve(SEQ_OUT));
            tagLines = DataFiles.lines(out);
            if (tagLines.size() != texts.size()) {
                throw new DataFormatException(out, Math.min(texts.size(), tagLines.size()) + 1L, SEQ_OUT,
                        "line counts differ: " + in.getFileName() + " has " + texts.size() + " lines but "
                                + out.getFileName() + " has " + tagLines.size());
            }
        }
        var rows = new ArrayList<Row>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            long line = i + 1L;
            String label = labels.get(i).strip();
            if (label.isEmpty()) throw new DataFormatException(lab, line, LABEL, "empty label");
            String text = texts.get(i).strip();
            List<String> tags = null;
            if (tagLines != null) {
                List<String> tokens = tokens(text);
                tags = tokens(tagLines.get(i));
                if (tokens.size() != tags.size()) {
                    throw new DataFormatException(out, line, SEQ_OUT, tokens.size() + " tokens in "
                            + in.getFileName() + " but " + tags.size() + " tags");
                }
            }
            rows.add(new Row(line, text, label, tags));
        }
        return rows;
    }

    static List<String> tokens(String s) {
        String t = s.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }

    /** Classification examples of one split folder; ids are {@code split:index}. */
    public static List<Example> readIntents(Path dir, String split) {
        var rows = readRows(dir, false);
        var out = new ArrayList<Example>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(Example.classification(split + ":" + i, rows.get(i).text(), rows.get(i).label()));
        }
        return out;
    }

    /** Tagging examples (tokens of seq.in with the tags of seq.out) of one split folder. */
    public static List<Example> readSlots(Path dir, String split) {
        var rows = readRows(dir, true);
        var out = new ArrayList<Example>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.add(Example.tagging(split + ":" + i, tokens(r.text()), r.tags()));
        }
        return out;
    }

    /** Split folders of a root, in the order train, validation, test, then the others by name. */
    public static Map<String, Path> splitFolders(Path root) {
        if (!Files.isDirectory(root)) throw new MissingDataException("folder not found: " + root);
        var found = new TreeSet<String>();
        try (var s = Files.list(root)) {
            s.filter(FolderLayoutLoader::isSplitFolder).forEach(p -> found.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        var ordered = new LinkedHashMap<String, Path>();
        for (String want : List.of(Task.TRAIN, Task.VALIDATION, Task.TEST)) {
            for (String f : found) {
                if (splitName(f).equals(want)) {
                    if (ordered.containsKey(want)) {
                        throw new DataFormatException(root.resolve(f), 0, "folder", "two folders map to split '"
                                + want + "': " + ordered.get(want).getFileName() + " and " + f);
                    }
                    ordered.put(want, root.resolve(f));
                }
            }
        }
        for (String f : found) if (!ordered.containsKey(splitName(f))) ordered.put(splitName(f), root.resolve(f));
        if (ordered.isEmpty()) {
            throw new MissingDataException("no split folders (sub-folders with seq.in and label) in " + root);
        }
        return ordered;
    }

    /** Sorted label set of the examples. */
    static List<String> sortedLabels(Map<String, List<Example>> splits) {
        var set = new TreeSet<String>();
        splits.values().forEach(l -> l.forEach(e -> set.add(e.label())));
        return List.copyOf(set);
    }

    /** Sorted tag set with {@code O} first. */
    static List<String> sortedTags(Map<String, List<Example>> splits) {
        var set = new TreeSet<String>();
        splits.values().forEach(l -> l.forEach(e -> set.addAll(((dev.polymath.core.task.Target.Tags) e.target()).tags())));
        var out = new ArrayList<String>();
        if (set.remove("O")) out.add("O");
        out.addAll(set);
        return out;
    }

    /**
     * Loads a folder-layout dataset. Without {@code seq.out} the suite has one classification task named
     * {@code name}; when every split has {@code seq.out} it has {@code name/intent} and {@code name/slots}.
     */
    public static TaskSuite load(Path root, String name) {
        var folders = splitFolders(root);
        boolean tags = folders.values().stream().allMatch(d -> DataFiles.exists(d.resolve(SEQ_OUT)));
        var intents = new LinkedHashMap<String, List<Example>>();
        folders.forEach((split, dir) -> intents.put(split, readIntents(dir, split)));
        var tasks = new ArrayList<Task>();
        var b = Task.builder(tags ? name + "/intent" : name, TaskKind.CLASSIFICATION)
                .labels(sortedLabels(intents))
                .instruction("Classify the utterance into one of the labels.")
                .category(name)
                .metrics(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1"));
        LoaderSupport.splits(b, intents);
        tasks.add(b.build());
        if (tags) {
            var slots = new LinkedHashMap<String, List<Example>>();
            folders.forEach((split, dir) -> slots.put(split, readSlots(dir, split)));
            var sb = Task.builder(name + "/slots", TaskKind.TAGGING)
                    .labels(sortedTags(slots))
                    .instruction("Tag every token of the utterance with its BIO slot tag.")
                    .category(name)
                    .metrics(MetricSpec.higher("accuracy"));
            tasks.add(LoaderSupport.splits(sb, slots).build());
        }
        return new TaskSuite(name, "folder-layout data at " + root, tasks);
    }

    /** Loads a folder-layout dataset named after its folder. */
    public static TaskSuite load(Path root) {
        return load(root, root.toAbsolutePath().normalize().getFileName().toString());
    }
}
