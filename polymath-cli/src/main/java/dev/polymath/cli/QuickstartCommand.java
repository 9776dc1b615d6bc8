package dev.polymath.cli;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.data.MmluLoader;
import dev.polymath.core.report.BarChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Progress;
import dev.polymath.core.run.Run;
import dev.polymath.core.sample.ClassSplit;
import dev.polymath.core.sample.Episode;
import dev.polymath.core.sample.EpisodePool;
import dev.polymath.core.sample.EpisodeSampler;
import dev.polymath.core.sample.EpisodeStats;
import dev.polymath.core.sample.HeldOutSplit;
import dev.polymath.core.sample.MixingStrategy;
import dev.polymath.core.sample.TaskMixture;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.fewshot.SetFit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code polymath quickstart}: the one-command tour on bundled data only. Each section is one capability,
 * printed as a table, and the whole tour is written as a run record with an HTML report.
 */
@Command(name = "quickstart", description = "One-command tour of Polymath on the bundled data (under 3 minutes on 2 cores).")
final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--seed", description = "seed for every sampler (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--setfit-steps", description = "steps of the setfit-LoRA fit in the few-shot section (BANKING77 5-shot); "
            + "0 skips it (default: ${DEFAULT-VALUE})")
    int setFitSteps = QUICK_SETFIT_STEPS;

    /** The quickstart's setfit-LoRA budget, chosen on held-out train examples (docs/results/fewshot.md, "Quickstart"). */
    static final int QUICK_SETFIT_STEPS = 60;
    static final double QUICK_SETFIT_LR = 3e-4;

    @Mixin
    RunsOption runs = new RunsOption();

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        var config = new LinkedHashMap<String, Object>();
        config.put("seed", seed);
        config.put("datasets", List.of("clinc150", "banking77", "snips", "stsb", "mmlu", "bbh"));
        config.put("encoder", "all-MiniLM-L6-v2 (ONNX, built in)");
        config.put("fewshot_methods", setFitSteps > 0 ? List.of("zeroshot", "prototype", "logistic", "setfit") : List.of("zeroshot", "prototype", "logistic"));
        if (setFitSteps < 0) throw new IllegalArgumentException("--setfit-steps must be >= 0, got " + setFitSteps);
        if (setFitSteps > 0) config.put("setfit", quickSetFit().toString());
        try (Run run = Run.start(runs.dir(), "quickstart", config, seed)) {
            out.println("Polymath quickstart: one model, many tasks, new tasks from a few examples (seed " + seed + ")");
            out.println();
            Map<String, TaskSuite> suites = data(run);
            episodes(run, suites.get("clinc150"));
            mixtures(run, suites);
            heldOut(run, suites.get("mmlu"));
            fewShot(run, suites.get("banking77"));
            run.info("elapsed", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9));
            var dir = run.commit();
            out.printf(Locale.ROOT, "Done in %.1f s. Report: %s%n", (System.nanoTime() - t0) / 1e9, dir.resolve("report.html"));
        }
        return 0;
    }

    /** 1. The bundled datasets as tasks: kinds, label sets, split sizes. */
    private Map<String, TaskSuite> data(Run run) {
        var names = List.of("clinc150", "banking77", "snips", "stsb", "mmlu", "bbh");
        var suites = new LinkedHashMap<String, TaskSuite>();
        var table = Table.builder("1. Task data: bundled datasets loaded as tasks")
                .columns("dataset", "tasks", "kinds", "labels (first task)", "train", "validation", "test", "licence");
        try (var p = Progress.builder("loading datasets").total(names.size()).unit("datasets").build()) {
            for (String name : names) {
                TaskSuite s = DatasetCatalog.load(name);
                suites.put(name, s);
                run.dataset(name, DatasetCatalog.locate(name));
                var kinds = s.tasks().stream().map(t -> t.kind().id()).distinct().toList();
                table.row(name, s.size(), String.join(", ", kinds), s.tasks().get(0).labels().size(),
                        total(s, Task.TRAIN), total(s, Task.VALIDATION), total(s, Task.TEST), DatasetCatalog.entry(name).licence());
                p.step();
            }
        }
        print(run, table.note("Counts are examples summed over a dataset's tasks; CLINC150 counts each utterance once per "
                + "task view (intent, domain, per-domain).").build());
        return suites;
    }

    /** 2. Meta-learning episodes over CLINC150 intents, with classes split by domain. */
    private void episodes(Run run, TaskSuite clinc) {
        Task intents = clinc.task("clinc150/intent");
        Map<String, String> domainOf = new LinkedHashMap<>();
        for (Task t : clinc.tasks()) {
            if (t.name().startsWith("clinc150/by-domain/")) for (String l : t.labels()) domainOf.put(l, t.category());
        }
        ClassSplit split = ClassSplit.byGroups(intents.labels(), domainOf, 6, 2, 2, seed);
        var sampler = EpisodeSampler.over(intents).split(Task.TEST).shape(5, 5, 15).classes(split.test()).seed(seed).build();
        EpisodePool pool;
        try (var p = Progress.builder("sampling test episodes").total(600).unit("episodes").build()) {
            var list = new ArrayList<Episode>();
            for (int i = 0; i < 600; i++) { list.add(sampler.episode(i)); p.step(); }
            pool = new EpisodePool(sampler.describe(), list);
        }
        EpisodeStats stats = EpisodeStats.of(pool.episodes());
        Episode first = pool.get(0);
        var t = Table.builder("2. Episodes: 5-way 5-shot CLINC150 intents, meta-test classes from held-out domains")
                .columns("episode label", "intent", "domain", "support", "query");
        for (int c = 0; c < first.ways(); c++) {
            String cls = first.className(c);
            t.row(c, cls, domainOf.get(cls), first.support().stream().filter(e -> e.label() == first.episodeLabel(cls)).count(),
                    first.query().stream().filter(e -> e.label() == first.episodeLabel(cls)).count());
        }
        print(run, t.note("meta-train/validation/test classes: " + split.train().size() + "/" + split.validation().size()
                + "/" + split.test().size() + " intents (6/2/2 domains). Fixed pool of 600 test episodes, fingerprint "
                + pool.fingerprint() + ": " + stats.toString().replace('\n', ' ')).build());
        run.value("episodes.pool_fingerprint", pool.fingerprint());
        run.value("episodes.classes_used", stats.classesUsed());
    }

    /** 3. Task mixtures: how much each task is sampled under each strategy. */
    private void mixtures(Run run, Map<String, TaskSuite> suites) {
        Task banking = suites.get("banking77").tasks().get(0);
        // A new customer's task: BANKING77 with only its DNNC 5-shot split (5 examples per intent) for training.
        Task newCustomer = banking.withName("banking77 (5-shot)").withSplits(Map.of(Task.TRAIN, banking.split("train_5")));
        List<Task> tasks = List.of(suites.get("clinc150").task("clinc150/intent"), banking,
                suites.get("snips").task("snips/intent"), suites.get("stsb").tasks().get(0), newCustomer);
        var strategies = List.of("proportional", "examples-capped:3000", "temperature:2:3000", "uniform");
        var t = Table.builder("3. Task mixtures: share of training batches per task (train splits)")
                .columns(cols(strategies)).decimals(3);
        var chart = BarChart.builder("Mixture probability per task").yLabel("probability").decimals(2);
        var rows = new ArrayList<List<Object>>();
        double[][] p = new double[strategies.size()][];
        for (int s = 0; s < strategies.size(); s++) {
            p[s] = TaskMixture.of(tasks, Task.TRAIN, MixingStrategy.parse(strategies.get(s)), seed).probabilities();
        }
        chart.categories(tasks.stream().map(Task::name).toArray(String[]::new));
        for (int s = 0; s < strategies.size(); s++) chart.series(strategies.get(s), p[s]);
        for (int i = 0; i < tasks.size(); i++) {
            var row = new ArrayList<Object>();
            Task task = tasks.get(i);
            row.add(task.name());
            row.add(task.size(Task.TRAIN));
            for (int s = 0; s < strategies.size(); s++) row.add(p[s][i]);
            rows.add(row);
        }
        rows.forEach(t::row);
        print(run, t.note("temperature:T:K samples task t with probability proportional to min(n_t, K)^(1/T) (T5 / OPT-IML).").build());
        run.chart(chart.build());
    }

    /** 4. Held-out generalization splits at three levels, on MMLU's 57 subjects. */
    private void heldOut(Run run, TaskSuite mmlu) {
        TaskSuite grouped = MmluLoader.byGroup(mmlu);
        var splits = List.of(
                HeldOutSplit.categories(grouped, 1, seed),
                HeldOutSplit.tasks(grouped, 2, seed),
                HeldOutSplit.instances(grouped, Task.TEST, 0.2, seed));
        var t = Table.builder("4. Held-out splits on MMLU (57 subjects in 4 groups)")
                .columns("level", "train tasks", "eval tasks", "held out");
        for (var s : splits) {
            String held = s.heldOut().size() > 4 ? String.join(", ", s.heldOut().subList(0, 4)) + ", ... (" + s.heldOut().size() + ")"
                    : String.join(", ", s.heldOut());
            t.row(s.level().id(), s.train().size(), s.eval().size(), held);
        }
        print(run, t.build());
    }

    /** 5. A new task from a handful of examples: BANKING77 intents on the built-in MiniLM encoder. */
    private void fewShot(Run run, TaskSuite banking) {
        Task task = banking.tasks().get(0);
        var test = task.split(Task.TEST);
        var t = Table.builder("5. Few-shot adaptation: BANKING77 (77 intents), accuracy on its " + test.size()
                        + " test utterances, encoder all-MiniLM-L6-v2 (built in)")
                .columns("method", "labelled examples per intent", "accuracy (%)", "fit (ms)");
        try (var enc = dev.polymath.text.encoder.OnnxSentenceEncoder.miniLm()) {
            run.model("all-MiniLM-L6-v2", enc.identity().modelChecksum());
            dev.polymath.text.FloatMatrix testEmb;
            try (var p = Progress.builder("embedding BANKING77 test").total(test.size()).unit("texts").build()) {
                testEmb = enc.encode(test.stream().map(dev.polymath.core.task.Example::text).toList(), (done, total) -> p.set(done));
            }
            var gold = test.stream().map(dev.polymath.core.task.Example::label).toList();
            long t0 = System.nanoTime();
            var zero = dev.polymath.text.fewshot.FewShotClassifier.fitLabels(enc, "minilm", task.labels());
            double zeroAcc = accuracy(zero.predict(testEmb), gold);
            t.row("zeroshot (label names only)", 0, zeroAcc, (System.nanoTime() - t0) / 1e6);
            run.metric("banking77 0-shot", "zeroshot accuracy", zeroAcc);
            double[][] bars = {{zeroAcc, Double.NaN, Double.NaN, Double.NaN}, {Double.NaN, 0, 0, Double.NaN}, {Double.NaN, 0, 0, Double.NaN}};
            int shotIndex = 1;
            for (String split : List.of("train_5", "train_10")) {
                var support = task.split(split);
                int k = support.size() / task.labels().size();
                var texts = support.stream().map(dev.polymath.core.task.Example::text).toList();
                var labels = support.stream().map(dev.polymath.core.task.Example::label).toList();
                for (String m : List.of("prototype", "logistic")) {
                    long s0 = System.nanoTime();
                    var clf = dev.polymath.text.fewshot.FewShotClassifier.fit(enc, "minilm",
                            dev.polymath.text.fewshot.FewShotMethods.get(m), texts, labels, List.of(), seed);
                    double ms = (System.nanoTime() - s0) / 1e6;
                    double acc = accuracy(clf.predict(testEmb), gold);
                    t.row(m, k, acc, ms);
                    run.metric("banking77 " + k + "-shot", m + " accuracy", acc);
                    bars[shotIndex][m.equals("prototype") ? 1 : 2] = acc;
                }
                if (k == 5 && setFitSteps > 0) {
                    double acc = setFit(run, t, texts, labels, test, gold);
                    bars[shotIndex][3] = acc;
                }
                shotIndex++;
            }
            run.chart(BarChart.builder("BANKING77 accuracy (%) by examples per intent")
                    .categories("zeroshot", "prototype", "logistic", "setfit-LoRA").series("0 examples", bars[0])
                    .series("5 per intent", bars[1]).series("10 per intent", bars[2]).yLabel("accuracy (%)").decimals(1).build());
        }
        print(run, t.decimals(2).note("Support sets are the fixed DNNC 5- and 10-shot splits; fit time includes embedding the support set"
                + (setFitSteps > 0 ? "; setfit-LoRA fine-tunes MiniLM (LoRA rank 8, in-batch negatives, lr " + QUICK_SETFIT_LR + ", "
                + setFitSteps + " steps of 32 pairs) then fits a prototype head, and predicts with the fine-tuned encoder. More steps "
                + "and full fine-tuning do better (docs/results/fewshot.md)" : "") + ".").build());
    }

    private SetFit.Options quickSetFit() {
        return SetFit.Options.mnrLora().withMaxSteps(setFitSteps).withLearningRate(QUICK_SETFIT_LR);
    }

    /** setfit-LoRA on the 5-shot support set within the quickstart's budget; returns the test accuracy. */
    private double setFit(Run run, Table.Builder t, List<String> texts, List<String> labels,
                          List<dev.polymath.core.task.Example> test, List<String> gold) {
        try (var enc = BertSentenceEncoder.open(BertSource.builtinMiniLm(), EncoderSettings.defaults())) {
            long s0 = System.nanoTime();
            SetFit.Result r;
            try (var p = Progress.builder("setfit-LoRA fine-tuning (BANKING77 5-shot)").total(setFitSteps).unit("steps").build()) {
                r = SetFit.fit(enc, "minilm", texts, labels, List.of(), quickSetFit(), seed, (step, x, y) -> p.set(step));
            }
            double ms = (System.nanoTime() - s0) / 1e6;
            List<String> pred;
            try (var p = Progress.builder("embedding BANKING77 test (fine-tuned)").total(test.size()).unit("texts").build()) {
                pred = r.classifier().predict(enc.encode(test.stream().map(dev.polymath.core.task.Example::text).toList(),
                        (done, total) -> p.set(done)));
            }
            double acc = accuracy(pred, gold);
            t.row("setfit-LoRA (" + setFitSteps + " steps)", texts.size() / r.classifier().labels().size(), acc, ms);
            run.metric("banking77 5-shot", "setfit-LoRA accuracy", acc);
            return acc;
        }
    }

    private static double accuracy(List<String> pred, List<String> gold) {
        int c = 0;
        for (int i = 0; i < gold.size(); i++) if (pred.get(i).equals(gold.get(i))) c++;
        return 100.0 * c / gold.size();
    }

    private void print(Run run, Table table) {
        out.print(table.toText());
        out.println();
        run.table(table);
    }

    private static List<String> cols(List<String> strategies) {
        var c = new ArrayList<String>();
        c.add("task");
        c.add("examples");
        c.addAll(strategies);
        return c;
    }

    private static long total(TaskSuite s, String split) {
        return s.tasks().stream().mapToLong(t -> t.size(split)).sum();
    }
}
