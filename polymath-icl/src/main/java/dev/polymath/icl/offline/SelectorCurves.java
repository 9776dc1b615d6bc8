package dev.polymath.icl.offline;

import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.sample.ClassSplit;
import dev.polymath.core.task.Example;
import dev.polymath.core.util.Seeds;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.learner.LearnerFeedback;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.select.DemoSelector;
import dev.polymath.icl.select.Embedder;
import dev.polymath.icl.select.LearnedRetriever;
import dev.polymath.icl.select.Projection;
import dev.polymath.icl.select.RetrieverTrainer;
import dev.polymath.icl.select.Selectors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offline demonstration-selection experiment: an {@link InContextLearner} over sentence embeddings classifies
 * intents from k demonstrations, and only the selector changes.
 *
 * <p>Protocol. The dataset's intents are split into meta-train and meta-test classes ({@link ClassSplit}, the same
 * split the meta-learning benchmarks use). Evaluation tasks are {@code ways}-way: the meta-test classes are
 * shuffled (seeded) into disjoint groups of {@code ways}, {@code partitions} times; a task's demonstration pool is
 * the train split of its classes, its queries are the test split of its classes, labels are 0..ways−1 in the
 * group's order. Every query of every task is answered with k demonstrations chosen by each selector.
 * {@code cross-task} draws from source tasks: the meta-train classes grouped (seeded, per partition) into
 * {@code ways}-way tasks, each demonstration labelled 0..ways−1 in its own task's order — solved examples of
 * other tasks, which tell the learner nothing about which label the query's class has (expected: chance).
 * Demonstrations reach the learner most relevant last (next to the query). The {@code learned} retriever is
 * trained per learner, UDR-style, on that learner's feedback ({@link RetrieverTrainer}, {@link LearnerFeedback}):
 * by default over the meta-train classes only (no evaluated class is seen), or in-domain over the train split of
 * the evaluated classes (as UDR trains on the target tasks; the test queries are still never seen).
 */
public final class SelectorCurves {
    private SelectorCurves() {}

    /** A labelled dataset whose texts the {@code embedder} knows (classification examples). */
    public record Dataset(String name, List<Example> train, List<Example> test, Embedder embedder) {}

    /**
     * @param retrieverQueries training queries for the learned retriever
     * @param retrieverInDomain train the retriever on the train split of the evaluated (meta-test) classes, as UDR
     *                          trains on the target tasks' training sets, instead of on the meta-train classes;
     *                          test queries are never used either way
     */
    public record Config(int ways, int partitions, List<Integer> shots, List<String> selectors, long seed, double mmrLambda,
                         String crossTaskInner, RetrieverTrainer.Options retriever, int retrieverQueries, boolean retrieverInDomain) {
        public Config {
            if (ways < 2) throw new IllegalArgumentException("--ways must be >= 2, got " + ways);
            if (partitions < 1) throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
            if (shots.isEmpty() || shots.stream().anyMatch(k -> k < 1)) throw new IllegalArgumentException("--shots must be positive, got " + shots);
            for (String s : selectors) {
                if (!Selectors.NAMES.contains(s)) throw new IllegalArgumentException("unknown selector '" + s + "'; known: " + String.join(", ", Selectors.NAMES));
            }
            shots = List.copyOf(shots);
            selectors = List.copyOf(selectors);
        }
    }

    public record Point(String dataset, String learner, String selector, int shots, double accuracy, double ci, int n) {}

    /** Time a learner spent answering the evaluation prompts (retriever training excluded). */
    public record LearnerTime(long prompts, double seconds) {}

    /**
     * @param retrievers the learned retriever trained for each learner, with its training losses
     * @param times      per learner: evaluation prompts answered and the seconds inside its {@code logProbs} calls
     */
    public record Outcome(List<Point> points, Map<String, RetrieverTrainer.Trained> retrievers, int tasks, int queries,
                          Map<String, LearnerTime> times) {}

    /** A ways-way evaluation task. */
    record EvalTask(String name, List<String> classes, List<Example> pool, List<Example> queries) {
        int label(String cls) {
            int i = classes.indexOf(cls);
            if (i < 0) throw new IllegalStateException("class " + cls + " is not in task " + name);
            return i;
        }
    }

