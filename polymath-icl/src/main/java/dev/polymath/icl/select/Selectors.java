package dev.polymath.icl.select;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The demonstration selectors, registered by name:
 * <ul>
 *   <li>{@code first-n}: the pool's first k, in pool order (lm-eval's {@code first_n}; MMLU and BBH protocols);</li>
 *   <li>{@code random}: k drawn without replacement, seeded by (seed, task, query id);</li>
 *   <li>{@code label-balanced}: round-robin over gold answers (labels in sorted order), each class's examples in
 *       seeded random order, so classes are as even as k allows;</li>
 *   <li>{@code knn}: the k most cosine-similar pool examples under the {@link Embedder} (Liu et al. 2022,
 *       "What makes good in-context examples for GPT-3?");</li>
 *   <li>{@code mmr}: maximal marginal relevance, greedily maximizing
 *       {@code λ·sim(q, d) − (1 − λ)·max_{s chosen} sim(d, s)} (Carbonell and Goldstein 1998), default λ = 0.5;</li>
 *   <li>{@code bm25}: the k best BM25 matches ({@link Bm25}, k1 = 1.2, b = 0.75);</li>
 *   <li>{@code cross-task}: demonstrations from the few-shot pools of the <em>other</em> tasks of the suite, chosen
 *       by an inner selector (default {@code random}; {@code knn} with an embedder);</li>
 *   <li>{@code learned}: the k best under a retriever trained on model feedback ({@link LearnedRetriever}, UDR-style:
 *       a projection of the frozen embeddings fitted with a list-wise ranking loss by {@link RetrieverTrainer}).</li>
 * </ul>
 * Ties are broken by pool order, so every selector is deterministic.
 */
public final class Selectors {
    private Selectors() {}

    public static final List<String> NAMES = List.of("first-n", "random", "label-balanced", "knn", "mmr", "bm25", "cross-task", "learned");

    /**
     * What selectors may need.
     *
     * @param embedder        for knn / mmr (null: those selectors are unavailable)
     * @param lambda          MMR trade-off in [0, 1]
     * @param otherTaskPools  task name → few-shot pool, for cross-task
     * @param crossTaskInner  selector used inside cross-task
     * @param text            the text of an example that similarity is computed on
     * @param retriever       the trained projection of the {@code learned} selector (null: unavailable)
     */
    public record Config(Embedder embedder, double lambda, Map<String, List<Example>> otherTaskPools,
                         String crossTaskInner, Function<Example, String> text, Projection retriever) {
        public Config {
            if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("MMR lambda must be in [0, 1], got " + lambda);
            otherTaskPools = otherTaskPools == null ? Map.of() : otherTaskPools;
            crossTaskInner = crossTaskInner == null ? "random" : crossTaskInner;
            text = text == null ? Selectors::defaultText : text;
            embedder = CachingEmbedder.of(embedder);
        }

        public static Config defaults() {
            return new Config(null, 0.5, Map.of(), "random", null, null);
        }

        public Config withEmbedder(Embedder e) { return new Config(e, lambda, otherTaskPools, crossTaskInner, text, retriever); }
        public Config withLambda(double l) { return new Config(embedder, l, otherTaskPools, crossTaskInner, text, retriever); }
        public Config withOtherTaskPools(Map<String, List<Example>> p) { return new Config(embedder, lambda, p, crossTaskInner, text, retriever); }
        public Config withCrossTaskInner(String s) { return new Config(embedder, lambda, otherTaskPools, s, text, retriever); }
        public Config withText(Function<Example, String> t) { return new Config(embedder, lambda, otherTaskPools, crossTaskInner, t, retriever); }
        public Config withRetriever(Projection p) { return new Config(embedder, lambda, otherTaskPools, crossTaskInner, text, p); }
    }

    /** The question text followed by the options, one per line (so similarity sees the whole item). */
    public static String defaultText(Example e) {
        String t = e.texts().isEmpty() ? "" : String.join("\n", e.texts());
        return e.choices().isEmpty() ? t : t + "\n" + String.join("\n", e.choices());
    }

