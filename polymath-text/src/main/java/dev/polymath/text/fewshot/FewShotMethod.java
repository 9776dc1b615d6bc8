package dev.polymath.text.fewshot;

import java.util.Map;

/** A few-shot classification method over frozen sentence embeddings, registered by name. */
public interface FewShotMethod {
    String name();

    /** One line for help and reports. */
    String description();

    /** Fits on a support set. */
    FittedHead fit(Support support);

    /** Rebuilds a fitted head from what {@link FittedHead#tensors()} and {@link FittedHead#settings()} saved. */
    FittedHead load(Map<String, FittedHead.Tensor> tensors, Map<String, Object> settings);

    /** Whether the method needs the label descriptions embedded ({@link Support#labelEmbeddings()}). */
    default boolean needsLabelEmbeddings() {
        return false;
    }

    /** Whether the method uses an unlabelled pool ({@link Support#pool()}). */
    default boolean usesPool() {
        return false;
    }

    /** Whether the method can work without any labelled example. */
    default boolean zeroShot() {
        return false;
    }
}
