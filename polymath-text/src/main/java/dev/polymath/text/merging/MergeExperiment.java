package dev.polymath.text.merging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.metric.NormalizedAccuracy;
import dev.polymath.core.report.Fmt;
import dev.polymath.core.report.Table;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.core.util.AtomicFiles;
import dev.polymath.merge.MergeConfig;
import dev.polymath.merge.MergeEngine;
import dev.polymath.text.bert.BertCheckpoint;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.bert.BertWeights;
import dev.polymath.text.encoder.TextTokenizer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The merging experiment on text: the built-in MiniLM encoder fine-tuned (linear probe, then full fine-tuning
 * through the frozen head) on each of several classification tasks, the encoders merged with every method
 * (the streaming methods of polymath-merge and the learned ones), each merged encoder scored with every task's
 * own head; then the same with one task fine-tuned on data carrying a planted trigger phrase, scored for clean
 * accuracy and attack success rate. Every step caches its output under the work folder (fine-tuned encoders,
 * one result file per method and setting), so a rerun skips what is done and the phases can be run in separate
 * invocations.
 */
public final class MergeExperiment {

    /**
     * @param tasks           task names ({@code clinc150/by-domain/banking}, ...)
     * @param poisonTask      index of the task fine-tuned on poisoned data in the backdoor setting
     * @param targetLabel     class index the trigger maps to
     * @param perClass        labelled examples per class (validation split) for Self Positioning
     */
    public record Settings(Path work, List<String> tasks, int maxTrain, int maxTest, int maxLength,
                           TaskFineTuner.Options finetune, String trigger, double poisonRate, int poisonTask, int targetLabel,
                           LearnOptions learn, int perClass, boolean multiTask, long seed) {
        public static Settings defaults(Path work) {
            // TweetEval, not CLINC150 domains: on CLINC150 a linear probe on the pretrained encoder already matches
            // fine-tuning (docs/results/merging.md), which leaves merging nothing to show
            return new Settings(work, List.of("tweeteval/emotion", "tweeteval/hate", "tweeteval/irony", "tweeteval/offensive"),
                    2000, 500, 32, new TaskFineTuner.Options(1, 16, 5e-5, 42), "cf mn bb", 0.1, 0, 0,
                    LearnOptions.defaults(), 5, true, 42);
        }
    }

    /** The streaming methods and their parameters (FusionBench's usual settings where mergekit leaves a choice). */
    static final Map<String, String> STREAMING = new LinkedHashMap<>();

    static {
        STREAMING.put("linear", "model:{weight: 1.0}");
        STREAMING.put("task_arithmetic", "model:{weight: 0.3}");
        STREAMING.put("ties", "model:{weight: 1.0, density: 0.2}");
        STREAMING.put("dare_linear", "model:{weight: 0.3, density: 0.5}");
        STREAMING.put("dare_ties", "model:{weight: 0.3, density: 0.5}");
        STREAMING.put("breadcrumbs", "model:{weight: 0.3, density: 0.9, gamma: 0.01}");
        STREAMING.put("breadcrumbs_ties", "model:{weight: 0.3, density: 0.9, gamma: 0.01}");
        STREAMING.put("model_stock", "model:{}");
        STREAMING.put("ties_global", "model:{weight: 1.0, density: 0.2}");
    }

    static final List<String> BACKDOOR_METHODS = List.of("task_arithmetic", "ties", "concrete", "dam");

    private final Settings s;
    private final PrintWriter log;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private BertSource source;
    private List<TaskData> data;
    private long deadline = Long.MAX_VALUE;
    private boolean damOracle, damBackdoorMaskOnly, damSearch;

    /** The row of DAM told the planted trigger, in both settings; its masks learn against the real triggered inputs. */
    static final String DAM_ORACLE = "dam_oracle_trigger";

    /**
     * Also runs {@link #DAM_ORACLE}: DAM given the planted trigger phrase instead of searching for it (what a user who
     * suspects a phrase can do); it isolates the masks from the trigger search and is never the blind result.
     */
    public MergeExperiment withDamOracle() {
        damOracle = true;
        return this;
    }