    /**
     * Disjoint ways-way tasks over {@code classes}, for each partition (leftover classes are dropped); {@code kind}
     * names them ({@code t} for evaluation tasks, {@code src} for cross-task source tasks).
     */
    static List<List<EvalTask>> tasks(Dataset data, List<String> classes0, String kind, int ways, int partitions, long seed) {
        if (classes0.size() < ways) {
            throw new IllegalArgumentException(data.name() + ": " + classes0.size() + " " + (kind.equals("t") ? "meta-test" : "meta-train")
                    + " classes, fewer than --ways " + ways);
        }
        var out = new ArrayList<List<EvalTask>>();
        for (int p = 0; p < partitions; p++) {
            var classes = new ArrayList<>(classes0);
            Seeds.shuffle(classes, Seeds.stream(seed, "icl/offline/" + data.name() + "/" + kind + "/partition/" + p));
            var part = new ArrayList<EvalTask>();
            for (int t = 0; t + ways <= classes.size(); t += ways) {
                List<String> group = List.copyOf(classes.subList(t, t + ways));
                Set<String> in = new HashSet<>(group);
                var pool = data.train().stream().filter(e -> in.contains(e.label())).toList();
                var queries = data.test().stream().filter(e -> in.contains(e.label())).toList();
                part.add(new EvalTask(data.name() + "/p" + p + "/" + kind + part.size(), group, pool, queries));
            }
            out.add(part);
        }
        return out;
    }

    /** Trains the learned retriever for one learner on the meta-train classes. */
    public static RetrieverTrainer.Trained trainRetriever(Dataset data, List<String> trainClasses, InContextLearner learner,
                                                         Config cfg, java.util.function.IntConsumer progress) {
        Set<String> in = new HashSet<>(trainClasses);
        var pool = data.train().stream().filter(e -> in.contains(e.label())).toList();
        var idx = Seeds.sampleWithoutReplacement(pool.size(), Math.min(cfg.retrieverQueries(), pool.size()),
                Seeds.stream(cfg.seed(), "icl/offline/" + data.name() + "/retriever-queries"));
        var queries = new ArrayList<Example>();
        for (int i : idx) queries.add(pool.get(i));
        var feedback = new LearnerFeedback(learner, data.embedder(), Selectors::defaultText, cfg.ways(), cfg.seed());
        var lists = RetrieverTrainer.lists(data.name() + "/meta-train", queries, pool, data.embedder(), Selectors::defaultText,
                feedback, cfg.retriever().candidates(), null);
        var start = Projection.identity(data.embedder().dimension(), Map.of("embedder", data.embedder().name(),
                "feedback", feedback.describe(), "trained_on", data.name() + " train split of " + trainClasses.size() + " classes"));
        return RetrieverTrainer.train(lists, start, cfg.retriever(), progress);
    }

