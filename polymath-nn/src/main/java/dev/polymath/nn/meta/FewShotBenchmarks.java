package dev.polymath.nn.meta;

import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.sample.ClassSplit;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/** The classification meta-learning benchmarks: Fashion-MNIST images and frozen sentence embeddings. */
public final class FewShotBenchmarks {
    private FewShotBenchmarks() {}

    /**
     * Fashion-MNIST episodes: the 10 classes split 6 (meta-train) / 4 (meta-test) by seed; meta-training episodes
     * from the train images of the 6 classes, validation episodes from the held-out (t10k) images of the same
     * 6 classes, test episodes from the t10k images of the 4 unseen classes. Small CNN (16 filters).
     *
     * @param maxPerSplit images read per split (the first ones), to bound memory and load time
     */
    public static EpisodeMetaTasks fashion(Path dir, int ways, int shots, int queries, long seed, int maxPerSplit) {
        Task task = FashionMnistLoader.task(dir, maxPerSplit);
        ClassSplit split = ClassSplit.random(FashionMnistLoader.CLASSES, 6, 0, 4, seed);
        if (ways > 4) throw new IllegalArgumentException("fashion has 4 meta-test classes; ways must be <= 4, got " + ways);
        var d = new LinkedHashMap<String, Object>();
        d.put("benchmark", "fashion");
        d.put("data", dir.toString());
        d.put("images_per_split", maxPerSplit);
        d.put("meta_train_classes", split.train());
        d.put("meta_test_classes", split.test());
        d.put("validation", "t10k images of the meta-train classes");
        d.put("ways", ways);
        d.put("shots", shots);
        d.put("queries_per_class", queries);
        int channels = 16;
        d.put("model", new ConvNet(channels, ways).describe());
        return new EpisodeMetaTasks("fashion",
                EpisodeMetaTasks.sampler(task, "train", split.train(), ways, shots, queries, seed, "fashion-train"),
                EpisodeMetaTasks.sampler(task, "test", split.train(), ways, shots, queries, seed, "fashion-validation"),
                EpisodeMetaTasks.sampler(task, "test", split.test(), ways, shots, queries, seed, "fashion-test"),
                28 * 28, algo -> algo.equals("protonet") ? new ConvNet(channels, 0) : new ConvNet(channels, ways), d);
    }

    /**
     * Intent episodes over a provided embedding matrix (e.g. frozen MiniLM sentence embeddings of CLINC150 or
     * Banking77 utterances): row {@code i} of {@code embeddings} has class {@code labels[i]} and belongs to split
     * {@code splits[i]} (e.g. "train"/"test"). Meta-train episodes come from the train classes of
     * {@code classSplit} in split "train", validation episodes from its validation classes (or, when it has
     * none, from the train classes in split "test"), test episodes from its test classes in split "test".
     * Learner: MLP {@code D-256-ways} (ProtoNet: embedding MLP {@code D-256-128}).
     */
    public static EpisodeMetaTasks embeddings(String name, float[][] embeddings, String[] labels, String[] splits,
                                              ClassSplit classSplit, int ways, int shots, int queries, long seed) {
        if (embeddings.length == 0 || embeddings.length != labels.length || labels.length != splits.length) {
            throw new IllegalArgumentException("need one label and one split per embedding row");
        }
        int dim = embeddings[0].length;
        var bySplit = new LinkedHashMap<String, List<Example>>();
        var classes = new LinkedHashSet<String>();
        for (int i = 0; i < embeddings.length; i++) {
            bySplit.computeIfAbsent(splits[i], k -> new ArrayList<>()).add(Example.dense(splits[i] + ":" + i, embeddings[i], labels[i]));
            classes.add(labels[i]);
        }
        var b = Task.builder(name, TaskKind.CLASSIFICATION).labels(List.copyOf(classes)).category("text")
                .instruction("Few-shot intent classification over frozen sentence embeddings.").metrics(MetricSpec.higher("accuracy"));
        bySplit.forEach(b::split);
        Task task = b.build();
        boolean hasVal = !classSplit.validation().isEmpty();
        var d = new LinkedHashMap<String, Object>();
        d.put("benchmark", name);
        d.put("embedding_dim", dim);
        d.put("class_split", classSplit.toString());
        d.put("ways", ways);
        d.put("shots", shots);
        d.put("queries_per_class", queries);
        return new EpisodeMetaTasks(name,
                EpisodeMetaTasks.sampler(task, "train", classSplit.train(), ways, shots, queries, seed, name + "-train"),
                hasVal ? EpisodeMetaTasks.sampler(task, "test", classSplit.validation(), ways, shots, queries, seed, name + "-validation")
                        : EpisodeMetaTasks.sampler(task, "test", classSplit.train(), ways, shots, queries, seed, name + "-validation"),
                EpisodeMetaTasks.sampler(task, "test", classSplit.test(), ways, shots, queries, seed, name + "-test"),
                dim, algo -> algo.equals("protonet") ? new Mlp(Objective.CROSS_ENTROPY, dim, 256, 128) : new Mlp(Objective.CROSS_ENTROPY, dim, 256, ways), d);
    }
}
