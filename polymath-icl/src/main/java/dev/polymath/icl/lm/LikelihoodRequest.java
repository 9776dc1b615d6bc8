package dev.polymath.icl.lm;

import java.util.Objects;

/** One (context, continuation) pair to score; the continuation includes any leading delimiter (e.g. " B"). */
public record LikelihoodRequest(String context, String continuation) {
    public LikelihoodRequest {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(continuation, "continuation");
        if (continuation.isEmpty()) throw new IllegalArgumentException("continuation must not be empty");
    }
}
