package dev.polymath.text.bert;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Scoped PyTorch grad mode. Grad mode is thread-local in PyTorch and on by default in every thread but the one
 * that loaded the engine, so inference and optimizer updates switch it off explicitly.
 */
public final class GradMode implements AutoCloseable {
    private final boolean previous;

    private GradMode(boolean enabled) {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    public static GradMode off() {
        return new GradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