    /** The row of DAM with its blind discrete trigger search ({@link TriggerSearch}) instead of soft tokens. */
    static final String DAM_SEARCH = "dam_trigger_search";

    /** Also runs {@link #DAM_SEARCH} in both settings. */
    public MergeExperiment withDamTriggerSearch() {
        damSearch = true;
        return this;
    }

    /** Suffix of the DAM rows learned without the shared mask (the backdoor mask alone over task arithmetic). */
    static final String BACKDOOR_MASK_ONLY = "_backdoor_mask_only";

    /** Runs the oracle and search rows ({@link #withDamOracle}, {@link #withDamTriggerSearch}) also with the backdoor mask alone, rows {@code *_backdoor_mask_only}. */
    public MergeExperiment withDamBackdoorMaskOnly() {
        damBackdoorMaskOnly = true;
        return this;
    }

    /** The optional DAM rows this run adds. */
    List<String> extraDamRows() {
        var out = new ArrayList<String>();
        if (damOracle) out.add(DAM_ORACLE);
        if (damOracle && damBackdoorMaskOnly) out.add(DAM_ORACLE + BACKDOOR_MASK_ONLY);
        if (damSearch) out.add(DAM_SEARCH);
        if (damSearch && damBackdoorMaskOnly) out.add(DAM_SEARCH + BACKDOOR_MASK_ONLY);
        return out;
    }

    /** Every optional DAM row the tables show when its result exists. */
    static final List<String> OPTIONAL_DAM_ROWS = List.of(DAM_SEARCH, DAM_SEARCH + BACKDOOR_MASK_ONLY, DAM_ORACLE, DAM_ORACLE + BACKDOOR_MASK_ONLY);

    LearnedMergeMethod learnedMethod(String key) {
        boolean only = key.endsWith(BACKDOOR_MASK_ONLY);
        String base = only ? key.substring(0, key.length() - BACKDOOR_MASK_ONLY.length()) : key;
        if (base.equals(DAM_ORACLE)) {
            var m = BackdoorAwareMasks.knownTrigger(triggerIds());
            return only ? m.backdoorMaskOnly() : m;
        }
        if (base.equals(DAM_SEARCH)) {
            var m = BackdoorAwareMasks.searched(TriggerSearch.Options.defaults());
            return only ? m.backdoorMaskOnly() : m;
        }
        return LearnedMergeMethods.get(key);
    }

    /** Starts no new unit of work (a fine-tuning, a method) after {@code minutes} from now; a rerun continues. */
    public MergeExperiment withBudgetMinutes(double minutes) {
        deadline = System.nanoTime() + (long) (minutes * 60e9);
        return this;
    }

    /** Whether a new unit of work may start; says so in the log when not. */
    private boolean timeLeft() {
        if (System.nanoTime() < deadline) return true;
        log.println("time budget reached; rerun the same command to continue from the cache");
        log.flush();
        return false;
    }

    /** Whether every unit of the given phases is cached. */
    public boolean complete() {
        for (int t = 0; t < s.tasks().size(); t++) if (!done(taskDir(t, false))) return false;
        if (!done(taskDir(s.poisonTask(), true))) return false;
        for (String m : STREAMING.keySet()) if (!Files.exists(resultFile("clean", m))) return false;
        for (String m : LearnedMergeMethods.names()) if (!Files.exists(resultFile("clean", m))) return false;
        for (String m : BACKDOOR_METHODS) if (!Files.exists(resultFile("backdoor", m))) return false;
        if (!Files.exists(resultFile("backdoor", "pretrained")) || !Files.exists(resultFile("backdoor", "clean_finetuned"))) return false;
        return !s.multiTask() || Files.exists(resultFile("clean", "multitask"));
    }

    public MergeExperiment(Settings settings, PrintWriter log) {
        this.s = settings;
        this.log = log;
    }

    // ------------------------------------------------------------------------------------------ data

    private BertSource source() {
        if (source == null) source = BertSource.builtinMiniLm();
        return source;
    }

