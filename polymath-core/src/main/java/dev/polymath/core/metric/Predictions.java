package dev.polymath.core.metric;

import java.util.List;
import java.util.Objects;

/**
 * Gold answers and predictions in the shape one family of metrics takes. Arrays are not copied; do not
 * change them while a metric runs.
 */
public sealed interface Predictions {

    /** Short description of the input kind, for error messages. */
    String describe();

    /**
     * Single-label classification: gold and predicted class indices in {@code [0, numClasses)}. A predicted
     * index of {@link #ABSTAIN} (-1) means "no valid class" (e.g. an unparseable answer): it is always wrong
     * and is not a class of its own.
     */
    record Classes(int[] gold, int[] predicted, int numClasses) implements Predictions {
        public static final int ABSTAIN = -1;

        public Classes {
            Objects.requireNonNull(gold, "gold");
            Objects.requireNonNull(predicted, "predicted");
        }

        public String describe() { return "class indices"; }
    }

    /** Real-valued gold values and predictions. */
    record Values(double[] gold, double[] predicted) implements Predictions {
        public Values {
            Objects.requireNonNull(gold, "gold");
            Objects.requireNonNull(predicted, "predicted");
        }

        public String describe() { return "real values"; }
    }

    /** Binary gold ({@code true} = positive class) with a real-valued score per example, higher = more positive. */
    record Scores(boolean[] positive, double[] scores) implements Predictions {
        public Scores {
            Objects.requireNonNull(positive, "positive");
            Objects.requireNonNull(scores, "scores");
        }

        /** From 0/1 gold labels; any other value is rejected. */
        public static Scores ofBinary(int[] gold01, double[] scores) {
            boolean[] pos = new boolean[gold01.length];
            for (int i = 0; i < gold01.length; i++) {
                if (gold01[i] != 0 && gold01[i] != 1) {
                    throw new IllegalArgumentException("binary gold label at " + i + " must be 0 or 1, got " + gold01[i]);
                }
                pos[i] = gold01[i] == 1;
            }
            return new Scores(pos, scores);
        }

        public String describe() { return "binary gold with scores"; }
    }

    /**
     * Ranked retrieval: per query, the graded gold relevances ({@code >= 0}) of the candidates <em>in the order
     * the system ranked them</em>, best first. The ideal ranking is the same relevances sorted descending.
     */
    record Rankings(List<double[]> relevancesInRankedOrder) implements Predictions {
        public Rankings {
            relevancesInRankedOrder = List.copyOf(relevancesInRankedOrder);
        }

        public String describe() { return "per-query relevances in ranked order"; }
    }

    /** Generated strings, each with one or more acceptable references. */
    record Texts(List<List<String>> references, List<String> predicted) implements Predictions {
        public Texts {
            Objects.requireNonNull(references, "references");
            Objects.requireNonNull(predicted, "predicted");
        }

        /** One reference per example. */
        public static Texts single(List<String> gold, List<String> predicted) {
            return new Texts(gold.stream().map(List::of).toList(), predicted);
        }

        public String describe() { return "generated texts with references"; }
    }
}
