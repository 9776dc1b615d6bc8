package dev.polymath.icl.eval;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.icl.spec.TaskSpec;
import dev.polymath.icl.spec.TaskSpecs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves what {@code --task} names: a bundled spec ({@code mmlu}, {@code bbh}, {@code mmlu-pro-protocol}),
 * one task of it ({@code mmlu:anatomy}, {@code bbh:boolean_expressions}, {@code mmlu-pro-protocol:virology}),
 * or a spec file ({@code my-task.yaml}, optionally {@code my-task.yaml:<task>}).
 */
public final class TaskRefs {
    private TaskRefs() {}

    public static TaskSpec spec(String ref) {
        if (ref == null || ref.isBlank()) throw new IllegalArgumentException("empty --task");
        String base = ref;
        String sub = null;
        if (!Files.isRegularFile(Path.of(ref))) {
            int colon = ref.lastIndexOf(':');
            if (colon > 0) {
                base = ref.substring(0, colon);
                sub = ref.substring(colon + 1);
                if (sub.isBlank()) throw new IllegalArgumentException("--task " + ref + ": nothing after ':'");
            }
        }
        TaskSpec spec;
        if (base.endsWith(".yaml") || base.endsWith(".yml") || Files.isRegularFile(Path.of(base))) {
            spec = TaskSpecs.load(Path.of(base));
        } else if (TaskSpecs.BUNDLED.contains(base)) {
            spec = TaskSpecs.bundled(base);
        } else {
            throw new IllegalArgumentException("unknown --task '" + ref + "': expected one of " + String.join(", ", TaskSpecs.BUNDLED)
                    + " (optionally with :<task>, e.g. mmlu:anatomy) or a task spec file (.yaml)");
        }
        return sub == null ? spec : spec.withTasks(List.of(sub));
    }

    /** The spec's dataset, narrowed to its {@code tasks} (each given with or without the dataset prefix). */
    public static TaskSuite suite(TaskSpec spec) {
        TaskSuite suite = DatasetCatalog.resolve(spec.dataset());
        if (spec.tasks().isEmpty()) return suite;
        var chosen = new ArrayList<Task>();
        for (String want : spec.tasks()) {
            Task found = null;
            for (Task t : suite.tasks()) {
                if (t.name().equals(want) || t.name().equals(suite.name() + "/" + want) || t.name().endsWith("/" + want)) {
                    found = t;
                    break;
                }
            }
            if (found == null) {
                var names = suite.tasks().stream().map(t -> t.name().substring(t.name().indexOf('/') + 1)).toList();
                throw new IllegalArgumentException(spec.where("tasks") + ": dataset " + spec.dataset() + " has no task '" + want
                        + "'; its tasks: " + (names.size() <= 60 ? String.join(", ", names) : String.join(", ", names.subList(0, 60)) + ", ..."));
            }
            if (!chosen.contains(found)) chosen.add(found);
        }
        return new TaskSuite(suite.name(), suite.description(), chosen);
    }
}