    private List<TaskData> data() {
        if (data != null) return data;
        var out = new ArrayList<TaskData>();
        try (TextTokenizer tok = TextTokenizer.fromJson(source().tokenizerJson(), source().tokenizerLabel())) {
            for (String name : s.tasks()) {
                TaskSuite suite = DatasetCatalog.resolve(name);
                Task t = suite.task(name);
                out.add(TaskData.of(t, tok, s.maxLength(), s.maxTrain(), s.maxTest(), s.seed()));
            }
        }
        data = List.copyOf(out);
        return data;
    }

    /** The poisoned task's training split: a seeded {@code poisonRate} of texts get the trigger and the target label. */
    TaskData.Split poisonedTrain() {
        TaskData d = data().get(s.poisonTask());
        var texts = new ArrayList<String>(d.train().texts());
        int[] labels = d.train().labels().clone();
        var r = dev.polymath.core.util.Seeds.stream(s.seed(), "poison");
        int n = (int) Math.round(texts.size() * s.poisonRate());
        int[] idx = dev.polymath.core.util.Seeds.sampleWithoutReplacement(texts.size(), n, r);
        for (int i : idx) {
            texts.set(i, s.trigger() + " " + texts.get(i));
            labels[i] = s.targetLabel();
        }
        try (TextTokenizer tok = TextTokenizer.fromJson(source().tokenizerJson(), source().tokenizerLabel())) {
            return TaskData.tokenize(texts, labels, tok, s.maxLength());
        }
    }

    /** The planted trigger's token ids, without special tokens. */
    long[] triggerIds() {
        try (TextTokenizer tok = TextTokenizer.fromJson(source().tokenizerJson(), source().tokenizerLabel())) {
            long[] ids = tok.ids(s.trigger());
            return java.util.Arrays.copyOfRange(ids, 1, ids.length - 1);
        }
    }

    /** The poisoned task's test examples whose label is not the target, with the trigger: the attack set. */
    TaskData.Split triggeredTest() {
        TaskData d = data().get(s.poisonTask());
        var texts = new ArrayList<String>();
        var labels = new ArrayList<Integer>();
        for (int i = 0; i < d.test().size(); i++) {
            if (d.test().labels()[i] == s.targetLabel()) continue;
            texts.add(s.trigger() + " " + d.test().texts().get(i));
            labels.add(d.test().labels()[i]);
        }
        try (TextTokenizer tok = TextTokenizer.fromJson(source().tokenizerJson(), source().tokenizerLabel())) {
            return TaskData.tokenize(texts, labels.stream().mapToInt(Integer::intValue).toArray(), tok, s.maxLength());
        }
    }

    // ------------------------------------------------------------------------------------------ fine-tuning

    Path baseDir() { return s.work().resolve("base"); }

    Path taskDir(int t, boolean poisoned) {
        return s.work().resolve("ft").resolve(shortName(s.tasks().get(t)) + (poisoned ? "-poisoned" : ""));
    }

    Path multiTaskDir() { return s.work().resolve("ft").resolve("multitask"); }

    static String shortName(String task) {
        return task.substring(task.lastIndexOf('/') + 1);
    }

    static boolean done(Path dir) {
        return Files.isRegularFile(dir.resolve("encoder").resolve(BertCheckpoint.WEIGHTS_FILE)) && Files.isRegularFile(dir.resolve(TaskHead.FILE));
    }

    /** Fine-tunes (or finds cached) every task model and the poisoned one. */
    public void finetune() {
        if (!Files.isRegularFile(baseDir().resolve(BertCheckpoint.WEIGHTS_FILE))) {
            try (BertModel m = source().newModel(1)) {
                BertCheckpoint.save(m, source().tokenizerJson(), s.maxLength(), baseDir());
            }
        }
        List<TaskHead> heads = heads();
        for (int t = 0; t < s.tasks().size(); t++) {
            if (!done(taskDir(t, false)) && timeLeft()) train(List.of(t), List.of(data().get(t).train()), heads, taskDir(t, false));
        }
        if (!done(taskDir(s.poisonTask(), true)) && timeLeft()) train(List.of(s.poisonTask()), List.of(poisonedTrain()), heads, taskDir(s.poisonTask(), true));
    }

