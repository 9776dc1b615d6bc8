package dev.polymath.cli;

import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.learner.InContextLearners;
import dev.polymath.icl.learner.KernelVoteLearner;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The offline in-context learners as the command line names them: {@code kernel-vote}, {@code gpicl:DIR} (a model
 * folder from {@code polymath meta icl}), or any name registered with {@link InContextLearners}. Shared by
 * {@code icl eval --model}, {@code icl offline --learner} and {@code icl retriever train --model}.
 */
final class OfflineLearners {
    private OfflineLearners() {}

    static final String GPICL_PREFIX = GpiclLearner.NAME + ":";

    /** Whether {@code ref} names an in-context learner rather than an endpoint URL. */
    static boolean isLearner(String ref) {
        return ref.startsWith(GPICL_PREFIX) || ref.equals(GpiclLearner.NAME) || InContextLearners.names().contains(ref);
    }

    /**
     * @param ref         {@code kernel-vote}, {@code gpicl:DIR}, or {@code gpicl} with {@code gpiclModel}
     * @param gpiclModel  model folder for a bare {@code gpicl} (null: none given)
     * @param embeddings  the data's embeddings, for learners that standardize their inputs (asked only by those)
     * @param temperature τ of kernel-vote
     * @param batch       prompts per forward pass of a network learner
     */
    static InContextLearner create(String ref, Path gpiclModel, Supplier<float[][]> embeddings, long seed, double temperature, int batch) {
        if (ref.equals(KernelVoteLearner.NAME)) return new KernelVoteLearner(temperature);
        if (ref.equals(GpiclLearner.NAME) || ref.startsWith(GPICL_PREFIX)) {
            Path dir = ref.startsWith(GPICL_PREFIX) ? Path.of(ref.substring(GPICL_PREFIX.length())) : gpiclModel;
            if (dir == null || dir.toString().isBlank()) {
                throw new IllegalArgumentException("the gpicl learner needs its model folder: gpicl:DIR (config.json + model.safetensors from 'polymath meta icl --out DIR')");
            }
            return new GpiclLearner(dir, embeddings.get(), seed, batch);
        }
        return InContextLearners.create(ref);
    }

    /** The names a user can give, for listings. */
    static String describe() {
        var names = new java.util.ArrayList<String>();
        for (String n : InContextLearners.names()) names.add(n);
        names.add(GPICL_PREFIX + "DIR");
        return String.join(", ", names);
    }

    /** The model folder a learner reference names, or null. */
    static Path modelDir(String ref, Path gpiclModel) {
        if (ref.startsWith(GPICL_PREFIX)) return Path.of(ref.substring(GPICL_PREFIX.length()));
        return ref.equals(GpiclLearner.NAME) ? gpiclModel : null;
    }
}
