package dev.polymath.text.merging;

/**
 * Settings of a learned merging run. Defaults follow FusionBench where our budget allows: initial coefficients
 * 0.3, Concrete temperature 0.5, initial mask logits 0, batch 16 per task; steps are far fewer than
 * FusionBench's 500–2000 GPU steps, so the learning rates are larger (see docs/results/merging.md).
 *
 * @param steps           optimization steps (each sees one batch of every task)
 * @param batch           examples per task per step
 * @param lr              learning rate of the coefficients (Adam; SGD for Self Positioning)
 * @param maskLr          learning rate of the mask logits (Adam)
 * @param init            initial coefficient of every task vector (and the fixed lambda of the Concrete methods)
 * @param temperature     Concrete temperature
 * @param advLr           learning rate of the trigger's vocabulary logits (backdoor-aware masks)
 * @param advWeight       weight of KL(clean || triggered) in the masks' loss (backdoor-aware masks)
 * @param sparsity        weight of the penalty on the backdoor mask's keep-probability (backdoor-aware masks)
 * @param triggerTokens   length of the soft trigger (backdoor-aware masks)
 */
public record LearnOptions(int steps, int batch, double lr, double maskLr, double init, double temperature,
                           double advLr, double advWeight, double sparsity, int triggerTokens) {
    public LearnOptions {
        if (steps < 1 || batch < 1) throw new IllegalArgumentException("steps and batch must be >= 1");
        if (!(lr > 0) || !(maskLr > 0) || !(advLr > 0)) throw new IllegalArgumentException("learning rates must be > 0");
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0");
        if (triggerTokens < 1 || triggerTokens > 8) throw new IllegalArgumentException("trigger tokens must be in [1, 8]");
    }

    public static LearnOptions defaults() {
        return new LearnOptions(60, 16, 1e-2, 5e-2, 0.3, 0.5, 1e-2, 0.1, 1e-2, 3);
    }

    public LearnOptions withSteps(int s) { return new LearnOptions(s, batch, lr, maskLr, init, temperature, advLr, advWeight, sparsity, triggerTokens); }
    public LearnOptions withBatch(int b) { return new LearnOptions(steps, b, lr, maskLr, init, temperature, advLr, advWeight, sparsity, triggerTokens); }
    public LearnOptions withLr(double v) { return new LearnOptions(steps, batch, v, maskLr, init, temperature, advLr, advWeight, sparsity, triggerTokens); }
    public LearnOptions withMaskLr(double v) { return new LearnOptions(steps, batch, lr, v, init, temperature, advLr, advWeight, sparsity, triggerTokens); }
    public LearnOptions withInit(double v) { return new LearnOptions(steps, batch, lr, maskLr, v, temperature, advLr, advWeight, sparsity, triggerTokens); }
    public LearnOptions withTemperature(double v) { return new LearnOptions(steps, batch, lr, maskLr, init, v, advLr, advWeight, sparsity, triggerTokens); }
    public LearnOptions withAdvLr(double v) { return new LearnOptions(steps, batch, lr, maskLr, init, temperature, v, advWeight, sparsity, triggerTokens); }
    public LearnOptions withAdvWeight(double v) { return new LearnOptions(steps, batch, lr, maskLr, init, temperature, advLr, v, sparsity, triggerTokens); }
}