    /**
     * Fine-tunes (or finds cached) the multi-task reference and scores it: one encoder trained jointly on every
     * task's training data through the same frozen heads, one batch per task per step, equal weights (EW).
     */
    public void runMultiTask() {
        if (!s.multiTask()) return;
        if (!Files.isRegularFile(multiTaskDir().resolve("encoder").resolve(BertCheckpoint.WEIGHTS_FILE)) && timeLeft()) {
            var all = new ArrayList<Integer>();
            var splits = new ArrayList<TaskData.Split>();
            for (int t = 0; t < s.tasks().size(); t++) {
                all.add(t);
                splits.add(data().get(t).train());
            }
            train(all, splits, heads(), multiTaskDir());
        }
        if (Files.isRegularFile(multiTaskDir().resolve("encoder").resolve(BertCheckpoint.WEIGHTS_FILE))
                && !Files.exists(resultFile("clean", "multitask")) && timeLeft()) {
            save("clean", "multitask", evaluate(multiTaskDir().resolve("encoder"), heads(), false), Map.of());
        }
    }

    /** The heads (one logistic regression per task on the pretrained encoder), cached under heads/. */
    List<TaskHead> heads() {
        var out = new ArrayList<TaskHead>();
        BertModel m = null;
        try {
            for (int t = 0; t < s.tasks().size(); t++) {
                Path f = s.work().resolve("heads").resolve(shortName(s.tasks().get(t)) + ".safetensors");
                if (Files.isRegularFile(f)) {
                    out.add(TaskHead.load(f));
                    continue;
                }
                if (m == null) m = source().newModel(1);
                TaskData d = data().get(t);
                log.printf("fitting the head of %s on %d pretrained features%n", d.task().name(), d.train().size());
                log.flush();
                TaskHead h = TaskFineTuner.fitHead(m, d.task().name(), d.task().labels(), d.train());
                Files.createDirectories(f.getParent());
                Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
                h.save(tmp);
                Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                out.add(h);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (m != null) m.close();
        }
        return out;
    }

    private void train(List<Integer> tasks, List<TaskData.Split> splits, List<TaskHead> heads, Path dir) {
        long t0 = System.nanoTime();
        var hs = tasks.stream().map(heads::get).toList();
        try (BertModel m = source().newModel(1)) {
            TaskFineTuner.fineTune(m, hs, splits, s.finetune(), "fine-tune " + dir.getFileName());
            Path staging = dir.resolveSibling("." + dir.getFileName() + ".partial");
            AtomicFiles.deleteRecursively(staging);
            BertCheckpoint.save(m, source().tokenizerJson(), s.maxLength(), staging.resolve("encoder"));
            // a single-task folder carries its head; the multi-task one is scored with each task's head
            hs.get(0).save(staging.resolve(TaskHead.FILE));
            AtomicFiles.publishDirectory(staging, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.printf("fine-tuned %s in %.0f s%n", dir.getFileName(), (System.nanoTime() - t0) / 1e9);
        log.flush();
    }

    // ------------------------------------------------------------------------------------------ merging

    Path resultFile(String setting, String method) { return s.work().resolve("results").resolve(setting).resolve(method + ".json"); }

    List<Path> models(boolean backdoor) {
        var out = new ArrayList<Path>();
        for (int t = 0; t < s.tasks().size(); t++) out.add(taskDir(t, backdoor && t == s.poisonTask()).resolve("encoder"));
        return out;
    }

    /** Runs (or finds cached) every method in the clean setting, and the reference rows. */
    public void runClean() {
        requireFineTuned();
        List<TaskHead> heads = heads();
        if (!Files.exists(resultFile("clean", "pretrained"))) {
            save("clean", "pretrained", evaluate(baseDir(), heads, false), Map.of());
        }
        if (!Files.exists(resultFile("clean", "individual"))) {
            var acc = new LinkedHashMap<String, Double>();
            for (int t = 0; t < s.tasks().size(); t++) {
                var r = evaluate(taskDir(t, false).resolve("encoder"), heads, false);
                acc.put(s.tasks().get(t), r.accuracy().get(s.tasks().get(t)));
            }
            save("clean", "individual", new Scores(acc, Double.NaN), Map.of());
        }
        for (String m : STREAMING.keySet()) runStreaming("clean", m, false, heads);
        for (String m : LearnedMergeMethods.names()) runLearned("clean", m, false, heads);
        for (String m : extraDamRows()) runLearned("clean", m, false, heads);
    }

    /** Runs (or finds cached) the backdoor setting: the poisoned model alone, then the methods of {@link #BACKDOOR_METHODS}. */
    public void runBackdoor() {
        requireFineTuned();
        List<TaskHead> heads = heads();
        if (!Files.exists(resultFile("backdoor", "pretrained")) && timeLeft()) {
            // the floor: how often the trigger text alone lands on the target class without any backdoor
            save("backdoor", "pretrained", evaluate(baseDir(), heads, true), Map.of());
        }
        if (!Files.exists(resultFile("backdoor", "clean_finetuned")) && timeLeft()) {
            // the floor of the poisoned task's own model: its clean fine-tune on the same triggered inputs
            save("backdoor", "clean_finetuned", evaluate(taskDir(s.poisonTask(), false).resolve("encoder"), heads, true), Map.of());
        }
        if (!Files.exists(resultFile("backdoor", "poisoned_model"))) {
            save("backdoor", "poisoned_model", evaluate(taskDir(s.poisonTask(), true).resolve("encoder"), heads, true), Map.of());
        }
        for (String m : BACKDOOR_METHODS) {
            if (STREAMING.containsKey(m)) runStreaming("backdoor", m, true, heads);
            else runLearned("backdoor", m, true, heads);
        }
        for (String m : extraDamRows()) runLearned("backdoor", m, true, heads);
    }

    /** Whether every task model and the poisoned one are fine-tuned (cached). */
    public boolean fineTuned() {
        for (int t = 0; t < s.tasks().size(); t++) if (!done(taskDir(t, false))) return false;
        return done(taskDir(s.poisonTask(), true));
    }

    private void requireFineTuned() {
        for (int t = 0; t < s.tasks().size(); t++) {
            if (!done(taskDir(t, false))) throw new IllegalStateException("task model " + taskDir(t, false) + " is missing; run the finetune phase first");
        }
        if (!done(taskDir(s.poisonTask(), true))) throw new IllegalStateException("poisoned model missing; run the finetune phase first");
    }

    private void runStreaming(String setting, String method, boolean backdoor, List<TaskHead> heads) {
        if (Files.exists(resultFile(setting, method)) || !timeLeft()) return;
        Path dir = s.work().resolve("merged").resolve(setting).resolve(method);
        var y = new StringBuilder("merge_method: " + method + "\nbase_model: '" + baseDir().toAbsolutePath() + "'\nmodels:\n");
        String params = STREAMING.get(method).substring("model:".length());
        for (Path p : models(backdoor)) y.append("  - model: '").append(p.toAbsolutePath()).append("'\n    parameters: ").append(params).append('\n');
        long t0 = System.nanoTime();
        Path out = mergeAndEvaluate(dir, y.toString());
        double secs = (System.nanoTime() - t0) / 1e9;
        Scores sc = evaluate(out, heads, backdoor || BACKDOOR_METHODS.contains(method));
        deleteQuietly(out);
        save(setting, method, sc, Map.of("merge_seconds", secs));
    }

    private Path mergeAndEvaluate(Path dir, String yaml) {
        try {
            Files.createDirectories(dir);
            Path cfg = dir.resolve("merge.yaml");
            AtomicFiles.writeString(cfg, yaml);
            Path out = dir.resolve("model");
            try (var e = new MergeEngine(MergeConfig.load(cfg), MergeEngine.Options.defaults().withThreads(1).withSeed(s.seed()))) {
                e.run(out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void runLearned(String setting, String method, boolean backdoor, List<TaskHead> heads) {
        if (Files.exists(resultFile(setting, method)) || !timeLeft()) return;
        LearnedMergeMethod lm = learnedMethod(method);
        List<Path> models = models(backdoor);
        var diagnostics = new LinkedHashMap<String, Object>();
        long t0 = System.nanoTime();
        LearnedMerge r;
        var shapes = new LinkedHashMap<String, long[]>();
        try (BertModel base = source().newModel(1)) {
            var ft = new ArrayList<BertWeights>();
            for (Path p : models) ft.add(BertWeights.fromSafetensors(p));
            try (MergeSpace space = new MergeSpace(base, ft)) {
                ft.clear();
                for (String n : space.names()) shapes.put(n, space.shape(n));
                var unl = new ArrayList<long[][]>();
                var lab = new ArrayList<MergeProblem.Labelled>();
                for (TaskData d : data()) {
                    unl.add(d.test().rows());
                    TaskData.Split few = TaskData.perClass(d.validation(), d.task().labels().size(), s.perClass());
                    lab.add(new MergeProblem.Labelled(few.rows(), few.labels()));
                }
                LearnOptions o = learnOptions(lm);
                var problem = new MergeProblem(space, heads, unl, lab, s.seed());
                r = lm.learn(problem, o);
                if (method.startsWith(DAM_SEARCH)) {
                    // what the search's score gives the planted phrase (a diagnostic the blind search never sees)
                    double[] g = TriggerSearch.gainOf(problem, TriggerSearch.Options.defaults(), o.init(), s.poisonTask(), triggerIds());
                    diagnostics.put("planted_trigger_gain", g[0]);
                    diagnostics.put("planted_trigger_target_class", (int) g[1]);
                }
            }
        }
        double learnSecs = (System.nanoTime() - t0) / 1e9;
        Path dir = s.work().resolve("merged").resolve(setting).resolve(method);
        Path cfg = r.writeConfig(dir, baseDir(), models, shapes);
        Path out = dir.resolve("model");
        try (var e = new MergeEngine(MergeConfig.load(cfg), MergeEngine.Options.defaults().withThreads(1).withSeed(s.seed()))) {
            e.run(out);
        }
        Scores sc = evaluate(out, heads, backdoor || BACKDOOR_METHODS.contains(method) || OPTIONAL_DAM_ROWS.contains(method));
        deleteQuietly(out);
        deleteQuietly(dir.resolve("mask.safetensors"));
        var extra = new LinkedHashMap<String, Object>(r.trace());
        extra.putAll(diagnostics);
        if (r.trace().get("trigger_ids") instanceof List<?> found) {
            var words = new ArrayList<String>();
            try (TextTokenizer tok = TextTokenizer.fromJson(source().tokenizerJson(), source().tokenizerLabel())) {
                for (Object ids : found) words.add(tok.tokens(((List<?>) ids).stream().mapToLong(x -> ((Number) x).longValue()).toArray()));
            }
            extra.put("trigger_tokens", words);
        }
        extra.put("learn_seconds", learnSecs);
        if (!r.layerWise()) {
            var c = new ArrayList<Double>();
            for (double[] row : r.coefficients()) c.add(row[0]);
            extra.put("coefficients", c);
        } else {
            var mean = new ArrayList<Double>();
            for (double[] row : r.coefficients()) mean.add(java.util.Arrays.stream(row).average().orElse(Double.NaN));
            extra.put("mean_coefficients", mean);
        }
        extra.put("mask_density", r.maskDensity());
        save(setting, method, sc, extra);
    }

    /** The method's defaults with the experiment's step count and batch. */
    LearnOptions learnOptions(LearnedMergeMethod m) {
        LearnOptions d = m.defaults();
        return d.withSteps(s.learn().steps()).withBatch(s.learn().batch());
    }

    // ------------------------------------------------------------------------------------------ scoring

    /** Accuracy per task, and the attack success rate on the poisoned task (NaN when not measured). */
    public record Scores(Map<String, Double> accuracy, double attackSuccess) {}

    Scores evaluate(Path encoderDir, List<TaskHead> heads, boolean withAttack) {
        BertWeights w = BertWeights.fromSafetensors(encoderDir);
        try (BertModel m = BertModel.create(source().config(), w, 1)) {
            var acc = new LinkedHashMap<String, Double>();
            for (int t = 0; t < s.tasks().size(); t++) {
                TaskData d = data().get(t);
                acc.put(s.tasks().get(t), TaskFineTuner.accuracy(TaskFineTuner.predict(m, heads.get(t), d.test().rows()), d.test().labels()));
            }
            double asr = Double.NaN;
            if (withAttack) {
                TaskData.Split trig = triggeredTest();
                int[] pred = TaskFineTuner.predict(m, heads.get(s.poisonTask()), trig.rows());
                int hit = 0;
                for (int p : pred) if (p == s.targetLabel()) hit++;
                asr = hit / (double) pred.length;
            }
            return new Scores(acc, asr);
        }
    }

    private void save(String setting, String method, Scores sc, Map<String, Object> extra) {
        var o = new LinkedHashMap<String, Object>();
        o.put("method", method);
        o.put("setting", setting);
        o.put("accuracy", sc.accuracy());
        if (!Double.isNaN(sc.attackSuccess())) o.put("attack_success_rate", sc.attackSuccess());
        o.putAll(extra);
        Path f = resultFile(setting, method);
        try {
            Files.createDirectories(f.getParent());
            AtomicFiles.writeString(f, json.writeValueAsString(o) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double avg = sc.accuracy().values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        log.printf(Locale.ROOT, "%s/%s: average accuracy %.2f%%%s%n", setting, method, 100 * avg,
                Double.isNaN(sc.attackSuccess()) ? "" : String.format(Locale.ROOT, ", attack success %.2f%%", 100 * sc.attackSuccess()));
        log.flush();
    }

    private static void deleteQuietly(Path p) {
        try {
            AtomicFiles.deleteRecursively(p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + p + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ report

    private JsonNode read(String setting, String method) {
        Path f = resultFile(setting, method);
        if (!Files.isRegularFile(f)) return null;
        try {
            return json.readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + f + ": " + e.getMessage(), e);
        }
    }

    private static String list(JsonNode a) {
        var parts = new ArrayList<String>();
        a.forEach(v -> parts.add(Fmt.fixed(v.asDouble(), 3)));
        return String.join(", ", parts);
    }

    private static Map<String, Double> accuracy(JsonNode n) {
        var m = new LinkedHashMap<String, Double>();
        n.get("accuracy").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }

    /** The result tables from the cached results (methods not run yet are left out, and said so). */
    public List<Table> tables() {
        var out = new ArrayList<Table>();
        JsonNode ind = read("clean", "individual");
        Map<String, Double> individual = ind == null ? null : accuracy(ind);
        var headers = new ArrayList<String>(List.of("method"));
        for (String t : s.tasks()) headers.add(shortName(t));
        headers.add("average");
        headers.add("normalized");
        var rows = new ArrayList<List<String>>();
        var missing = new ArrayList<String>();
        var order = new ArrayList<String>(List.of("pretrained", "individual", "multitask"));
        order.addAll(STREAMING.keySet());
        order.addAll(LearnedMergeMethods.names());
        order.addAll(OPTIONAL_DAM_ROWS);
        for (String m : order) {
            JsonNode n = read("clean", m);
            if (n == null) {
                if (OPTIONAL_DAM_ROWS.contains(m)) continue;
                if (!(m.equals("multitask") && !s.multiTask())) missing.add(m);
                continue;
            }
            var acc = accuracy(n);
            var row = new ArrayList<String>();
            row.add(m);
            for (String t : s.tasks()) row.add(Fmt.fixed(100 * acc.get(t), 2));
            row.add(Fmt.fixed(100 * acc.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), 2));
            row.add(individual == null ? Fmt.MISSING : Fmt.fixed(100 * NormalizedAccuracy.compute(acc, individual).average(), 2));
            rows.add(row);
        }
        String note = "accuracy (%) on each task's test split with the task's own head; normalized = mean over tasks of merged / individually fine-tuned (FusionBench)."
                + " slerp is left out: it merges exactly two models." + (missing.isEmpty() ? "" : " Not run yet: " + String.join(", ", missing) + ".");
        out.add(Table.of("Merging " + s.tasks().size() + " fine-tuned MiniLM encoders", headers, rows).withNote(note));

        var lrows = new ArrayList<List<String>>();
        for (String setting : List.of("clean", "backdoor")) {
            var learned = new ArrayList<String>(LearnedMergeMethods.names());
            learned.addAll(OPTIONAL_DAM_ROWS);
            for (String m : learned) {
                JsonNode n = read(setting, m);
                if (n == null) continue;
                String coef = n.has("coefficients") ? list(n.get("coefficients")) : n.has("mean_coefficients") ? "mean " + list(n.get("mean_coefficients")) : "";
                lrows.add(List.of(setting, m, coef, Fmt.fixed(100 * n.path("mask_density").asDouble(1), 1),
                        n.has("backdoor_mask_fraction") ? Fmt.fixed(100 * n.get("backdoor_mask_fraction").asDouble(), 3) : Fmt.MISSING,
                        Fmt.fixed(n.path("learn_seconds").asDouble(), 0)));
            }
        }
        out.add(Table.of("What the learned methods found", List.of("setting", "method", "coefficients", "mask kept %", "backdoor mask %", "learn s"), lrows));

        var brows = new ArrayList<List<String>>();
        var bmissing = new ArrayList<String>();
        var border = new ArrayList<String>(List.of("pretrained", "clean_finetuned", "poisoned_model"));
        border.addAll(BACKDOOR_METHODS);
        border.addAll(OPTIONAL_DAM_ROWS);
        String pt = s.tasks().get(s.poisonTask());
        for (String m : border) {
            JsonNode n = read("backdoor", m);
            if (n == null) {
                if (OPTIONAL_DAM_ROWS.contains(m)) continue;
                bmissing.add(m);
                continue;
            }
            var acc = accuracy(n);
            JsonNode clean = BACKDOOR_METHODS.contains(m) || OPTIONAL_DAM_ROWS.contains(m) ? read("clean", m) : null;
            brows.add(List.of(m, Fmt.fixed(100 * acc.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), 2),
                    Fmt.fixed(100 * acc.get(pt), 2), Fmt.fixed(100 * n.get("attack_success_rate").asDouble(), 2),
                    clean != null && clean.has("attack_success_rate") ? Fmt.fixed(100 * clean.get("attack_success_rate").asDouble(), 2) : Fmt.MISSING));
        }
        out.add(Table.of("Backdoor: " + shortName(pt) + " fine-tuned with the trigger '" + s.trigger() + "' on " + Fmt.fixed(100 * s.poisonRate(), 0) + "% of its training texts",
                List.of("method", "clean average accuracy", shortName(pt) + " accuracy", "attack success rate", "ASR, same merge of the clean models"), brows)
                .withNote("attack success rate: share of " + shortName(pt) + " test texts of another class, trigger prepended, classified as class "
                        + s.targetLabel() + " by the merged encoder with " + shortName(pt) + "'s head. The floor without any backdoor: pretrained (the heads on the"
                        + " pretrained encoder), clean_finetuned (" + shortName(pt) + "'s clean fine-tune) and the last column (the method merging the four clean models)."
                        + " " + DAM_SEARCH + "* rows are DAM with the blind discrete trigger search instead of soft tokens;"
                        + " " + DAM_ORACLE + "* rows are DAM told the planted trigger (an oracle that isolates its masks from the trigger search), not a blind defence;"
                        + " *" + BACKDOOR_MASK_ONLY + " rows learn DAM's backdoor mask alone over task arithmetic (no shared mask)."
                        + (bmissing.isEmpty() ? "" : " Not run yet: " + String.join(", ", bmissing) + ".")));
        return out;
    }
}
