package dev.polymath.nn.meta;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.bench.BenchContext;
import dev.polymath.core.bench.BenchResult;
import dev.polymath.core.bench.BenchSide;
import dev.polymath.core.bench.Benchmark;
import dev.polymath.core.bench.Figure;
import dev.polymath.core.bench.PeerScript;
import dev.polymath.nn.Engines;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code polymath bench maml-sine}: first-order MAML on sine regression with the settings of
 * {@code torch_maml_sine.py} (batched, meta-batch 25, 10-shot, 1 inner step lr 0.01, Adam 0.001, MLP 1-40-40-1),
 * then the peer with the same threads, iterations and seed. Polymath reproduces the peer's generator, so both
 * sides start from the same weights, train on the same task stream and are evaluated on the same 100 tasks.
 * Options: {@code iters} (2000; quick 300), {@code seed} (0), {@code warmup} (20 untimed iterations, as the peer).
 */
public final class MamlSineBenchmark implements Benchmark {
    public static final String PEER = "torch_maml_sine.py";

    @Override
    public String name() {
        return "maml-sine";
    }

    @Override
    public String description() {
        return "FOMAML sine regression (batched, 25 tasks x 10-shot, 1 inner step): meta-iterations/s and post-adaptation MSE";
    }

    /** What one Polymath run measured. */
    public record Outcome(double itersPerSecond, double seconds, int timedIters, Map<String, Double> before,
                          Map<String, Double> after, float finalLoss) {}

    /** Runs Polymath's FOMAML on the peer's task stream. */
    public static Outcome runPolymath(int threads, int iters, int warmup, long seed) {
        Engines.pytorch(threads);
        try (NDManager root = NDManager.newBaseManager();
             MetaAlgorithm algo = new FoMaml(SineTasks.model(), MetaConfig.sine(seed), root)) {
            TorchCompatibleRandom g = new TorchCompatibleRandom(seed);
            try (NDManager m = root.newSubManager()) {
                NDList init = TorchSine.initMlp(m, g, 1, 40, 40, 1);
                algo.load(init);
            }
            Map<String, Double> before = evaluate(algo, root);
            long t0 = System.nanoTime();
            float loss = Float.NaN;
            for (int it = 0; it < iters; it++) {
                if (it == warmup) t0 = System.nanoTime();
                try (NDManager m = root.newSubManager()) {
                    loss = algo.metaStep(TorchSine.sample(m, g, 25, 10));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int timed = iters - warmup;
            return new Outcome(timed / seconds, seconds, timed, before, evaluate(algo, root), loss);
        }
    }

    /** Query MSE on the peer's 100 evaluation tasks: before adaptation, after 1 and after 10 inner steps. */
    static Map<String, Double> evaluate(MetaAlgorithm algo, NDManager root) {
        var out = new LinkedHashMap<String, Double>();
        for (int steps : new int[] {0, 1, 10}) {
            try (NDManager m = root.newSubManager()) {
                float[] l = algo.evaluate(TorchSine.evaluationSet(m), steps).loss();
                double s = 0;
                for (float v : l) s += v;
                out.put(steps == 0 ? "mse_pre_adapt" : "mse_post_" + steps + "step", s / l.length);
            }
        }
        return out;
    }

    @Override
    public BenchResult run(BenchContext ctx) throws Exception {
        int iters = Integer.parseInt(ctx.option("iters", ctx.quick() ? "300" : "2000"));
        int warmup = Integer.parseInt(ctx.option("warmup", "20"));
        long seed = Long.parseLong(ctx.option("seed", "0"));
        if (warmup >= iters) throw new IllegalArgumentException("warmup (" + warmup + ") must be below iters (" + iters + ")");
        ctx.log().println("maml-sine: Polymath FOMAML, " + iters + " meta-iterations, " + ctx.threads() + " threads...");
        Outcome o = runPolymath(ctx.threads(), iters, warmup, seed);
        var settings = new LinkedHashMap<String, Object>();
        settings.put("threads", ctx.threads());
        settings.put("iters", iters);
        settings.put("timed_iters", o.timedIters());
        settings.put("seed", seed);
        settings.put("meta_batch", 25);
        settings.put("k_shot", 10);
        settings.put("inner", "1 step, lr 0.01");
        settings.put("outer", "Adam lr 0.001");
        settings.put("impl", "batched, hand-written backward, DJL " + ai.djl.engine.Engine.getDjlVersion() + " / PyTorch " + ai.djl.engine.Engine.getInstance().getVersion());
        settings.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version() + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        settings.put("untrained", o.before());
        settings.put("final_meta_train_loss", o.finalLoss());
        var polymath = new BenchSide("polymath", settings, figures(o.itersPerSecond(), o.after()));
        var notes = new ArrayList<String>();
        notes.add("Both sides: same seed, same initial weights, same task stream, same 100 evaluation tasks (Polymath reproduces torch's MT19937 stream); "
                + iters + " meta-iterations of which the first " + warmup + " are untimed.");
        BenchSide peer = null;
        String skipped = null;
        if (ctx.skipPeer()) {
            skipped = "--no-peer";
        } else {
            String missing = PeerScript.missingPython("torch");
            if (missing != null) {
                skipped = missing;
            } else {
                ctx.log().println("maml-sine: peer " + PEER + "...");
                JsonNode j = PeerScript.locate(PEER).run(List.of("--order", "first", "--impl", "batched", "--iters", Integer.toString(iters),
                        "--threads", Integer.toString(ctx.threads()), "--seed", Long.toString(seed), "--warmup", Integer.toString(warmup)),
                        Map.of(), 1800);
                var after = new LinkedHashMap<String, Double>();
                j.get("eval_100_tasks_after_training").fields().forEachRemaining(e -> after.put(e.getKey(), e.getValue().asDouble()));
                var ps = new LinkedHashMap<String, Object>();
                for (String k : List.of("torch", "threads", "OPENBLAS_NUM_THREADS", "malloc", "iters", "timed_iters", "seed", "impl", "order", "final_meta_train_loss")) {
                    if (j.has(k)) ps.put(k, j.get(k).asText());
                }
                ps.put("untrained", j.get("eval_100_tasks_before_training").toString());
                peer = new BenchSide("torch_maml_sine.py", ps, figures(j.get("meta_iters_per_s").asDouble(), after));
                double dPre = Math.abs(j.get("eval_100_tasks_before_training").get("mse_post_1step").asDouble() - o.before().get("mse_post_1step"));
                notes.add(String.format(java.util.Locale.ROOT, "identical-task check: untrained post-1-step MSE differs by %.2e between the sides", dPre));
            }
        }
        return new BenchResult(name(), description(), polymath, peer, skipped, notes);
    }

    private static List<Figure> figures(double itersPerSecond, Map<String, Double> after) {
        return List.of(Figure.rate("meta-iterations/s", itersPerSecond, "it/s"),
                Figure.cost("MSE after 1 inner step", after.get("mse_post_1step"), "MSE"),
                Figure.cost("MSE after 10 inner steps", after.get("mse_post_10step"), "MSE"),
                Figure.cost("MSE before adaptation", after.get("mse_pre_adapt"), "MSE"));
    }
}
