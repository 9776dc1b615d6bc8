package dev.polymath.cli;

import dev.polymath.text.bert.BertSource;
import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Run;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.fewshot.FewShotClassifier;
import dev.polymath.text.fewshot.FewShotEvaluation;
import dev.polymath.text.fewshot.FewShotMethods;
import dev.polymath.text.fewshot.MetaTuning;
import dev.polymath.text.fewshot.SetFit;
import dev.polymath.text.bert.BertSentenceEncoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code polymath fewshot fit | predict | eval}: text classifiers from a few labelled examples per class. */
@Command(name = "fewshot", description = "Few-shot text classification on a pretrained sentence encoder.",
        subcommands = {FewShotCommand.Fit.class, FewShotCommand.Predict.class, FewShotCommand.Eval.class, FewShotCommand.MetaTune.class})
final class FewShotCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The one classification task a reference names (a dataset, dataset/task, dataset:split or a folder). */
    static Task classificationTask(String ref, String taskName) {
        TaskSuite suite = DatasetCatalog.resolve(ref);
        if (taskName != null) return suite.task(taskName);
        for (Task t : suite.tasks()) if (t.kind() == TaskKind.CLASSIFICATION) return t;
        throw new IllegalArgumentException("'" + ref + "' has no classification task; its tasks: " + suite.names());
    }

    /** Every example of {@code t}, all its splits in order: {texts, labels}. */
    static List<List<String>> examples(Task t) {
        var texts = new ArrayList<String>();
        var labels = new ArrayList<String>();
        for (var split : t.splits().values()) {
            for (Example e : split) {
                texts.add(e.text());
                labels.add(e.label());
            }
        }
        return List.of(texts, labels);
    }

    /** The intent task a source reference names: CLINC150's 150-intent task unless a task is named (its suite also has per-domain tasks). */
    static Task intentTask(String ref) {
        String r = ref.strip();
        if (r.startsWith("clinc150") && !r.contains("/")) r = "clinc150/intent" + r.substring("clinc150".length());
        return classificationTask(r, null);
    }

    @Command(name = "fit", description = "Fit a classifier on labelled examples and save it to a folder.")
    static final class Fit implements Callable<Integer> {
        @Option(names = "--train", required = true, paramLabel = "REF",
                description = "labelled examples: dataset:split (e.g. banking77:train_5), a folder (train/ with seq.in + label) or a JSONL/CSV file")
        String train;

        @Option(names = "--task", description = "task within the dataset (default: its first classification task)")
        String task;

        @Option(names = "--method", defaultValue = "prototype", description = "one of: ${COMPLETION-CANDIDATES}, or selftrain:BASE (default: ${DEFAULT-VALUE})",
                completionCandidates = MethodNames.class)
        String method;

        @Option(names = "--pool", paramLabel = "REF", description = "unlabelled texts for raml/selftrain (file or dataset:split)")
        String pool;

        @Option(names = "--out", required = true, description = "folder to write the classifier to")
        Path out;

        @Option(names = "--teacher", paramLabel = "DIR", description = "with --method setfit --setfit-distil-into ENC: distil this saved "
                + "classifier (a folder written by 'fewshot fit', any method) instead of fitting a teacher first")
        Path teacher;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Mixin
        EncoderOptions encoder = new EncoderOptions();

        @Mixin
        SetFitOptions setfit = new SetFitOptions();

        @Mixin
        MetaSourceOptions meta = new MetaSourceOptions();

        @Override
        public Integer call() {
            FewShotMethods.check(method);
            Task t = classificationTask(train, task);
            MetaTuning.checkNotTunedOn(encoder.model, t.name());
            var xy = examples(t);
            List<String> texts = xy.get(0), labels = xy.get(1);
            List<String> poolTexts = pool == null ? List.of() : TextDatasets.texts(pool);
            if (teacher != null && (!FewShotMethods.isSetFit(method) || setfit.distilInto.isEmpty())) {
                throw new IllegalArgumentException("--teacher " + teacher + ": the saved classifier is distilled into a student; "
                        + "add --method setfit --setfit-distil-into ENC (e.g. minilm) and --pool FILE|REF");
            }
            if (FewShotMethods.isSetFit(method)) {
                var src = SetFitOptions.source(encoder);
                var o = setfit.options();
                if (!setfit.distilInto.isEmpty() && (setfit.soup || poolTexts.isEmpty())) {
                    throw new IllegalArgumentException("--setfit-distil-into " + String.join(",", setfit.distilInto) + (setfit.soup
                            ? ": distils one fit; drop --setfit-soup" : ": the teacher labels unlabelled texts; give them with --pool FILE|REF"));
                }
                if (setfit.ensemble > 1 && !setfit.soup) {
                    throw new IllegalArgumentException("--setfit-ensemble " + setfit.ensemble + ": an ensemble of fine-tuned encoders cannot be saved as one "
                            + "classifier; add --setfit-soup to save the uniform soup of the " + setfit.ensemble + " fits (their weights averaged)");
                }
                long t0 = System.nanoTime();
                if (teacher != null) {
                    withSaved(teacher, encoder, (clf, enc) -> distil(clf, enc, texts, labels, poolTexts, o, t0));
                    return 0;
                }
                // the step count depends on the support set (epochs) and self-training: shown without a total
                try (var progress = dev.polymath.core.run.Progress.builder("setfit").unit("steps").build()) {
                    SetFit.StepListener show = (step, stepTexts, stepLabels) -> progress.set(step);
                    if (setfit.soup) {
                        var soup = SetFit.fitSoup(src, SetFitOptions.settings(encoder), encoder.model, texts, labels, poolTexts, o, setfit.ensemble, seed, show);
                        try (var enc = soup.encoder()) {
                            double ms = (System.nanoTime() - t0) / 1e6;
                            SetFit.save(soup.classifier(), enc, src, out);
                            for (int m = 0; m < soup.members().size(); m++) report("member " + (m + 1) + ": ", soup.members().get(m), o, texts.size());
                            System.out.printf(Locale.ROOT, "fitted a soup of %d setfit fits (weights averaged, head %s) on %d examples of %d labels in %.0f ms; "
                                    + "saved with its encoder to %s%n", soup.members().size(), o.head(), texts.size(), soup.classifier().labels().size(), ms, out);
                        }
                        return 0;
                    }
                    try (var enc = BertSentenceEncoder.open(src, SetFitOptions.settings(encoder))) {
                        var r = SetFit.fit(enc, encoder.model, texts, labels, poolTexts, o, seed, show);
                        if (!setfit.distilInto.isEmpty()) {
                            report("teacher: ", r, o, texts.size());
                            distil(r.classifier(), enc, texts, labels, poolTexts, o, t0);
                            return 0;
                        }
                        double ms = (System.nanoTime() - t0) / 1e6;
                        SetFit.save(r.classifier(), enc, src, out);
                        report("", r, o, texts.size());
                        System.out.printf(Locale.ROOT, "fitted setfit on %d examples of %d labels in %.0f ms; saved with its fine-tuned encoder to %s%n",
                                texts.size(), r.classifier().labels().size(), ms, out);
                    }
                }
                return 0;
            }
            try (var enc = encoder.open()) {
                long t0 = System.nanoTime();
                var m = method.equals("meta")
                        ? dev.polymath.text.fewshot.MetaMethod.with(meta.train(t, enc, seed, line -> System.err.println("fewshot: " + line)))
                        : FewShotMethods.get(method);
                var clf = FewShotClassifier.fit(enc, encoder.model, m, texts, labels, poolTexts, seed);
                double ms = (System.nanoTime() - t0) / 1e6;
                clf.save(out);
                System.out.printf(Locale.ROOT, "fitted %s on %d examples of %d labels in %.0f ms; saved to %s%n",
                        method, texts.size(), clf.labels().size(), ms, out);
            }
            return 0;
        }

        /** Distils {@code teacher} through the {@code --setfit-distil-into} chain and saves the last student to {@code --out}. */
        private Void distil(FewShotClassifier teacherClf, dev.polymath.text.encoder.SentenceEncoder teacherEnc, List<String> texts, List<String> labels,
                            List<String> poolTexts, SetFit.Options o, long t0) {
            var students = setfit.distilInto.stream().map(BertSource::resolve).toList();
            var d = setfit.distillation();
            try (var progress = dev.polymath.core.run.Progress.builder("distil").total(d.totalSteps(students.size())).unit("steps").build()) {
                d.chain(teacherClf, teacherEnc, students, SetFitOptions.settings(encoder), texts, labels, poolTexts, o, seed,
                        (g, fold, folds, student, r) -> {
                            System.out.printf(Locale.ROOT, "distilled into %s%s with %d of its teacher's labels of %d pool texts (%d steps%s%s)%n",
                                    students.get(g).name(), folds > 1 ? " (fold " + (fold + 1) + " of " + folds + ")" : "",
                                    r.pseudoRows().length, r.poolTexts(), d.steps(),
                                    d.softSteps() > 0 ? " + " + d.softSteps() + " on the teacher's probabilities" : "",
                                    d.propagation().on() ? "; labels spread over its " + d.propagation().neighbours() + "-neighbour graph" : "");
                            if (g == students.size() - 1) SetFit.save(r.student().classifier(), student, students.get(g), out);
                        }, (step, stepTexts, stepLabels) -> progress.step());
            }
            System.out.printf(Locale.ROOT, "distilled the teacher (%s) in %.0f ms; saved the last student (%s) with its fine-tuned encoder to %s%n",
                    teacher != null ? teacher : "setfit on " + encoder.model, (System.nanoTime() - t0) / 1e6,
                    students.get(students.size() - 1).name(), out);
            return null;
        }
    }

    /** Runs {@code f} on the classifier saved in {@code model} and its encoder (a setfit fit's own, else {@code encoder}'s). */
    static <R> R withSaved(Path model, EncoderOptions encoder, java.util.function.BiFunction<FewShotClassifier, dev.polymath.text.encoder.SentenceEncoder, R> f) {
        if (SetFit.isSetFit(model)) {
            var loaded = SetFit.load(model, SetFitOptions.settings(encoder));
            try (var enc = loaded.encoder()) {
                return f.apply(loaded.classifier(), enc);
            }
        }
        try (var enc = encoder.open(FewShotClassifier.savedModel(model))) {
            return f.apply(FewShotClassifier.load(model, enc.identity()), enc);
        }
    }

    /** One SetFit fit's training summary on standard output. */
    static void report(String prefix, SetFit.Result r, SetFit.Options o, int examples) {
        if (r.skipped() > 0) System.err.printf(Locale.ROOT, "setfit: %s%d step(s) skipped: loss not finite%n", prefix, r.skipped());
        if (r.pseudoRows().length > 0) System.out.printf(Locale.ROOT, "%sself-training: %d pseudo-labelled pool texts%n", prefix, r.pseudoRows().length);
        System.out.printf(Locale.ROOT, "%ssetfit trained (%d pairs, %d steps, loss %.4f -> %.4f, head %s)%n", prefix, r.pairs(), r.steps(),
                r.meanFirst(10), r.meanLast(10), o.head());
    }

    @Command(name = "predict", description = "Predict labels with a saved classifier; prints text<TAB>label<TAB>probability.")
    static final class Predict implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "folder written by 'fewshot fit'")
        Path model;

        @Option(names = "--input", required = true, paramLabel = "FILE|REF", description = "one text per line, or dataset:split")
        String input;

        @Mixin
        EncoderOptions encoder = new EncoderOptions();

        @Override
        public Integer call() {
            // a labelled dataset:split (a classification task) is also scored; a file is only predicted
            Task labelled = !java.nio.file.Files.isRegularFile(Path.of(input)) && input.contains(":") ? labelledTask(input) : null;
            List<String> texts = labelled == null ? TextDatasets.texts(input) : examples(labelled).get(0);
            withSaved(model, encoder, (clf, enc) -> {
                double[][] probs = clf.predictProba(enc, texts);
                print(texts, clf, probs);
                if (labelled != null) {
                    List<String> gold = examples(labelled).get(1);
                    int right = 0;
                    for (int i = 0; i < probs.length; i++) if (clf.labels().label(argmax(probs[i])).equals(gold.get(i))) right++;
                    System.err.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d texts of %s)%n", 100.0 * right / probs.length, right, probs.length, input);
                }
                return null;
            });
            return 0;
        }

        /** The classification task {@code ref} names, or null when it has none (then only its texts are predicted). */
        private static Task labelledTask(String ref) {
            for (Task t : DatasetCatalog.resolve(ref).tasks()) if (t.kind() == TaskKind.CLASSIFICATION) return t;
            return null;
        }

        private static int argmax(double[] p) {
            int best = 0;
            for (int c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
            return best;
        }

        private static void print(List<String> texts, FewShotClassifier clf, double[][] p) {
            var sb = new StringBuilder();
            for (int i = 0; i < texts.size(); i++) {
                int best = argmax(p[i]);
                sb.append(texts.get(i).replace('\t', ' ').replace('\n', ' ').replace('\r', ' ')).append('\t').append(clf.labels().label(best)).append('\t')
                        .append(String.format(Locale.ROOT, "%.4f", p[i][best])).append('\n');
            }
            System.out.print(sb);
        }
    }

    @Command(name = "eval", description = "Accuracy of methods on a dataset's fixed few-shot splits and on sampled support sets.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--dataset", required = true, description = "catalog name (banking77, clinc150, snips) or a folder")
        String dataset;

        @Option(names = "--task", description = "task within the dataset (default: its first classification task)")
        String task;

        @Option(names = "--test-split", defaultValue = "test")
        String testSplit;

        @Option(names = "--shots", defaultValue = "5,10", split = ",")
        List<Integer> shots;

        @Option(names = "--methods", defaultValue = "prototype,logistic", split = ",",
                description = "comma-separated, from: ${COMPLETION-CANDIDATES}; selftrain:BASE self-trains another base (e.g. selftrain:logistic)",
                completionCandidates = MethodNames.class)
        List<String> methods;

        @Option(names = "--splits", defaultValue = "0", description = "number of sampled support sets per K (besides the fixed splits)")
        int draws;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Option(names = "--no-fixed-splits", description = "skip the fixed few-shot splits; only the --splits sampled support sets")
        boolean noFixed;

        @Mixin
        EncoderOptions encoder = new EncoderOptions();

        @Mixin
        SetFitOptions setfit = new SetFitOptions();

        @Mixin
        MetaSourceOptions meta = new MetaSourceOptions();

        @Mixin
        RunsOption runs = new RunsOption();

        @Override
        public Integer call() {
            methods.forEach(FewShotMethods::check);   // fail on an unknown name before any encoding
            Task t = classificationTask(dataset, task);
            MetaTuning.checkNotTunedOn(encoder.model, t.name());
            var config = new LinkedHashMap<String, Object>();
            config.put("dataset", dataset);
            config.put("task", t.name());
            config.put("test_split", testSplit);
            config.put("shots", shots);
            config.put("methods", methods);
            config.put("sampled_splits", draws);
            config.put("encoder", encoder.model);
            if (methods.stream().anyMatch(FewShotMethods::isSetFit)) config.put("setfit", setfit.options().toString());
            if (!setfit.ensembleEncoders.isEmpty()) config.put("setfit_ensemble_encoders", setfit.ensembleEncoders);
            if (!setfit.distilInto.isEmpty()) config.put("setfit_distillation", String.join(",", setfit.distilInto) + " " + setfit.distillation());
            try (var enc = encoder.open(); Run run = Run.start(runs.dir(), "fewshot-eval", config, seed)) {
                run.dataset(t.name(), DatasetCatalog.locate(t.name().split("/")[0].split(":")[0]));
                var eval = new FewShotEvaluation(t, testSplit, enc, encoder.model, line -> System.err.println("fewshot: " + line))
                        .withFixedSplits(!noFixed);
                if (methods.stream().anyMatch(FewShotMethods::isSetFit)) {
                    eval.withSetFit(SetFitOptions.source(encoder), SetFitOptions.settings(encoder), setfit.options())
                            .withSetFitCheckpoints(setfit.checkpoints).withSetFitSelectionSplit(setfit.selectionSplit)
                            .withSetFitEnsemble(setfit.ensemble).withSetFitWise(setfit.wise).withSetFitSoup(setfit.soup)
                            .withSetFitMemberEncoders(setfit.ensembleEncoders.stream().map(BertSource::resolve).toList())
                            .withSetFitDistillation(setfit.distilInto.stream().map(BertSource::resolve).toList(), setfit.distillation());
                }
                if (methods.contains("meta")) eval.withMeta(meta.train(t, enc, seed, line -> System.err.println("fewshot: " + line)));
                var rows = eval.run(methods, shots, draws, seed);
                var table = Table.builder("Few-shot accuracy (%) on " + t.name() + " " + testSplit + " (" + t.size(testSplit)
                        + " texts), encoder " + encoder.model)
                        .columns("method", "shots", "support sets", "accuracy", "fit (ms)", "predict (ms)");
                for (var r : rows) {
                    String acc = r.draws() > 1 ? String.format(Locale.ROOT, "%.2f ± %.2f (std, %d draws)", r.mean(), r.std(), r.draws())
                            : String.format(Locale.ROOT, "%.2f", r.mean());
                    table.row(r.method(), r.shots(), r.supports(), acc, millis(r.meanFitMillis()), millis(r.meanPredictMillis()));
                    run.metric(t.name() + " " + r.shots() + "-shot " + r.supports(), r.method() + " accuracy", r.mean());
                }
                Table tb = table.build();
                System.out.print(tb.toText());
                run.table(tb);
                run.value("rows", rows.stream().map(FewShotEvaluation::describe).toList());
                var dir = run.commit();
                System.out.println("report: " + dir.resolve("report.html"));
            }
            return 0;
        }
    }

    @Command(name = "meta-tune", description = "Meta-tune the encoder for zero-shot classification on other labelled datasets "
            + "(each utterance towards its label's words) and save it; then use it with --encoder DIR.")
    static final class MetaTune implements Callable<Integer> {
        @Option(names = "--sources", required = true, split = ",", paramLabel = "REF",
                description = "labelled datasets to tune on, comma-separated (e.g. clinc150:train,snips:train); never the evaluation target")
        List<String> sources;

        @Option(names = "--exclude-labels-of", paramLabel = "REF",
                description = "leave out source classes whose label words equal one of this dataset's labels (the intended target)")
        String excludeLabelsOf;

        @Option(names = "--out", required = true, description = "folder to write the tuned encoder to")
        Path out;

        @Option(names = "--steps", description = "AdamW steps (default: 300)")
        Integer steps;

        @Option(names = "--batch", description = "classes per step, one utterance each (default: 64)")
        Integer batch;

        @Option(names = "--lr", description = "learning rate (default: 2e-5)")
        Double lr;

        @Option(names = "--scale", description = "similarity scale of the ranking loss (default: 20)")
        Float scale;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Mixin
        EncoderOptions encoder = new EncoderOptions();

        @Override
        public Integer call() {
            var d = MetaTuning.Options.defaults();
            var o = new MetaTuning.Options(steps != null ? steps : d.steps(), batch != null ? batch : d.batchSize(),
                    lr != null ? lr : d.learningRate(), scale != null ? scale : d.scale());
            var srcs = new ArrayList<MetaTuning.Source>();
            for (String ref : sources) {
                var xy = examples(intentTask(ref));
                srcs.add(new MetaTuning.Source(ref.strip(), xy.get(0), xy.get(1)));
            }
            List<String> exclude = List.of();
            if (excludeLabelsOf != null) {
                Task target = intentTask(excludeLabelsOf);
                if (srcs.stream().anyMatch(s -> MetaTuning.sameDataset(s.dataset(), excludeLabelsOf))) {
                    throw new IllegalArgumentException("--sources includes the target " + excludeLabelsOf + " itself; tune on other datasets");
                }
                exclude = target.labels();
            }
            var src = SetFitOptions.source(encoder);
            long t0 = System.nanoTime();
            try (var enc = BertSentenceEncoder.open(src, SetFitOptions.settings(encoder));
                 var progress = dev.polymath.core.run.Progress.builder("meta-tune").unit("steps").total(o.steps()).build()) {
                var r = MetaTuning.tune(enc, srcs, exclude, o, seed, progress::set);
                MetaTuning.save(enc, src, out, MetaTuning.provenance(srcs, excludeLabelsOf, o, seed, r));
                if (r.skipped() > 0) System.err.printf(Locale.ROOT, "meta-tune: %d step(s) skipped: loss not finite%n", r.skipped());
                String left = excludeLabelsOf == null ? "" : String.format(Locale.ROOT, "; %d left out as named like %s's", r.excluded(), excludeLabelsOf);
                System.out.printf(Locale.ROOT, "meta-tuned on %d classes (%d utterances%s), %d steps, loss %.4f -> %.4f, %.0f s; saved the encoder to %s%n",
                        r.classes(), r.utterances(), left, o.steps(), r.meanFirst(10), r.meanLast(10), (System.nanoTime() - t0) / 1e9, out);
            }
            return 0;
        }
    }

    /** A time in ms, or "-" where none was measured (learning-curve checkpoint rows). */
    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f", ms);
    }

    static final class MethodNames extends ArrayList<String> {
        MethodNames() {
            super(FewShotMethods.names());
        }
    }
}
