package dev.polymath.text.bert;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.polymath.nn.Engines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The minimal training step over a {@link BertModel}: loss → backward → optional global gradient-norm clipping →
 * AdamW on the trainable parameters (decoupled weight decay, none on biases and LayerNorm weights, as
 * Hugging Face's recipe) → gradients zeroed. Everything a step computes lives in the model's step manager and is
 * freed when the step ends; the optimizer moments live in a manager of the trainer's own.
 */
public final class BertTrainer implements AutoCloseable {

    /**
     * @param maxGradNorm clip the global L2 norm of the gradients to this (0 = no clipping)
     */
    public record Options(double learningRate, double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
        public Options {
            if (!(learningRate >= 0)) throw new IllegalArgumentException("learning rate must be >= 0");
            if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) throw new IllegalArgumentException("betas must be in [0, 1)");
            if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0");
            if (weightDecay < 0 || maxGradNorm < 0) throw new IllegalArgumentException("weight decay and max grad norm must be >= 0");
        }

        /** sentence-transformers' fit defaults: AdamW lr 2e-5, betas (0.9, 0.999), eps 1e-6, weight decay 0.01, clip 1.0. */
        public static Options defaults() {
            return new Options(2e-5, 0.9, 0.999, 1e-6, 0.01, 1.0);
        }

        public Options withLearningRate(double lr) {
            return new Options(lr, beta1, beta2, eps, weightDecay, maxGradNorm);
        }

        public Options withWeightDecay(double wd) {
            return new Options(learningRate, beta1, beta2, eps, wd, maxGradNorm);
        }

        public Options withMaxGradNorm(double n) {
            return new Options(learningRate, beta1, beta2, eps, weightDecay, n);
        }
    }

    /** Computes a scalar loss inside the step (call {@link BertModel#embed} etc. with {@code training = true}). */
    @FunctionalInterface
    public interface Loss {
        NDArray compute(BertModel.Step step);
    }

    /**
     * What one step did; {@code skipped}: the loss or the gradient was not finite, so the parameters and the optimizer
     * state were left as they were (as PyTorch's GradScaler skips an overflowing step) and the gradients were dropped.
     */
    public record StepResult(float loss, double gradNorm, boolean skipped) {}

    private final BertModel model;
    private final Engine engine;
    private final NDManager stateManager;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private Options options;
    private long steps;
    private long skipped;

    public BertTrainer(BertModel model, Options options) {
        this.model = model;
        this.options = options;
        this.engine = Engines.pytorch();
        this.stateManager = model.newChildManager();
    }

    /** Seeds PyTorch's generator (dropout masks). */
    public BertTrainer seed(int seed) {
        engine.setRandomSeed(seed);
        return this;
    }

    public Options options() { return options; }

    /** Changes the options (e.g. the learning rate of a schedule) for the next steps; the moments are kept. */
    public void setOptions(Options o) { this.options = o; }

    /** Optimizer updates made (skipped steps not counted). */
    public long steps() { return steps; }

    /** Steps skipped so far because their loss or gradient was not finite. */
    public long skipped() { return skipped; }

    /** One optimization step; returns the loss (before the update) and the global gradient norm (before clipping). */
    public StepResult step(Loss loss) {
        Map<String, NDArray> trainable = model.trainableParameters();
        if (trainable.isEmpty()) throw new IllegalStateException("every parameter is frozen; nothing to train");
        for (var e : trainable.entrySet()) {
            moments.computeIfAbsent(e.getKey(), k -> {
                NDArray m = stateManager.zeros(e.getValue().getShape());
                NDArray v = stateManager.zeros(e.getValue().getShape());
                return new NDArray[] {m, v};
            });
        }
        var extra = new ArrayList<NDArray>();
        for (var e : trainable.keySet()) {
            NDArray[] mv = moments.get(e);
            extra.add(mv[0]);
            extra.add(mv[1]);
        }
        float value;
        double norm;
        try (BertModel.Step s = model.newStep(extra)) {
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray l = loss.compute(s);
                if (l.size() != 1) throw new IllegalArgumentException("the loss must be a scalar, got shape " + l.getShape());
                gc.backward(l);
                value = l.toFloatArray()[0];
            }
            try (GradMode g = GradMode.off()) {
                norm = gradNorm(trainable);
                if (!Float.isFinite(value) || !Double.isFinite(norm)) {
                    // one non-finite entry would turn every parameter it reaches into NaN through AdamW's moments
                    for (NDArray p : trainable.values()) JniUtils.zeroGrad((PtNDArray) p);
                    skipped++;
                    return new StepResult(value, norm, true);
                }
                update(trainable, norm);
            }
        }
        steps++;
        model.bumpVersion();
        return new StepResult(value, norm, false);
    }

    /** The global L2 norm of the gradients, summed in float64: a float32 sum of squares overflows long before the norm. */
    private static double gradNorm(Map<String, NDArray> trainable) {
        double sq = 0;
        for (NDArray p : trainable.values()) {
            try (NDArray g = p.getGradient()) {
                if (g == null) continue;
                try (NDArray g64 = g.toType(ai.djl.ndarray.types.DataType.FLOAT64, true); NDArray s2 = g64.square(); NDArray sum = s2.sum()) {
                    sq += sum.getDouble();
                }
            }
        }
        return Math.sqrt(sq);
    }

    /**
     * Clipping and AdamW, one parameter at a time, every temporary closed as soon as it is used: the step manager
     * would otherwise hold ~6 parameter-sized temporaries for every parameter until the step ends (for full
     * fine-tuning of MiniLM, over half a gigabyte of native memory per step, on top of the gradients).
     */
    private void update(Map<String, NDArray> trainable, double norm) {
        var grads = new LinkedHashMap<String, NDArray>();
        for (var e : trainable.entrySet()) {
            NDArray g = e.getValue().getGradient();
            if (g != null) grads.put(e.getKey(), g);
        }
        float clip = 1f;
        if (options.maxGradNorm() > 0 && norm > options.maxGradNorm()) clip = (float) (options.maxGradNorm() / (norm + 1e-6));
        long t = steps + 1;
        float b1 = (float) options.beta1(), b2 = (float) options.beta2();
        double bc1 = 1 - Math.pow(options.beta1(), t), bc2 = 1 - Math.pow(options.beta2(), t);
        float lr = (float) options.learningRate();
        float stepSize = (float) (options.learningRate() / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        for (var e : grads.entrySet()) {
            String name = e.getKey();
            NDArray p = trainable.get(name), g = e.getValue();
            if (clip != 1f) g.muli(clip); // the gradient buffer is zeroed below anyway
            NDArray[] mv = moments.get(name);
            try (NDArray gm = g.mul(1 - b1)) {
                mv[0].muli(b1).addi(gm);
            }
            try (NDArray g2 = g.square()) {
                mv[1].muli(b2).addi(g2.muli(1 - b2));
            }
            boolean decay = options.weightDecay() > 0 && !name.endsWith(".bias") && !name.contains("LayerNorm");
            if (decay) p.muli(1 - lr * (float) options.weightDecay());
            // p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps), as torch.optim.AdamW
            try (NDArray denom = mv[1].sqrt(); NDArray upd = mv[0].div(denom.divi(sqrtBc2).addi((float) options.eps()))) {
                p.subi(upd.muli(stepSize));
            }
            JniUtils.zeroGrad((PtNDArray) p);
            g.close();
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
