package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The datasets Polymath knows by name, where each is found and how it loads.
 *
 * <p>References accepted by {@link #resolve}:
 * <ul>
 *   <li>{@code NAME}: the whole suite ({@code clinc150});</li>
 *   <li>{@code NAME/TASK}: one task, or every task under that prefix ({@code clinc150/intent},
 *       {@code clinc150/by-domain} = the 10 per-domain tasks, {@code tweeteval/stance});</li>
 *   <li>{@code REF:SPLIT}: only that split of each selected task ({@code banking77:train_5}); tasks without it are
 *       dropped;</li>
 *   <li>a path to a folder (folder layout {@code train/valid/test} with {@code seq.in} + {@code label}; a folder of
 *       {@code train/valid/test .jsonl/.csv/.tsv} files; or a folder named like a catalog dataset, e.g. a copy of
 *       {@code tweeteval/}) or to a single {@code .jsonl}/{@code .csv}/{@code .tsv} file (fields
 *       {@code text}/{@code label}).</li>
 * </ul>
 */
public final class DatasetCatalog {
    private DatasetCatalog() {}

    /**
     * One catalog entry.
     *
     * @param folder      folder name under the data roots
     * @param tasks       number of tasks the suite has
     * @param kinds       task kinds, for tables
     * @param bundled     whether the repository ships it in {@code datasets/}
     * @param whyNotBundled the reason it is not bundled (licence, size), empty when bundled
     */
    public record Entry(String name, String folder, String description, int tasks, String kinds, String licence,
                        boolean bundled, String whyNotBundled, Function<Path, TaskSuite> loader) {}

    /** Where an entry was found: {@code bundled}, {@code shared}, {@code custom} (POLYMATH_DATA), {@code system} or {@code missing}. */
    public record Status(Entry entry, Path location, String where) {
        public boolean available() { return location != null; }
    }

    private static final Map<String, Entry> ENTRIES = entries();

    private static Map<String, Entry> entries() {
        var m = new LinkedHashMap<String, Entry>();
        add(m, new Entry(Clinc150Loader.NAME, "clinc150", "CLINC150 intents: 150 intents / 10 domains + out-of-scope; "
                + "intent, domain and 10 per-domain tasks", 12, "classification", "CC BY 3.0", true, "",
                Clinc150Loader::load));
        add(m, new Entry(Banking77Loader.NAME, "banking77", "BANKING77 online-banking intents (77), with DNNC few-shot splits",
                1, "classification", "CC BY 4.0", true, "", Banking77Loader::load));
        add(m, new Entry(SnipsLoader.NAME, "snips", "SNIPS voice-assistant intents (7) and BIO slot tagging",
                2, "classification, tagging", "CC0 1.0", true, "", SnipsLoader::load));
        add(m, new Entry(TweetEvalLoader.NAME, "tweeteval", "TweetEval: emoji, emotion, hate, irony, offensive, sentiment,"
                + " stance x5", 11, "classification", "unrestricted + original task licences + Twitter/X terms", false,
                "its tweets fall under Twitter/X terms and each task's original licence, so it may not be redistributed",
                TweetEvalLoader::load));
        add(m, new Entry(NaturalInstructionsLoader.NAME, NaturalInstructionsLoader.FOLDER, "Natural Instructions v1: "
                + "48 instruction-following generation tasks, categories = source datasets", 48, "generation",
                "Apache-2.0 (official repo); source datasets' own licences", false,
                "the snapshot comes from a review copy without a licence file and its source datasets have their own"
                        + " licences (and it is ~11 MB)", NaturalInstructionsLoader::load));
        add(m, new Entry(MmluLoader.NAME, "mmlu", "MMLU: 57 subjects, 4-way multiple choice (dev/validation/test)",
                57, "multiple-choice", "MIT", true, "", MmluLoader::load));
        add(m, new Entry(BbhLoader.NAME, "bbh", "BIG-Bench Hard: 27 reasoning tasks, exact match, CoT prompts",
                27, "generation", "MIT (content Apache-2.0)", true, "", BbhLoader::load));
        add(m, new Entry(StsbLoader.NAME, "stsb", "STS Benchmark: sentence-pair similarity 0-5", 1, "regression",
                "CC BY-SA 4.0 scores; sentences per source", true, "", StsbLoader::load));
        add(m, new Entry(ColaLoader.NAME, "cola", "CoLA: binary grammatical acceptability (GLUE)", 1, "classification",
                "no open licence (fair-use research)", false,
                "its sentences are excerpts of published linguistics works with no open licence", ColaLoader::load));
        add(m, new Entry(ShopBenchLoader.NAME, ShopBenchLoader.FOLDER, "ShopBench / Shopping MMLU dev sample: 18 tasks,"
                + " 96 examples", 18, "generation", "unconfirmed (Apache-2.0 upstream)", false,
                "its licence is unconfirmed", ShopBenchLoader::load));
        add(m, new Entry(FashionMnistLoader.NAME, FashionMnistLoader.NAME, "Fashion-MNIST: 28x28 images of 10 clothing"
                + " classes (train 60000 / test 10000)", 1, "classification (dense)", "MIT", false,
                "it is 30 MB; the Debian package dataset-fashion-mnist provides it", FashionMnistLoader::load));
        return m;
    }

    private static void add(Map<String, Entry> m, Entry e) {
        m.put(e.name(), e);
    }

    /** Names of all entries, in catalog order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The entry of a name (or of its folder name, e.g. {@code natural-instructions-v1}); unknown names list the known ones. */
    public static Entry entry(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            for (Entry x : ENTRIES.values()) if (x.folder().equals(name)) return x;
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known datasets: "
                    + String.join(", ", ENTRIES.keySet()));
        }
        return e;
    }

    public static boolean isKnown(String name) {
        return ENTRIES.containsKey(name) || ENTRIES.values().stream().anyMatch(x -> x.folder().equals(name));
    }

    /** Every entry with where it is found. */
    public static List<Status> list() {
        return ENTRIES.values().stream().map(DatasetCatalog::status).toList();
    }

    public static Status status(Entry e) {
        Path p = e.name().equals(FashionMnistLoader.NAME) ? FashionMnistLoader.find() : DataPaths.find(e.folder());
        return new Status(e, p, where(p));
    }

    static String where(Path p) {
        if (p == null) return "missing";
        Path abs = p.toAbsolutePath().normalize();
        Path home = DataPaths.home();
        if (home != null) {
            if (abs.startsWith(home.resolve("datasets"))) return "bundled";
            if (abs.startsWith(home.resolveSibling("shared").resolve("data"))) return "shared";
        }
        if (abs.startsWith(Path.of(FashionMnistLoader.SYSTEM_DIR))) return "system";
        return "custom";
    }

    /** Folder of a dataset; a missing one says where it looked and, for data not bundled, why. */
    public static Path locate(String name) {
        Entry e = entry(name);
        if (e.name().equals(FashionMnistLoader.NAME)) return FashionMnistLoader.locate();
        Path p = DataPaths.find(e.folder());
        if (p != null) return p;
        String why = e.bundled()
                ? "it is bundled with Polymath in datasets/" + e.folder() + "/, which is missing from this checkout"
                : "it is not bundled with Polymath because " + e.whyNotBundled() + "; it is read from ../shared/data/"
                + e.folder() + "/ next to the repository, or from POLYMATH_DATA / -Dpolymath.data";
        throw new MissingDataException("dataset '" + e.name() + "' not found: " + why + ". Searched "
                + DataPaths.searched().stream().map(r -> r.resolve(e.folder()).toString()).toList());
    }

    /** Loads a dataset by name. */
    public static TaskSuite load(String name) {
        Entry e = entry(name);
        return e.loader().apply(locate(e.name()));
    }

    /** Loads a reference: a dataset name, {@code name/task}, {@code ref:split}, or a path (see the class comment). */
    public static TaskSuite resolve(String ref) {
        if (ref == null || ref.isBlank()) throw new IllegalArgumentException("empty dataset reference");
        Path asPath = Path.of(ref);
        if (Files.exists(asPath) && !isKnown(ref)) return loadPath(asPath);
        String split = null;
        String rest = ref;
        int colon = ref.lastIndexOf(':');
        if (colon > 0) {
            split = ref.substring(colon + 1);
            rest = ref.substring(0, colon);
            if (Files.exists(Path.of(rest)) && !isKnown(rest.split("/")[0])) {
                return onlySplit(loadPath(Path.of(rest)), split, ref);
            }
        }
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        if (!isKnown(name)) {
            if (ref.contains("/") || ref.contains(java.io.File.separator) || ref.startsWith(".")) {
                throw new MissingDataException("'" + ref + "' is neither an existing file or folder nor a known"
                        + " dataset; known datasets: " + String.join(", ", ENTRIES.keySet()));
            }
            entry(name); // throws, listing the known names
        }
        TaskSuite suite = load(name);
        if (slash >= 0) suite = select(suite, entry(name).name() + rest.substring(slash));
        if (split != null) suite = onlySplit(suite, split, ref);
        return suite;
    }

    /** Tasks named {@code prefix} exactly, else every task under {@code prefix/}. */
    static TaskSuite select(TaskSuite suite, String prefix) {
        var exact = suite.tasks().stream().filter(t -> t.name().equals(prefix)).toList();
        var chosen = !exact.isEmpty() ? exact
                : suite.tasks().stream().filter(t -> t.name().startsWith(prefix + "/")).toList();
        if (chosen.isEmpty()) {
            var names = suite.names();
            String shown = names.size() <= 20 ? String.join(", ", names)
                    : String.join(", ", names.subList(0, 20)) + ", ... (" + names.size() + " tasks)";
            throw new IllegalArgumentException("dataset '" + suite.name() + "' has no task '" + prefix
                    + "' (nor tasks under it); its tasks: " + shown);
        }
        return new TaskSuite(prefix, suite.description(), chosen);
    }

    static TaskSuite onlySplit(TaskSuite suite, String split, String ref) {
        var tasks = new ArrayList<Task>();
        var seen = new java.util.TreeSet<String>();
        for (Task t : suite.tasks()) {
            seen.addAll(t.splits().keySet());
            if (t.hasSplit(split)) tasks.add(t.withSplits(Map.of(split, t.split(split))));
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("'" + ref + "': no task has a split '" + split + "'; splits: " + seen);
        }
        return new TaskSuite(suite.name() + ":" + split, suite.description(), tasks);
    }

    /** Loads a user's file or folder (see the class comment). */
    public static TaskSuite loadPath(Path path) {
        Path p = path.toAbsolutePath().normalize();
        String fname = p.getFileName() == null ? "data" : p.getFileName().toString();
        if (Files.isRegularFile(p)) {
            String base = DataFiles.baseName(p);
            Task t;
            if (base.endsWith(".jsonl")) t = JsonlLoader.load(p, GenericOptions.defaults());
            else if (base.endsWith(".csv") || base.endsWith(".tsv")) t = CsvLoader.load(p, GenericOptions.defaults());
            else throw new IllegalArgumentException("cannot load " + p + ": expected a .jsonl, .csv or .tsv file (optionally .gz) or a folder");
            return new TaskSuite(t.name(), "data from " + p, List.of(t));
        }
        if (!Files.isDirectory(p)) throw new MissingDataException("no such file or folder: " + p);
        if (isKnown(fname)) return entry(fname).loader().apply(p);
        if (hasSplitFolders(p)) return FolderLayoutLoader.load(p, fname);
        var files = new LinkedHashMap<String, Path>();
        String kind = null;
        for (String ext : List.of(".jsonl", ".csv", ".tsv")) {
            for (Path f : DataFiles.list(p, ext)) {
                String split = CsvLoader.splitOf(f, ext);
                if (!List.of("train", "valid", "validation", "val", "dev", "test").contains(CsvLoader.stem(f, ext))) continue;
                files.put(split, f);
                kind = ext;
            }
            if (!files.isEmpty()) break;
        }
        if (files.isEmpty()) {
            throw new MissingDataException("cannot tell how to load the folder " + p + ": expected split folders"
                    + " (train/, valid/, test/ with seq.in and label) or files train/valid/test.jsonl|.csv|.tsv");
        }
        var ordered = new LinkedHashMap<String, Path>();
        for (String s : List.of(Task.TRAIN, Task.VALIDATION, Task.TEST)) if (files.containsKey(s)) ordered.put(s, files.get(s));
        Task t = ".jsonl".equals(kind) ? JsonlLoader.load(fname, ordered, GenericOptions.defaults())
                : CsvLoader.load(fname, ordered, GenericOptions.defaults());
        return new TaskSuite(fname, "data from " + p, List.of(t));
    }

    private static boolean hasSplitFolders(Path p) {
        try (var s = Files.list(p)) {
            return s.anyMatch(FolderLayoutLoader::isSplitFolder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Total number of examples over every task and split (for summaries). */
    public static long totalExamples(TaskSuite suite) {
        long n = 0;
        for (Task t : suite.tasks()) for (List<Example> l : t.splits().values()) n += l.size();
        return n;
    }
}
