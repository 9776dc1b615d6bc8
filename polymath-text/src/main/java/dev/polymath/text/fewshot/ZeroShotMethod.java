package dev.polymath.text.fewshot;

import java.util.Map;

/**
 * {@code zeroshot}: no labelled examples; each class prototype is the embedding of its label written as words
 * ({@code card_arrival} becomes "card arrival", or a description the user gives). Labelled examples, when
 * present, are used only to calibrate the softmax scale.
 */
public final class ZeroShotMethod implements FewShotMethod {
    @Override
    public String name() {
        return "zeroshot";
    }

    @Override
    public String description() {
        return "label names/descriptions embedded as class prototypes (no examples needed)";
    }

    @Override
    public boolean needsLabelEmbeddings() {
        return true;
    }

    @Override
    public boolean zeroShot() {
        return true;
    }

    @Override
    public FittedHead fit(Support s) {
        if (s.labelEmbeddings() == null) throw new IllegalArgumentException("zeroshot needs the label descriptions embedded");
        float[][] protos = Prototypes.means(s.labelEmbeddings(), identity(s.classes()), s.classes());
        return new CosineHead(protos, PrototypeMethod.DEFAULT_SCALE);
    }

    @Override
    public FittedHead load(Map<String, FittedHead.Tensor> tensors, Map<String, Object> settings) {
        return CosineHead.load(tensors, settings);
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }
}
