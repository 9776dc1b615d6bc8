package dev.polymath.icl.learner;

import java.util.ArrayList;
import java.util.List;

/**
 * A classifier that learns only from its context: given labelled demonstrations (vector, label) in prompt order
 * and a query vector, it returns log-probabilities over the labels {@code 0..numLabels-1}. Nothing is trained at
 * prediction time, so the choice of demonstrations is all that changes its answer — which is what the offline
 * selector experiment measures. A language model scored on verbalized labels is one such learner; the offline
 * ones here read sentence embeddings.
 */
public interface InContextLearner {

    /** Registry name, e.g. {@code kernel-vote}. */
    String name();

    /**
     * One prompt: demonstrations in prompt order (first = farthest from the query) and the query.
     *
     * @param demos  demonstration vectors
     * @param labels demonstration labels in {@code 0..numLabels-1}
     */
    record Prompt(float[][] demos, int[] labels, float[] query) {
        public Prompt {
            if (demos.length != labels.length) {
                throw new IllegalArgumentException(demos.length + " demonstrations but " + labels.length + " labels");
            }
        }
    }

    /** Log-probabilities over {@code numLabels} labels for one prompt. */
    double[] logProbs(Prompt prompt, int numLabels);

    /** Batched; learners that run a network override this to batch the forward pass. */
    default List<double[]> logProbs(List<Prompt> prompts, int numLabels) {
        var out = new ArrayList<double[]>(prompts.size());
        for (Prompt p : prompts) out.add(logProbs(p, numLabels));
        return out;
    }

    /** The most probable label (ties: the lowest label). */
    static int argmax(double[] logProbs) {
        int best = 0;
        for (int i = 1; i < logProbs.length; i++) if (logProbs[i] > logProbs[best]) best = i;
        return best;
    }

    /** Checks a prompt's labels against the label count; names the offending demonstration. */
    static void checkLabels(Prompt p, int numLabels) {
        for (int i = 0; i < p.labels().length; i++) {
            if (p.labels()[i] < 0 || p.labels()[i] >= numLabels) {
                throw new IllegalArgumentException("demonstration " + i + " has label " + p.labels()[i] + ", outside 0.." + (numLabels - 1));
            }
        }
    }
}