    public static DemoSelector create(String name, Config cfg) {
        return switch (name) {
            case "first-n" -> new FirstN();
            case "random" -> new RandomSelector();
            case "label-balanced" -> new LabelBalanced();
            case "knn" -> new Knn(requireEmbedder(name, cfg), cfg.text());
            case "mmr" -> new Mmr(requireEmbedder(name, cfg), cfg.text(), cfg.lambda());
            case "bm25" -> new Bm25Selector(cfg.text());
            case "cross-task" -> {
                if (cfg.crossTaskInner().equals("cross-task")) throw new IllegalArgumentException("cross-task cannot use itself as inner selector");
                yield new CrossTask(create(cfg.crossTaskInner(), cfg), cfg.otherTaskPools());
            }
            case "learned" -> {
                if (cfg.retriever() == null) {
                    throw new IllegalArgumentException("selector 'learned' needs a trained retriever (--retriever FILE, made by 'polymath icl retriever train')");
                }
                yield new LearnedRetriever(cfg.retriever(), requireEmbedder(name, cfg), cfg.text());
            }
            default -> throw new IllegalArgumentException("unknown selector '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    private static Embedder requireEmbedder(String selector, Config cfg) {
        if (cfg.embedder() == null) {
            throw new IllegalArgumentException("selector '" + selector + "' needs an embedder (--embedder NAME); available: "
                    + (EmbedderProvider.available().isEmpty() ? "none in this build" : String.join(", ",
                    EmbedderProvider.available().stream().map(EmbedderProvider::name).toList())));
        }
        return cfg.embedder();
    }

    /** Pool indices that are not the query. */
    static List<Integer> candidates(String task, Example query, List<Example> pool) {
        var out = new ArrayList<Integer>(pool.size());
        for (int i = 0; i < pool.size(); i++) if (!DemoSelector.isQuery(task, query, task, pool.get(i))) out.add(i);
        return out;
    }

    static SplittableRandom rng(long seed, String selector, String task, Example query) {
        return Seeds.stream(seed, "icl/" + selector + "/" + task + "/" + query.id());
    }

    /** Top k candidates by score descending, ties by pool order. */
    static List<Demo> top(String task, List<Example> pool, List<Integer> cand, double[] score, int k) {
        var order = new ArrayList<>(cand);
        order.sort((a, b) -> {
            int c = Double.compare(score[b], score[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        var out = new ArrayList<Demo>();
        for (int i = 0; i < Math.min(k, order.size()); i++) out.add(new Demo(task, pool.get(order.get(i)), score[order.get(i)], i));
        return out;
    }

    static final class FirstN implements DemoSelector {
        public String name() { return "first-n"; }
        public List<Demo> select(String task, Example query, List<Example> pool, int k, long seed) {
            var out = new ArrayList<Demo>();
            for (int i : candidates(task, query, pool)) {
                if (out.size() >= k) break;
                out.add(new Demo(task, pool.get(i), Double.NaN, out.size()));
            }
            return out;
        }
    }

    static final class RandomSelector implements DemoSelector {
        public String name() { return "random"; }
        public List<Demo> select(String task, Example query, List<Example> pool, int k, long seed) {
            var cand = candidates(task, query, pool);
            int[] pick = Seeds.sampleWithoutReplacement(cand.size(), Math.min(k, cand.size()), rng(seed, name(), task, query));
            var out = new ArrayList<Demo>();
            for (int p : pick) out.add(new Demo(task, pool.get(cand.get(p)), Double.NaN, out.size()));
            return out;
        }
    }

    static final class LabelBalanced implements DemoSelector {
        public String name() { return "label-balanced"; }

        static String label(Example e) {
            return switch (e.target()) {
                case Target.Label l -> l.label();
                case Target.Choice c -> String.valueOf(c.index());
                case Target.Text t -> t.references().isEmpty() ? "" : t.references().get(0);
                case Target.Score s -> String.valueOf(s.value());
                case null, default -> "";
            };
        }

        public List<Demo> select(String task, Example query, List<Example> pool, int k, long seed) {
            var byLabel = new TreeMap<String, List<Integer>>();
            for (int i : candidates(task, query, pool)) byLabel.computeIfAbsent(label(pool.get(i)), x -> new ArrayList<>()).add(i);
            SplittableRandom rng = rng(seed, name(), task, query);
            for (var l : byLabel.values()) Seeds.shuffle(l, rng);
            var out = new ArrayList<Demo>();
            for (int round = 0; out.size() < k; round++) {
                boolean any = false;
                for (var l : byLabel.values()) {
                    if (round < l.size() && out.size() < k) {
                        out.add(new Demo(task, pool.get(l.get(round)), Double.NaN, out.size()));
                        any = true;
                    }
                }
                if (!any) break;
            }
            return out;
        }
    }

    static final class Knn implements DemoSelector {
        private final Embedder embedder;
        private final Function<Example, String> text;

        Knn(Embedder embedder, Function<Example, String> text) {
            this.embedder = embedder;
            this.text = text;
        }

        public String name() { return "knn"; }

        public List<Demo> select(String task, Example query, List<Example> pool, int k, long seed) {
            var cand = candidates(task, query, pool);
            float[] q = embedder.embed(text.apply(query));
            float[][] v = embedder.embed(pool.stream().map(text).toList());
            double[] score = new double[pool.size()];
            for (int i : cand) score[i] = Embedder.cosine(q, v[i]);
            return top(task, pool, cand, score, k);
        }
    }

    static final class Mmr implements DemoSelector {
        private final Embedder embedder;
        private final Function<Example, String> text;
        private final double lambda;

        Mmr(Embedder embedder, Function<Example, String> text, double lambda) {
            this.embedder = embedder;
            this.text = text;
            this.lambda = lambda;
        }

        public String name() { return "mmr"; }

        public List<Demo> select(String task, Example query, List<Example> pool, int k, long seed) {
            var cand = new ArrayList<>(candidates(task, query, pool));
            float[] q = embedder.embed(text.apply(query));
            float[][] v = embedder.embed(pool.stream().map(text).toList());
            var chosen = new ArrayList<Integer>();
            var out = new ArrayList<Demo>();
            while (out.size() < k && !cand.isEmpty()) {
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int i : cand) {
                    double redundancy = 0;
                    if (!chosen.isEmpty()) {
                        redundancy = Double.NEGATIVE_INFINITY;
                        for (int s : chosen) redundancy = Math.max(redundancy, Embedder.cosine(v[i], v[s]));
                    }
                    double score = lambda * Embedder.cosine(q, v[i]) - (1 - lambda) * redundancy;
                    if (score > bestScore) { // strict: ties keep the earlier pool index
                        bestScore = score;
                        best = i;
                    }
                }
                chosen.add(best);
                cand.remove(Integer.valueOf(best));
                out.add(new Demo(task, pool.get(best), bestScore, out.size()));
            }
            return out;
        }
    }

    static final class Bm25Selector implements DemoSelector {
        private final Function<Example, String> text;
        private final Map<List<Example>, Bm25> indexes = Collections.synchronizedMap(new IdentityHashMap<>());

        Bm25Selector(Function<Example, String> text) {
            this.text = text;
        }

        public String name() { return "bm25"; }

        public List<Demo> select(String task, Example query, List<Example> pool, int k, long seed) {
            Bm25 index = indexes.computeIfAbsent(pool, p -> new Bm25(p.stream().map(text).toList()));
            double[] score = index.scores(text.apply(query));
            return top(task, pool, candidates(task, query, pool), score, k);
        }
    }

    static final class CrossTask implements DemoSelector {
        private record Flat(List<Example> examples, Map<String, String> taskOf) {}

        private final DemoSelector inner;
        private final Map<String, List<Example>> pools;
        private final Map<String, Flat> flatByTask = new java.util.concurrent.ConcurrentHashMap<>();

        CrossTask(DemoSelector inner, Map<String, List<Example>> pools) {
            this.inner = inner;
            this.pools = pools;
        }

        public String name() { return "cross-task"; }

        /** The other tasks' pools as one list, ids qualified as {@code task#id} (ids are unique per task only). */
        private Flat flat(String task) {
            return flatByTask.computeIfAbsent(task, t -> {
                var flat = new ArrayList<Example>();
                var taskOf = new LinkedHashMap<String, String>();
                for (var e : pools.entrySet()) {
                    if (e.getKey().equals(t)) continue;
                    for (Example x : e.getValue()) {
                        Example q = new Example(e.getKey() + "#" + x.id(), x.texts(), x.features(), x.choices(), x.target(), x.meta());
                        flat.add(q);
                        taskOf.put(q.id(), e.getKey());
                    }
                }
                return new Flat(List.copyOf(flat), taskOf);
            });
        }

        public List<Demo> select(String task, Example query, List<Example> ownPool, int k, long seed) {
            Flat f = flat(task);
            if (f.examples().isEmpty()) {
                throw new IllegalArgumentException("selector cross-task: no other task offers demonstrations for " + task
                        + " (evaluate a suite of several tasks)");
            }
            var out = new ArrayList<Demo>();
            for (Demo d : inner.select(task, query, f.examples(), k, seed)) {
                Example q = d.example();
                String src = f.taskOf().get(q.id());
                Example orig = new Example(q.id().substring(src.length() + 1), q.texts(), q.features(), q.choices(), q.target(), q.meta());
                out.add(new Demo(src, orig, d.score(), d.rank()));
            }
            return out;
        }
    }
}
