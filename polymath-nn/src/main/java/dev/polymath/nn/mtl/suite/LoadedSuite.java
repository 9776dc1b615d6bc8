package dev.polymath.nn.mtl.suite;

import dev.polymath.nn.mtl.arch.Backbone;
import dev.polymath.nn.mtl.data.MtlSplit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A suite's data, ready to train on.
 *
 * @param backbone  the shared feature extractor for this data
 * @param outputs   classes per task, in task order
 * @param datasets  dataset name to its folder (for run records' checksums)
 * @param describe  one line: sizes, encoder, ...
 */
public record LoadedSuite(String name, MtlSplit train, MtlSplit validation, MtlSplit test, Backbone backbone,
                          List<Integer> outputs, Map<String, Path> datasets, String describe) {
    public LoadedSuite {
        outputs = List.copyOf(outputs);
        datasets = Map.copyOf(datasets);
    }

    /** The same suite restricted to some tasks (single-task baselines, subsets). */
    public LoadedSuite select(List<String> tasks) {
        List<String> all = train.taskNames();
        var outs = new java.util.ArrayList<Integer>();
        for (String t : tasks) {
            int i = all.indexOf(t);
            if (i < 0) throw new IllegalArgumentException("suite " + name + " has no task '" + t + "'; its tasks: " + String.join(", ", all));
            outs.add(outputs.get(i));
        }
        return new LoadedSuite(name, train.select(tasks), validation == null ? null : validation.select(tasks), test.select(tasks),
                backbone, outs, datasets, describe);
    }
}
