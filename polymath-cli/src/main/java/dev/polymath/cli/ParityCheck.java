package dev.polymath.cli;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.bert.ParitySample;
import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.ModelSource;
import dev.polymath.text.encoder.OnnxSentenceEncoder;
import dev.polymath.text.encoder.Precision;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code polymath encode --check}: the DJL/PyTorch BERT (in the settings' precision) against the float32 ONNX encoder,
 * same weights, same texts.
 */
final class ParityCheck {
    private ParityCheck() {}

    static final double MIN_COSINE = 0.9999;

    static int run(String model, String input, EncoderSettings settings, PrintWriter out, PrintWriter err) {
        List<String> texts = input == null ? ParitySample.texts() : TextDatasets.texts(input);
        String what = input == null ? "the fixed parity sample (" + texts.size() + " test texts of BANKING77, CLINC150, SNIPS; seed "
                + ParitySample.SEED + ")" : input + " (" + texts.size() + " texts)";
        err.println("check: " + what);
        err.flush();
        long t0 = System.nanoTime();
        ModelSource onnxSource = ModelSource.resolve(model);
        FloatMatrix a;
        double onnxLoad, onnxSecs;
        try (var onnx = OnnxSentenceEncoder.open(onnxSource, settings.withPrecision(Precision.FP32))) {
            onnxLoad = secs(t0);
            encodeWarm(onnx::encode, texts);
            long t1 = System.nanoTime();
            a = onnx.encode(texts);
            onnxSecs = secs(t1);
        }
        long t2 = System.nanoTime();
        BertSource bertSource = BertSource.resolve(model);
        FloatMatrix b;
        double djlLoad, djlSecs;
        try (var djl = (settings.precision() == Precision.BF16 ? BertSentenceEncoder.openForInference(bertSource, settings) : BertSentenceEncoder.open(bertSource, settings))) {
            djlLoad = secs(t2);
            encodeWarm(djl::encode, texts);
            long t3 = System.nanoTime();
            b = djl.encode(texts);
            djlSecs = secs(t3);
        }
        double min = 1, sum = 0, maxAbs = 0;
        int worst = -1;
        for (int i = 0; i < texts.size(); i++) {
            double c = a.cosine(i, b, i);
            sum += c;
            if (c < min) { min = c; worst = i; }
            for (int d = 0; d < a.cols(); d++) maxAbs = Math.max(maxAbs, Math.abs(a.get(i, d) - b.get(i, d)));
        }
        int n = texts.size();
        out.printf(Locale.ROOT, "DJL/PyTorch BERT (%s) vs ONNX Runtime (fp32), %s, %d texts, dim %d, %d threads%n",
                settings.precision().id(), model, n, a.cols(), settings.effectiveThreads());
        out.printf(Locale.ROOT, "  cosine        min %.9f  mean %.9f  (1 - min = %.1e)%s%n", min, sum / n, 1 - min, worst >= 0 ? "  (lowest: text " + worst + ")" : "");
        out.printf(Locale.ROOT, "  max |a - b|   %.3e%n", maxAbs);
        out.printf(Locale.ROOT, "  ONNX Runtime  load %.2f s, encode %.3f s (%.0f texts/s)%n", onnxLoad, onnxSecs, n / onnxSecs);
        out.printf(Locale.ROOT, "  DJL PyTorch   load %.2f s, encode %.3f s (%.0f texts/s)%n", djlLoad, djlSecs, n / djlSecs);
        boolean ok = min >= MIN_COSINE;
        out.println(ok ? "  PASS (every cosine >= " + MIN_COSINE + ")" : "  FAIL: cosine below " + MIN_COSINE);
        out.flush();
        return ok ? 0 : 1;
    }

    private static void encodeWarm(java.util.function.Function<List<String>, FloatMatrix> enc, List<String> texts) {
        enc.apply(texts.subList(0, Math.min(32, texts.size())));
    }

    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
