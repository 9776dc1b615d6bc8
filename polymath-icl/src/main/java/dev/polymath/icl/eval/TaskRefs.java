package dev.polymath.icl.eval;

import dev.polymath.core.data.BbhLoader;
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

    /**
     * BBH tasks with their instruction set to the prompt file's description verbatim (everything before the first
     * demonstration). The core loader joins a multi-paragraph description into one line (snarks has two
     * paragraphs), which is fine for a task summary but not for reproducing the prompt byte for byte.
     */
    static TaskSuite exactBbhDescriptions(TaskSuite suite) {
        Path dir = DatasetCatalog.locate(BbhLoader.NAME);
        var tasks = new ArrayList<Task>();
        for (Task t : suite.tasks()) {
            String name = t.name().substring(t.name().indexOf('/') + 1);
            Path file = dir.resolve("cot-prompts").resolve(name + ".txt");
            if (!t.hasSplit(BbhLoader.FEWSHOT) || !Files.isRegularFile(file)) {
                tasks.add(t);
                continue;
            }
            String text = BbhLoader.cotPrompt(dir, name);
            int q = text.startsWith("Q:") ? 0 : text.indexOf("\n\nQ:");
            String description = q < 0 ? t.instruction() : text.substring(0, q);
            tasks.add(new Task(t.name(), t.kind(), t.labels(), description, t.category(), t.metrics(), t.splits()));
        }
        return new TaskSuite(suite.name(), suite.description(), tasks);
    }

    /** The spec's dataset, narrowed to its {@code tasks} (each given with or without the dataset prefix). */
    public static TaskSuite suite(TaskSpec spec) {
        TaskSuite suite = DatasetCatalog.resolve(spec.dataset());
        if (spec.dataset().equals(BbhLoader.NAME)) suite = exactBbhDescriptions(suite);
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
