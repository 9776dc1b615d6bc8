package dev.polymath.icl.learner;

import dev.polymath.core.task.Example;
import dev.polymath.core.util.Seeds;
import dev.polymath.icl.select.DemoFeedback;
import dev.polymath.icl.select.Embedder;
import dev.polymath.icl.select.Selectors;

import java.util.List;
import java.util.function.Function;

/**
 * UDR's feedback with an {@link InContextLearner} in place of a language model: a candidate's score is the
 * learner's log-probability of the query's gold label when the candidate is the only demonstration. The prompt
 * uses {@code ways} labels: the gold label is a seeded random one of them and a candidate of another class gets a
 * different one, so only "same class or not" and the embeddings reach the learner (as with any N-way episode).
 */
public final class LearnerFeedback implements DemoFeedback {
    private final InContextLearner learner;
    private final Embedder embedder;
    private final Function<Example, String> text;
    private final Function<Example, String> label;
    private final int ways;
    private final long seed;

    public LearnerFeedback(InContextLearner learner, Embedder embedder, Function<Example, String> text, int ways, long seed) {
        if (ways < 2) throw new IllegalArgumentException("feedback episodes need >= 2 labels, got " + ways);
        this.learner = learner;
        this.embedder = embedder;
        this.text = text == null ? Selectors::defaultText : text;
        this.label = Example::label;
        this.ways = ways;
        this.seed = seed;
    }

    @Override
    public String describe() {
        return "in-context learner " + learner.name() + ", log p(gold | one demonstration), " + ways + " labels";
    }

    @Override
    public double[] score(String task, Example query, List<Example> candidates) {
        var rng = Seeds.stream(seed, "icl/learner-feedback/" + task + "/" + query.id());
        int gold = rng.nextInt(ways);
        int other = (gold + 1 + rng.nextInt(ways - 1)) % ways;
        float[] q = embedder.embed(text.apply(query));
        float[][] c = embedder.embed(candidates.stream().map(text).toList());
        var prompts = new java.util.ArrayList<InContextLearner.Prompt>(candidates.size());
        String g = label.apply(query);
        for (int i = 0; i < c.length; i++) {
            int y = label.apply(candidates.get(i)).equals(g) ? gold : other;
            prompts.add(new InContextLearner.Prompt(new float[][]{c[i]}, new int[]{y}, q));
        }
        List<double[]> lp = learner.logProbs(prompts, ways);
        double[] out = new double[c.length];
        for (int i = 0; i < out.length; i++) out[i] = lp.get(i)[gold];
        return out;
    }
}
