package dev.polymath.cli;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.sample.ClassSplit;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.nn.meta.EpisodeMetaTasks;
import dev.polymath.nn.meta.FewShotBenchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Intent-class episodes over frozen MiniLM embeddings: CLINC150's 150 intents with meta-train / validation /
 * test classes split by domain (6 / 2 / 2 domains, seeded), BANKING77's 77 intents split at random
 * (47 / 15 / 15 classes). Train episodes draw from the train split, validation and test episodes from the
 * test split.
 */
final class IntentEpisodes {
    private IntentEpisodes() {}

    static EpisodeMetaTasks tasks(String name, EncoderOptions encoder, int ways, int shots, int queries, long seed) {
        TaskSuite suite = DatasetCatalog.load(name);
        Task task = intentTask(name, suite);
        ClassSplit split = classSplit(name, suite, seed);
        var texts = new ArrayList<String>();
        var labels = new ArrayList<String>();
        var splits = new ArrayList<String>();
        for (String s : List.of(Task.TRAIN, Task.TEST)) {
            for (Example e : task.split(s)) {
                texts.add(e.text());
                labels.add(e.label());
                splits.add(s);
            }
        }
        float[][] emb;
        try (var enc = encoder.open()) {
            System.err.println("meta: embedding " + texts.size() + " " + name + " utterances (cached after the first run)");
            emb = enc.encode(texts).toArrays();
        }
        return FewShotBenchmarks.embeddings(name, emb, labels.toArray(String[]::new), splits.toArray(String[]::new), split,
                ways, shots, queries, seed);
    }

    /** The single-label intent task of {@code clinc150} or {@code banking77}. */
    static Task intentTask(String name, TaskSuite suite) {
        return name.equals("clinc150") ? suite.task("clinc150/intent") : suite.tasks().get(0);
    }

    /** Meta-train / validation / test intents: CLINC150 by domain (6 / 2 / 2), BANKING77 at random (47 / 15 / 15). */
    static ClassSplit classSplit(String name, TaskSuite suite, long seed) {
        Task task = intentTask(name, suite);
        if (name.equals("clinc150")) {
            Map<String, String> domainOf = new LinkedHashMap<>();
            for (Task t : suite.tasks()) {
                if (t.name().startsWith("clinc150/by-domain/")) for (String l : t.labels()) domainOf.put(l, t.category());
            }
            return ClassSplit.byGroups(task.labels(), domainOf, 6, 2, 2, seed);
        }
        return ClassSplit.random(task.labels(), 47, 15, 15, seed);
    }
}
