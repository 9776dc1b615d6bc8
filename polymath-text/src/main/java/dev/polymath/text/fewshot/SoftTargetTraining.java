package dev.polymath.text.fewshot;

import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertTrainer;
import dev.polymath.text.bert.SoftTargetLoss;
import java.util.List;

/**
 * Fine-tunes an encoder on class distributions rather than labels ({@link SoftTargetLoss}): a teacher's probabilities
 * carry which classes it confuses and how sure it is (the "dark knowledge" of Hinton et al. 2015), where its labels keep
 * only the top class. The student's classes are the unit means of the encoder's embeddings of labelled texts — its
 * prototype head — recomputed at the start of every pass over the texts, so the targets are matched in the geometry
 * the head will use, and the head keeps up with the moving encoder.
 */
final class SoftTargetTraining {
    private SoftTargetTraining() {}

    /**
     * {@code steps} steps of {@code o.batchSize()} texts of {@code texts} (a seeded shuffle, repeated pass after pass), each
     * pulling the softmax of {@code o.scale()} x cosine to the class vectors towards {@code targets[i]} (columns: the
     * classes 0..C-1 of {@code classLabels}); the class vectors are the unit means of {@code classTexts}' embeddings by
     * {@code classLabels}. AdamW at {@code o}'s learning rate and schedule; full fine-tuning. Losses are appended to
     * {@code losses}; {@code afterStep} gets each step's number, counted on from {@code offset}.
     */
    static void train(BertSentenceEncoder enc, List<String> texts, double[][] targets, List<String> classTexts, int[] classLabels, int classes,
                      int steps, SetFit.Options o, long seed, int offset, List<Float> losses, java.util.function.IntConsumer afterStep) {
        if (texts.size() != targets.length) throw new IllegalArgumentException(texts.size() + " texts but " + targets.length + " target rows");
        if (texts.isEmpty()) throw new IllegalArgumentException("soft-target training needs texts");
        if (o.loraRank() > 0) throw new IllegalArgumentException("soft-target training fine-tunes every weight; LoRA (rank " + o.loraRank() + ") is not supported");
        float[][] t = new float[targets.length][];
        for (int i = 0; i < t.length; i++) {
            if (targets[i].length != classes) throw new IllegalArgumentException("target row " + i + " has " + targets[i].length + " classes, expected " + classes);
            t[i] = new float[classes];
            for (int c = 0; c < classes; c++) t[i][c] = (float) targets[i][c];
        }
        long[][] ids = enc.tokenize(texts);
        int b = Math.min(o.batchSize(), texts.size());
        var passes = new ShuffledPasses(texts.size(), seed);
        float[][] classVectors = null;
        try (var trainer = new BertTrainer(enc.model(), BertTrainer.Options.defaults().withLearningRate(o.learningRate()))) {
            trainer.seed((int) seed);
            for (int step = 1; step <= steps; step++) {
                if (passes.startsPass(b)) classVectors = Prototypes.means(enc.encode(classTexts), classLabels, classes);
                int[] batch = passes.next(b);
                long[][] rows = new long[b][];
                float[][] y = new float[b][];
                for (int k = 0; k < b; k++) {
                    rows[k] = ids[batch[k]];
                    y[k] = t[batch[k]];
                }
                SetFit.schedule(trainer, o, step, steps);
                losses.add(SoftTargetLoss.trainStep(trainer, rows, y, classVectors, o.scale()));
                SetFit.checkDiverged(losses, offset + step, o);
                afterStep.accept(offset + step);
            }
        }
    }
}
