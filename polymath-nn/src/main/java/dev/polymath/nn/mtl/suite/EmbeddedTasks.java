package dev.polymath.nn.mtl.suite;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.data.DenseTaskData;
import dev.polymath.nn.mtl.data.MtlSplit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text tasks with separate inputs as frozen sentence embeddings + an MLP trunk: every text of every task and
 * split is embedded in one call (the encoder's cache makes reruns cheap), then each task's split becomes a
 * {@link DenseTaskData}.
 */
final class EmbeddedTasks {
    /** MLP trunk widths on top of the embeddings. */
    static final int[] HIDDEN = {256, 256};

    private EmbeddedTasks() {}

    /** At most {@code cap} examples (0 = all): a seeded random subset, kept in dataset order. */
    static List<Example> subset(List<Example> all, int cap, long seed, String purpose) {
        if (cap <= 0 || all.size() <= cap) return all;
        int[] idx = dev.polymath.core.util.Seeds.sampleWithoutReplacement(all.size(), cap, dev.polymath.core.util.Seeds.stream(seed, "subset/" + purpose));
        java.util.Arrays.sort(idx);
        var out = new ArrayList<Example>(cap);
        for (int i : idx) out.add(all.get(i));
        return out;
    }

    static LoadedSuite load(String suite, List<Task> tasks, SuiteOptions o, Map<String, Path> datasets) {
        if (o.embedder() == null) throw new IllegalArgumentException("suite " + suite + " needs a sentence encoder");
        String[] splits = {Task.TRAIN, Task.VALIDATION, Task.TEST};
        if (o.maxTrain() > 0 || o.maxEval() > 0) {
            var capped = new ArrayList<Task>();
            for (Task t : tasks) {
                var m = new java.util.LinkedHashMap<String, List<Example>>();
                for (String s : splits) {
                    int cap = s.equals(Task.TRAIN) ? o.maxTrain() : o.maxEval();
                    m.put(s, subset(t.split(s), cap, o.dataSeed(), t.name() + "/" + s));
                }
                capped.add(t.withSplits(m));
            }
            tasks = capped;
        }
        var texts = new ArrayList<String>();
        for (Task t : tasks) {
            for (String s : splits) {
                if (!t.hasSplit(s)) throw new IllegalArgumentException(suite + ": task " + t.name() + " has no " + s + " split");
                for (Example e : t.split(s)) texts.add(e.text());
            }
        }
        long t0 = System.nanoTime();
        o.log().accept(suite + ": embedding " + texts.size() + " texts with " + o.embedder().describe() + " (cached after the first run)");
        float[][] emb = o.embedder().embed(texts);
        if (emb.length != texts.size()) throw new IllegalStateException("the embedder returned " + emb.length + " rows for " + texts.size() + " texts");
        int dim = emb[0].length;
        var perSplit = new ArrayList<List<DenseTaskData>>();
        for (int k = 0; k < splits.length; k++) perSplit.add(new ArrayList<>());
        int at = 0;
        var outputs = new ArrayList<Integer>();
        var sizes = new StringBuilder();
        for (Task t : tasks) {
            outputs.add(t.labels().size());
            for (int k = 0; k < splits.length; k++) {
                int n = t.size(splits[k]);
                perSplit.get(k).add(new DenseTaskData(t, splits[k], java.util.Arrays.copyOfRange(emb, at, at + n)));
                at += n;
            }
            sizes.append(String.format(java.util.Locale.ROOT, "%s%s %d/%d/%d", sizes.isEmpty() ? "" : ", ", t.name(),
                    t.size(Task.TRAIN), t.size(Task.VALIDATION), t.size(Task.TEST)));
        }
        String desc = String.format(java.util.Locale.ROOT, "%s: %d tasks (train/validation/test: %s), %d-d embeddings from %s, %.1f s",
                suite, tasks.size(), sizes, dim, o.embedder().describe(), (System.nanoTime() - t0) / 1e9);
        o.log().accept(desc);
        return new LoadedSuite(suite, MtlSplit.perTask(Task.TRAIN, perSplit.get(0)), MtlSplit.perTask(Task.VALIDATION, perSplit.get(1)),
                MtlSplit.perTask(Task.TEST, perSplit.get(2)), Backbones.sentenceEmbeddingMlp(dim, HIDDEN), outputs, datasets, desc);
    }
}
