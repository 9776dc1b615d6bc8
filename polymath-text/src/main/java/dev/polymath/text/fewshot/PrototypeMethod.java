package dev.polymath.text.fewshot;

import java.util.Map;

/**
 * {@code prototype}: each class is the mean of its support embeddings, and a query goes to the prototype with
 * the highest cosine similarity (a Prototypical Network at inference, Snell et al. 2017, with cosine instead
 * of squared Euclidean distance, as sentence-embedding practice does). Probabilities: softmax of
 * {@code scale · cosine}, the scale calibrated by leave-one-out on the support set.
 */
public final class PrototypeMethod implements FewShotMethod {
    static final double DEFAULT_SCALE = 20;

    @Override
    public String name() {
        return "prototype";
    }

    @Override
    public String description() {
        return "class means of frozen embeddings, nearest by cosine (ProtoNet at inference)";
    }

    @Override
    public FittedHead fit(Support s) {
        float[][] protos = Prototypes.means(s.embeddings(), s.labels(), s.classes());
        return new CosineHead(protos, CosineHead.calibrate(s.embeddings(), s.labels(), s.classes(), DEFAULT_SCALE));
    }

    @Override
    public FittedHead load(Map<String, FittedHead.Tensor> tensors, Map<String, Object> settings) {
        return CosineHead.load(tensors, settings);
    }
}
