package dev.polymath.nn.mtl.suite;

import java.util.function.Consumer;

/**
 * How to load a suite.
 *
 * @param dataSeed       seed of generated data (Multi-Fashion's composites); fixed across training seeds so
 *                       runs with different seeds see the same data
 * @param trainSize      Multi-Fashion training composites (0 = the suite's full size); ignored by text suites
 * @param validationSize Multi-Fashion validation composites
 * @param testSize       Multi-Fashion test composites (0 = full)
 * @param maxTrain       text suites: at most this many training examples per task, a seeded random subset (0 = all)
 * @param maxEval        text suites: at most this many validation and this many test examples per task,
 *                       likewise (0 = all)
 * @param embedder       sentence embeddings for text suites (null for image suites)
 * @param log            progress messages
 */
public record SuiteOptions(long dataSeed, int trainSize, int validationSize, int testSize, int maxTrain, int maxEval,
                           TextEmbedder embedder, Consumer<String> log) {
    public SuiteOptions {
        if (trainSize < 0 || validationSize < 0 || testSize < 0 || maxTrain < 0 || maxEval < 0) {
            throw new IllegalArgumentException("sizes must be >= 0");
        }
        if (log == null) log = s -> {};
    }
}
