package dev.polymath.icl.lm;

/** A language model could not answer: unreachable endpoint, HTTP error, timeout, malformed or incomplete response. */
public class LanguageModelException extends RuntimeException {
    public LanguageModelException(String message) {
        super(message);
    }

    public LanguageModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
