package dev.polymath.core.data;

/** A dataset, file or model that is needed is not where it was looked for; the message says where it looked. */
public final class MissingDataException extends RuntimeException {
    public MissingDataException(String message) {
        super(message);
    }
}
