package dev.polymath.text.encoder;

/** A model folder or model file that cannot be used; the message names the file(s) and what is wrong. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
