package dev.polymath.text.bench;

import dev.polymath.core.bench.BenchContext;
import dev.polymath.core.bench.BenchResult;
import dev.polymath.core.bench.BenchSide;
import dev.polymath.core.bench.Benchmark;
import dev.polymath.core.bench.Figure;
import dev.polymath.core.bench.PeerScript;
import dev.polymath.core.data.DataPaths;
import dev.polymath.text.bert.BertCheckpoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.bert.BertTrainer;
import dev.polymath.text.bert.CosinePairLoss;
import dev.polymath.text.bert.LoraConfig;
import dev.polymath.text.encoder.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code polymath bench encoder-train}: forward + backward + AdamW steps of the DJL/PyTorch all-MiniLM-L6-v2 on a
 * batch of 32 sequences of 32 tokens (16 pairs, SetFit's cosine-similarity loss), full fine-tuning and LoRA-only
 * (rank 8 on every attention and feed-forward projection), plus the inference forward for scale; examples per
 * second and resident memory. The peer ({@code polymath-text/src/test/resources/peer/bert_train_peer.py}, Debian's
 * python3-torch) runs the identical model, ids, loss and optimizer, in the same invocation.
 */
public final class EncoderTrainBench implements Benchmark {
    @Override
    public String name() {
        return "encoder-train";
    }

    @Override
    public String description() {
        return "DJL/PyTorch MiniLM forward+backward+AdamW, batch 32 x 32 tokens (cosine-pair loss): full fine-tuning and LoRA r=8,"
                + " vs the same BERT in Python PyTorch";
    }

    @Override
    public BenchResult run(BenchContext ctx) {
        int batch = Integer.parseInt(ctx.option("batch", "32"));
        int seq = Integer.parseInt(ctx.option("seq", "32"));
        int steps = Integer.parseInt(ctx.option("steps", ctx.quick() ? "2" : "20"));
        int warmup = ctx.quick() ? 1 : 3;
        if (batch % 2 != 0) throw new IllegalArgumentException("batch must be even (pairs)");
        BertSource src = BertSource.builtinMiniLm();
        long[][] rows = tokens(batch, seq, src.config().vocabSize(), 1234);
        long[][] first = java.util.Arrays.copyOfRange(rows, 0, batch / 2), second = java.util.Arrays.copyOfRange(rows, batch / 2, batch);
        float[] y = new float[batch / 2];
        for (int i = 0; i < y.length; i++) y[i] = i % 2;
        var figures = new ArrayList<Figure>();
        var notes = new ArrayList<String>();
        long rssStart = rss();
        try (BertModel m = src.newModel(ctx.threads())) {
            // inference forward
            for (int i = 0; i < warmup; i++) m.encode(rows, Pooling.MEAN, true);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) m.encode(rows, Pooling.MEAN, true);
            double fwd = batch * steps / ((System.nanoTime() - t0) / 1e9);
            ctx.log().printf(Locale.ROOT, "encoder-train: inference forward %.1f examples/s%n", fwd);
            figures.add(Figure.rate("forward_examples_per_second", fwd, "examples/s"));

            double full;
            long rssFull;
            try (BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults()).seed(1)) {
                full = timeSteps(t, first, second, y, warmup, steps, batch);
                rssFull = rss();
            }
            ctx.log().printf(Locale.ROOT, "encoder-train: full fine-tuning %.1f examples/s (%d trainable values)%n", full, m.trainableCount());
            figures.add(Figure.rate("full_train_examples_per_second", full, "examples/s"));

            m.enableLora(LoraConfig.all(8, 7));
            long loraParams = m.trainableCount();
            double lora;
            try (BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-4)).seed(1)) {
                lora = timeSteps(t, first, second, y, warmup, steps, batch);
            }
            ctx.log().printf(Locale.ROOT, "encoder-train: LoRA-only %.1f examples/s (%d trainable values)%n", lora, loraParams);
            figures.add(Figure.rate("lora_train_examples_per_second", lora, "examples/s"));
            figures.add(Figure.cost("rss_after_full_training_mb", rssFull / 1e6, "MB"));
            notes.add(String.format(Locale.ROOT, "LoRA r=8 alpha=16 on q/k/v/attention-output/intermediate/output of 6 layers: %d trainable values of %d",
                    loraParams, m.parameterCount()));
        }
        figures.add(Figure.cost("peak_rss_mb", peakRss() / 1e6, "MB"));
        notes.add(String.format(Locale.ROOT, "RSS at start %.0f MB (JVM + ONNX weights read for the parameters); peak RSS is the process high-water mark (VmHWM)",
                rssStart / 1e6));
        notes.add("dropout 0.1 (training mode), AdamW with sentence-transformers' defaults (lr 2e-5, eps 1e-6, wd 0.01, clip 1.0); each step = "
                + "forward of " + batch + " sequences + backward + optimizer update");
        var settings = new LinkedHashMap<String, Object>();
        settings.put("model", "all-MiniLM-L6-v2 (weights from the bundled ONNX export), fp32");
        settings.put("engine", "DJL 0.36.0 / PyTorch 2.7.1 CPU");
        settings.put("batch", batch);
        settings.put("seq_len", seq);
        settings.put("steps", steps);
        settings.put("warmup_steps", warmup);
        settings.put("threads", ctx.threads());
        BenchSide peer = null;
        String skipped = null;
        if (ctx.skipPeer()) {
            skipped = "--no-peer";
        } else {
            String missing = PeerScript.missingPython("torch", "numpy");
            if (missing != null) {
                skipped = missing;
            } else {
                try {
                    peer = runPeer(ctx, src, rows, steps, warmup);
                } catch (IOException | RuntimeException e) {
                    skipped = "peer failed: " + e.getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    skipped = "interrupted";
                }
            }
        }
        return new BenchResult(name(), description(), new BenchSide("polymath", settings, figures), peer, skipped, notes);
    }

    /** The peer script: polymath-text/src/test/resources/peer/bert_train_peer.py, or {@code -o peer=PATH}. */
    static Path peerScript(BenchContext ctx) {
        String opt = ctx.option("peer", null);
        if (opt != null) return Path.of(opt);
        Path home = DataPaths.home();
        if (home == null) throw new IllegalStateException("cannot find the Polymath folder (set -Dpolymath.home) to locate the peer script");
        return home.resolve("polymath-text/src/test/resources/peer/" + PEER);
    }

    static final String PEER = "bert_train_peer.py";

    private static BenchSide runPeer(BenchContext ctx, BertSource src, long[][] rows, int steps, int warmup) throws IOException, InterruptedException {
        PeerScript script = PeerScript.at(peerScript(ctx));
        Path tmp = Files.createTempDirectory("polymath-encoder-train-");
        try {
            Path model = tmp.resolve("minilm");
            BertCheckpoint.save(src.weights(), src.config(), src.tokenizerJson(), src.defaultMaxLength(), model);
            Path ids = tmp.resolve("ids.json");
            Files.writeString(ids, new ObjectMapper().writeValueAsString(rows));
            ctx.log().println("encoder-train: running peer " + script.path() + " (" + PeerScript.PYTHON + ")");
            JsonNode r = script.run(List.of("--model", model.toString(), "--ids", ids.toString(), "--steps", Integer.toString(steps),
                    "--warmup", Integer.toString(warmup), "--threads", Integer.toString(ctx.threads())),
                    Map.of("OMP_NUM_THREADS", Integer.toString(ctx.threads())), 3600);
            var figures = new ArrayList<Figure>();
            for (String f : List.of("forward_examples_per_second", "full_train_examples_per_second", "lora_train_examples_per_second")) {
                figures.add(Figure.rate(f, r.get(f).asDouble(), "examples/s"));
            }
            figures.add(Figure.cost("peak_rss_mb", r.get("peak_rss_mb").asDouble(), "MB"));
            var settings = new LinkedHashMap<String, Object>();
            settings.put("engine", "PyTorch " + r.path("torch").asText() + " (Debian python3-torch), eager");
            settings.put("threads", r.path("threads").asInt());
            settings.put("script", script.path().toString());
            settings.put("same", "weights, token ids, loss, dropout, AdamW settings, LoRA placement, warmup and steps");
            return new BenchSide("pytorch-python", settings, figures);
        } finally {
            dev.polymath.core.util.AtomicFiles.deleteRecursively(tmp);
        }
    }

    private static double timeSteps(BertTrainer t, long[][] a, long[][] b, float[] y, int warmup, int steps, int batch) {
        for (int i = 0; i < warmup; i++) CosinePairLoss.trainStep(t, a, b, y);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) CosinePairLoss.trainStep(t, a, b, y);
        return batch * steps / ((System.nanoTime() - t0) / 1e9);
    }

    /** {@code n} rows of {@code len} ids: [CLS], random word-piece ids, [SEP] (fixed seed). */
    static long[][] tokens(int n, int len, int vocab, long seed) {
        var r = new SplittableRandom(seed);
        long[][] rows = new long[n][len];
        for (long[] row : rows) {
            row[0] = 101;
            for (int k = 1; k < len - 1; k++) row[k] = 1000 + r.nextInt(vocab - 1000);
            row[len - 1] = 102;
        }
        return rows;
    }

    static long rss() {
        return statusKb("VmRSS:") * 1024;
    }

    static long peakRss() {
        return statusKb("VmHWM:") * 1024;
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

}
