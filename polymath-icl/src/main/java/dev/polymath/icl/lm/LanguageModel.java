package dev.polymath.icl.lm;

import java.util.ArrayList;
import java.util.List;

/**
 * A text-in, text-out language model as the in-context-learning harness needs it: free generation, and the
 * log-likelihood of a continuation given a context (for multiple-choice scoring as lm-evaluation-harness does
 * it). Batched variants default to one call per item; implementations may run them concurrently.
 *
 * <p>{@code task} arguments only name what the call is for, so errors can say which task needed what.
 */
public interface LanguageModel extends AutoCloseable {

    /** A short description for run records, e.g. {@code openai-completions http://localhost:8080/v1 model=llama}. */
    String describe();

    /** Generates a continuation of {@code prompt}; stop sequences are not part of the result. */
    String generate(String prompt, GenerationOptions options);

    /** Sum of log-probabilities of {@code continuation} after {@code context}. */
    LogLikelihood logLikelihood(String context, String continuation, String task);

    default List<String> generate(List<String> prompts, GenerationOptions options) {
        var out = new ArrayList<String>(prompts.size());
        for (String p : prompts) out.add(generate(p, options));
        return out;
    }

    default List<LogLikelihood> logLikelihood(List<LikelihoodRequest> requests, String task) {
        var out = new ArrayList<LogLikelihood>(requests.size());
        for (LikelihoodRequest r : requests) out.add(logLikelihood(r.context(), r.continuation(), task));
        return out;
    }

    @Override
    default void close() {}
}
