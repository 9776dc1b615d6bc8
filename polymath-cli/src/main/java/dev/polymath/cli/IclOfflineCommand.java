package dev.polymath.cli;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.report.LineChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Progress;
import dev.polymath.core.run.Run;
import dev.polymath.core.sample.ClassSplit;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.learner.InContextLearners;
import dev.polymath.icl.learner.KernelVoteLearner;
import dev.polymath.icl.offline.SelectorCurves;
import dev.polymath.icl.select.LookupEmbedder;
import dev.polymath.icl.select.RetrieverTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code polymath icl offline}: the offline demonstration-selection experiment ({@link SelectorCurves}) on intent
 * datasets encoded with a sentence encoder, with in-context learners that read (embedding, label) demonstrations.
 */
@Command(name = "offline", mixinStandardHelpOptions = true,
        description = "Compare demonstration selectors with an offline in-context learner over sentence embeddings "
                + "(CLINC150, BANKING77): accuracy of ways-way tasks over held-out intents at k demonstrations.")
final class IclOfflineCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Option(names = "--dataset", split = ",", defaultValue = "clinc150,banking77", description = "clinc150 and/or banking77 (default: ${DEFAULT-VALUE})")
    List<String> datasets;

    @Option(names = "--learner", split = ",", defaultValue = KernelVoteLearner.NAME, description = "in-context learners: kernel-vote, gpicl:DIR, or gpicl with --gpicl-model DIR (default: ${DEFAULT-VALUE})")
    List<String> learners;

    @Option(names = "--selectors", split = ",", defaultValue = "random,label-balanced,knn,mmr,cross-task,learned",
            description = "selectors to compare (default: ${DEFAULT-VALUE})")
    List<String> selectors;

    @Option(names = "--shots", split = ",", defaultValue = "1,2,4,8,16", description = "numbers of demonstrations (default: ${DEFAULT-VALUE})")
    List<Integer> shots;

    @Option(names = "--ways", defaultValue = "4", description = "classes per evaluation task (default: ${DEFAULT-VALUE}, as the GPICL learner's default)")
    int ways;

    @Option(names = "--partitions", defaultValue = "3", description = "times the held-out classes are re-grouped into tasks (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--seed", defaultValue = "1234", description = "seed of task grouping, selection and retriever training (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--split-seed", defaultValue = "0", description = "seed of the meta-train/test class split, as 'polymath meta --seed' (default: ${DEFAULT-VALUE})")
    long splitSeed;

    @Option(names = "--mmr-lambda", defaultValue = "0.5", description = "MMR trade-off (default: ${DEFAULT-VALUE})")
    double lambda;

    @Option(names = "--cross-task-inner", defaultValue = "knn", description = "selector inside cross-task (default: ${DEFAULT-VALUE})")
    String crossTaskInner;

    @Option(names = "--kernel-temperature", defaultValue = "0.1", description = "τ of the kernel-vote learner (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--retriever-queries", defaultValue = "2000", description = "training queries of the learned retriever (default: ${DEFAULT-VALUE})")
    int retrieverQueries;

    @Option(names = "--retriever-candidates", defaultValue = "16", description = "candidates scored per training query (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--retriever-steps", defaultValue = "300", description = "Adam steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--retriever-batch", defaultValue = "32", description = "queries per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--retriever-lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--retriever-in-domain", description = "train the learned retriever on the train split of the evaluated classes (as UDR does) instead of the meta-train classes")
    boolean inDomain;

    @Option(names = "--gpicl-model", paramLabel = "DIR", description = "model folder of the meta-trained GPICL learner (config.json + model.safetensors, from 'polymath meta icl --out DIR'), for --learner gpicl")
    Path gpiclModel;

    @Option(names = "--learner-batch", defaultValue = "" + dev.polymath.nn.meta.icl.InContextClassifier.BATCH,
            description = "prompts per forward pass of the gpicl learner; 1 = one prompt at a time (default: ${DEFAULT-VALUE})")
    int learnerBatch;

    @Option(names = "--save-retrievers", paramLabel = "DIR", description = "also write each trained retriever as DIR/<dataset>-<learner>.safetensors")
    Path saveRetrievers;

    @Mixin
    EncoderOptions encoder = new EncoderOptions();

    @Mixin
    RunsOption runs = new RunsOption();

    @Override
    public Integer call() {
        PrintWriter out = cmd.commandLine().getOut();
        for (String d : datasets) {
            if (!d.equals("clinc150") && !d.equals("banking77")) throw new IllegalArgumentException("--dataset must be clinc150 or banking77, got '" + d + "'");
        }
        if (learners.contains(GpiclLearner.NAME) && gpiclModel == null) throw new IllegalArgumentException("--learner gpicl needs --gpicl-model DIR (or --learner gpicl:DIR)");
        for (String l : learners) {
            if (!OfflineLearners.isLearner(l)) throw new IllegalArgumentException("unknown --learner '" + l + "'; known: kernel-vote, gpicl:DIR, " + String.join(", ", InContextLearners.names()));
        }
        var cfg = new SelectorCurves.Config(ways, partitions, shots, selectors, seed, lambda, crossTaskInner,
                new RetrieverTrainer.Options(candidates, steps, batch, lr, 1.0, seed), retrieverQueries, inDomain);
        var config = new LinkedHashMap<String, Object>();
        config.put("datasets", datasets);
        config.put("learners", learners);
        config.put("selectors", selectors);
        config.put("shots", shots);
        config.put("ways", ways);
        config.put("partitions", partitions);
        config.put("split_seed", splitSeed);
        config.put("mmr_lambda", lambda);
        config.put("cross_task_inner", crossTaskInner);
        config.put("kernel_temperature", temperature);
        config.put("retriever", cfg.retriever().describe());
        config.put("retriever_queries", retrieverQueries);
        config.put("retriever_in_domain", inDomain);
        config.put("encoder", encoder.model);
        config.put("gpicl_model", gpiclModel == null ? null : gpiclModel.toString());
        config.put("learner_batch", learnerBatch);
        try (Run run = Run.start(runs.dir(), "icl-offline", config, seed)) {
            for (String name : datasets) {
                TaskSuite suite = DatasetCatalog.load(name);
                run.dataset(name, DatasetCatalog.locate(name));
                Task task = IntentEpisodes.intentTask(name, suite);
                ClassSplit split = IntentEpisodes.classSplit(name, suite, splitSeed);
                var data = dataset(name, task);
                var learnerList = new ArrayList<InContextLearner>();
                for (String l : learners) {
                    learnerList.add(OfflineLearners.create(l, gpiclModel, () -> vectors, seed, temperature, learnerBatch));
                    Path dir = OfflineLearners.modelDir(l, gpiclModel);
                    if (dir != null) run.model(GpiclLearner.NAME, dir);
                }
                long units = SelectorCurves.units(data, split, learnerList.size(), cfg);
                SelectorCurves.Outcome o;
                try (var progress = Progress.builder("icl offline " + name).total(units).unit("task x selector x k cells").build()) {
                    o = SelectorCurves.run(data, split, learnerList, cfg, progress::step);
                }
                o.retrievers().forEach((l, t) -> {
                    run.series("retriever loss " + name + " " + l, xs(t.losses().length), t.losses());
                    run.info("retriever " + name + " " + l, String.format(Locale.ROOT, "UDR loss %.4f -> %.4f over %d steps",
                            t.losses().length > 0 ? t.losses()[0] : Double.NaN, t.losses().length > 0 ? t.losses()[t.losses().length - 1] : Double.NaN, t.losses().length));
                    if (saveRetrievers != null) {
                        Path f = saveRetrievers.resolve(name + "-" + l + ".safetensors");
                        t.projection().save(f);
                        out.println("retriever saved: " + f);
                    }
                });
                o.times().forEach((l, t) -> {
                    String line = String.format(Locale.ROOT, "%s on %s: %d evaluation prompts in %.1f s (%.3f ms per prompt, batch %d)",
                            l, name, t.prompts(), t.seconds(), 1000 * t.seconds() / Math.max(1, t.prompts()), learnerBatch);
                    run.info("learner time " + name + " " + l, line);
                    out.println(line);
                });
                for (String l : learners) {
                    String lname = learnerList.get(learners.indexOf(l)).name();
                    Table table = table(name, lname, o, split, cfg);
                    run.table(table);
                    out.println(table.toText());
                }
                run.chart(chart(name, o, learnerList, cfg));
                for (var p : o.points()) run.metric(name + "/" + p.learner() + "/" + p.selector() + "/k=" + p.shots(), "accuracy", p.accuracy(), p.ci());
                for (InContextLearner l : learnerList) if (l instanceof AutoCloseable c) close(c);
            }
            run.note("Accuracy of " + ways + "-way tasks over held-out intents (mean ± 95% normal CI over queries). "
                    + "See docs/results/icl.md for the protocol.");
            Path dir = run.commit();
            out.println("Run record: " + dir);
        }
        out.flush();
        return 0;
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not close " + c + ": " + e.getMessage(), e);
        }
    }

    /** The last dataset's embeddings (train then test), for learners that need input statistics. */
    private float[][] vectors;

    private SelectorCurves.Dataset dataset(String name, Task task) {
        List<Example> train = task.split(Task.TRAIN), test = task.split(Task.TEST);
        var texts = new ArrayList<String>();
        for (Example e : train) texts.add(e.text());
        for (Example e : test) texts.add(e.text());
        float[][] v;
        String id;
        try (var enc = encoder.open()) {
            System.err.println("icl offline: embedding " + texts.size() + " " + name + " utterances (cached after the first run)");
            v = enc.encode(texts).toArrays();
            vectors = v;
            id = encoder.model + " sha256=" + enc.identity().modelChecksum();
        }
        return new SelectorCurves.Dataset(name, train, test, new LookupEmbedder(id, texts, v));
    }

    static double[] xs(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }

    static Table table(String dataset, String learner, SelectorCurves.Outcome o, ClassSplit split, SelectorCurves.Config cfg) {
        var cols = new ArrayList<String>();
        cols.add("selector");
        for (int k : cfg.shots()) cols.add("k=" + k);
        var t = Table.builder(String.format(Locale.ROOT, "%s, %s learner: accuracy (%%) of %d-way tasks over %d held-out intents",
                dataset, learner, cfg.ways(), split.test().size())).columns(cols);
        for (String s : cfg.selectors()) {
            var row = new ArrayList<Object>();
            row.add(s);
            for (int k : cfg.shots()) {
                var p = o.points().stream().filter(x -> x.learner().equals(learner) && x.selector().equals(s) && x.shots() == k).findFirst().orElseThrow();
                row.add(String.format(Locale.ROOT, "%.2f ± %.2f", 100 * p.accuracy(), 100 * p.ci()));
            }
            t.row(row);
        }
        int n = o.points().isEmpty() ? 0 : o.points().get(0).n();
        String retriever = !cfg.selectors().contains("learned") ? ""
                : " Learned retriever trained on " + (cfg.retrieverInDomain() ? "the train split of the evaluated intents." : "the meta-train intents only.");
        return t.note(String.format(Locale.ROOT, "%d tasks (%d partitions of the held-out intents), %d queries per cell; mean ± 95%% CI; "
                + "chance = %.1f%%.", o.tasks(), cfg.partitions(), n, 100.0 / cfg.ways()) + retriever).build();
    }

    static LineChart chart(String dataset, SelectorCurves.Outcome o, List<InContextLearner> learners, SelectorCurves.Config cfg) {
        var b = LineChart.builder(dataset + ": accuracy vs demonstrations (" + cfg.ways() + "-way, held-out intents)")
                .xLabel("demonstrations k").yLabel("accuracy (%)").log2X(true);
        double[] x = cfg.shots().stream().mapToDouble(Integer::doubleValue).toArray();
        for (InContextLearner l : learners) {
            for (String s : cfg.selectors()) {
                double[] y = new double[x.length], e = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    int k = cfg.shots().get(i);
                    var p = o.points().stream().filter(q -> q.learner().equals(l.name()) && q.selector().equals(s) && q.shots() == k).findFirst().orElseThrow();
                    y[i] = 100 * p.accuracy();
                    e[i] = 100 * p.ci();
                }
                b.series(learners.size() > 1 ? l.name() + " / " + s : s, x, y, e);
            }
        }
        return b.build();
    }
}