    public static Outcome run(Dataset data, ClassSplit classes, List<InContextLearner> learners, Config cfg,
                              Runnable tick) {
        var partitions = tasks(data, classes.test(), "t", cfg.ways(), cfg.partitions(), cfg.seed());
        var sources = cfg.selectors().contains("cross-task")
                ? tasks(data, classes.train(), "src", cfg.ways(), cfg.partitions(), cfg.seed()) : null;
        var retrievers = new LinkedHashMap<String, RetrieverTrainer.Trained>();
        if (cfg.selectors().contains(LearnedRetriever.NAME)) {
            List<String> on = cfg.retrieverInDomain() ? classes.test() : classes.train();
            for (InContextLearner l : learners) retrievers.put(l.name(), trainRetriever(data, on, l, cfg, null));
        }
        // correct[learner][selector][k] -> 0/1 per query, in a fixed order
        var correct = new LinkedHashMap<String, List<Double>>();
        Map<String, List<Demo>> shared = new HashMap<>(); // selections of learner-independent selectors
        var nanos = new LinkedHashMap<String, long[]>(); // learner -> {prompts, nanoseconds}
        int queries = 0, taskCount = 0;
        for (int pi = 0; pi < partitions.size(); pi++) {
            var part = partitions.get(pi);
            var pools = new LinkedHashMap<String, List<Example>>();
            var byName = new HashMap<String, EvalTask>();
            for (EvalTask t : part) byName.put(t.name(), t);
            if (sources != null) {
                for (EvalTask t : sources.get(pi)) {
                    pools.put(t.name(), t.pool());
                    byName.put(t.name(), t);
                }
            }
            Selectors.Config base = Selectors.Config.defaults().withEmbedder(data.embedder()).withLambda(cfg.mmrLambda())
                    .withCrossTaskInner(cfg.crossTaskInner()).withOtherTaskPools(pools);
            for (EvalTask task : part) {
                taskCount++;
                queries += task.queries().size();
                float[][] qv = data.embedder().embed(task.queries().stream().map(Selectors::defaultText).toList());
                for (InContextLearner learner : learners) {
                    for (String s : cfg.selectors()) {
                        boolean learned = s.equals(LearnedRetriever.NAME);
                        DemoSelector selector = Selectors.create(s, learned ? base.withRetriever(retrievers.get(learner.name()).projection()) : base);
                        for (int k : cfg.shots()) {
                            var prompts = new ArrayList<InContextLearner.Prompt>(task.queries().size());
                            for (int qi = 0; qi < task.queries().size(); qi++) {
                                Example q = task.queries().get(qi);
                                String key = s + "/" + k + "/" + task.name() + "/" + q.id();
                                List<Demo> demos = learned ? selector.select(task.name(), q, task.pool(), k, cfg.seed())
                                        : shared.computeIfAbsent(key, x -> selector.select(task.name(), q, task.pool(), k, cfg.seed()));
                                prompts.add(prompt(demos, byName, qv[qi], data.embedder()));
                            }
                            long t0 = System.nanoTime();
                            List<double[]> lp = learner.logProbs(prompts, cfg.ways());
                            long[] acc = nanos.computeIfAbsent(learner.name(), x -> new long[2]);
                            acc[0] += prompts.size();
                            acc[1] += System.nanoTime() - t0;
                            var list = correct.computeIfAbsent(learner.name() + "\u0000" + s + "\u0000" + k, x -> new ArrayList<>());
                            for (int qi = 0; qi < lp.size(); qi++) {
                                int gold = task.label(task.queries().get(qi).label());
                                list.add(InContextLearner.argmax(lp.get(qi)) == gold ? 1.0 : 0.0);
                            }
                            if (tick != null) tick.run();
                        }
                    }
                }
            }
            shared.clear(); // keys are per task; free a partition's selections once it is done
        }
        var points = new ArrayList<Point>();
        for (InContextLearner l : learners) {
            for (String s : cfg.selectors()) {
                for (int k : cfg.shots()) {
                    double[] v = correct.get(l.name() + "\u0000" + s + "\u0000" + k).stream().mapToDouble(Double::doubleValue).toArray();
                    MeanCi m = MeanCi.normal(v);
                    points.add(new Point(data.name(), l.name(), s, k, m.mean(), m.halfWidth(), v.length));
                }
            }
        }
        var times = new LinkedHashMap<String, LearnerTime>();
        nanos.forEach((l, v) -> times.put(l, new LearnerTime(v[0], v[1] / 1e9)));
        return new Outcome(points, retrievers, taskCount, queries, times);
    }

    /** Units of work {@link #run} reports through its tick (for a progress bar). */
    public static long units(Dataset data, ClassSplit classes, int learners, Config cfg) {
        long tasksPerPartition = classes.test().size() / cfg.ways();
        return tasksPerPartition * cfg.partitions() * learners * cfg.selectors().size() * cfg.shots().size();
    }

    /** Demonstrations most relevant last, each labelled by its own task's label order. */
    static InContextLearner.Prompt prompt(List<Demo> demos, Map<String, EvalTask> byName, float[] query, Embedder embedder) {
        int n = demos.size();
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            Demo d = demos.get(n - 1 - i);
            x[i] = embedder.embed(Selectors.defaultText(d.example()));
            y[i] = byName.get(d.task()).label(d.example().label());
        }
        return new InContextLearner.Prompt(x, y, query);
    }
}
