package dev.polymath.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Natural Instructions v1: one generation task per {@code tasks/subtaskNNN_<source>_<name>.json[.gz]} file,
 * named {@code natural-instructions/subtaskNNN_<source>_<name>}, metric {@code exact-match}.
 *
 * <ul>
 *   <li>instruction = the file's {@code Definition};</li>
 *   <li>category = the source dataset from the file name ({@code quoref}, {@code mctaco}, {@code cosmosqa},
 *       {@code drop}, {@code winogrande}, {@code qasc}, {@code essential_terms}, {@code multirc}, {@code ropes};
 *       the misspelt {@code misc}/{@code miscellaenous} variants become {@code miscellaneous}), so tasks can be
 *       held out by category;</li>
 *   <li>{@code Instances} are split deterministically by position, with no shuffling: instance {@code i} goes to
 *       {@code test} when {@code i % 10 == 9}, to {@code validation} when {@code i % 10 == 8}, else to
 *       {@code train} (80/10/10). For held-out-task evaluation use all three;</li>
 *   <li>the {@code Positive Examples} form a split {@code examples} (demonstrations; meta {@code reason}).</li>
 * </ul>
 * Every reference of an instance's {@code output} list is kept.
 */
public final class NaturalInstructionsLoader {
    private NaturalInstructionsLoader() {}

    public static final String NAME = "natural-instructions";
    public static final String FOLDER = "natural-instructions-v1";
    public static final String EXAMPLES = "examples";
    static final List<String> SOURCES = List.of("quoref", "mctaco", "cosmosqa", "drop", "winogrande", "qasc",
            "essential_terms", "multirc", "ropes");

    public static TaskSuite load() {
        return load(DataPaths.locate(FOLDER));
    }

    /** Source dataset of a task file name such as {@code subtask029_winogrande_full_object}. */
    public static String category(String taskName) {
        String rest = taskName.replaceFirst("^subtask\\d+_", "");
        for (String s : SOURCES) if (rest.startsWith(s + "_") || rest.equals(s)) return s;
        if (rest.startsWith("misc")) return "miscellaneous";
        int u = rest.indexOf('_');
        return u < 0 ? rest : rest.substring(0, u);
    }

    public static TaskSuite load(Path dir) {
        Path tasksDir = dir.resolve("tasks");
        var files = DataFiles.list(tasksDir, ".json");
        if (files.isEmpty()) throw new MissingDataException("no task files (*.json or *.json.gz) in " + tasksDir);
        var tasks = new ArrayList<Task>(files.size());
        for (Path f : files) tasks.add(loadTask(f));
        long categories = tasks.stream().map(Task::category).distinct().count();
        return new TaskSuite(NAME, "Natural Instructions v1: crowdsourcing instructions for " + tasks.size()
                + " generation tasks in " + categories + " categories (source datasets)", tasks);
    }

    public static Task loadTask(Path file) {
        String base = DataFiles.baseName(file);
        String taskName = base.substring(0, base.length() - ".json".length());
        JsonNode root = DataFiles.readJson(file);
        String definition = DataFiles.string(file, 0, root, "Definition");
        JsonNode instances = DataFiles.array(file, 0, root, "Instances");
        var train = new ArrayList<Example>();
        var validation = new ArrayList<Example>();
        var test = new ArrayList<Example>();
        int i = 0;
        for (JsonNode inst : instances) {
            String field = "Instances[" + i + "]";
            if (!inst.isObject()) throw new DataFormatException(file, 0, field, "expected an object");
            JsonNode in = inst.get("input");
            if (in == null || !in.isValueNode()) throw new DataFormatException(file, 0, field + ".input", "missing");
            var refs = references(file, field + ".output", inst.get("output"));
            var target = i % 10 == 9 ? test : i % 10 == 8 ? validation : train;
            String split = target == test ? Task.TEST : target == validation ? Task.VALIDATION : Task.TRAIN;
            target.add(Example.generation(split + ":" + target.size(), in.asText(), refs));
            i++;
        }
        var examples = new ArrayList<Example>();
        JsonNode ex = root.path("Examples").path("Positive Examples");
        if (ex.isArray()) {
            int k = 0;
            for (JsonNode e : ex) {
                String field = "Examples.Positive Examples[" + k++ + "]";
                JsonNode in = e.get("input");
                if (in == null || !in.isValueNode()) throw new DataFormatException(file, 0, field + ".input", "missing");
                var refs = references(file, field + ".output", e.get("output"));
                Example demo = Example.generation(EXAMPLES + ":" + examples.size(), in.asText(), refs);
                String reason = e.path("reason").asText("");
                if (!reason.isBlank()) demo = demo.withMeta(Map.of("reason", reason));
                examples.add(demo);
            }
        }
        return Task.builder(NAME + "/" + taskName, TaskKind.GENERATION)
                .instruction(definition.strip())
                .category(category(taskName))
                .metrics(MetricSpec.higher("exact-match"))
                .split(Task.TRAIN, train).split(Task.VALIDATION, validation).split(Task.TEST, test)
                .split(EXAMPLES, examples)
                .build();
    }

    private static List<String> references(Path file, String field, JsonNode out) {
        if (out == null || out.isNull()) throw new DataFormatException(file, 0, field, "missing");
        var refs = new ArrayList<String>();
        if (out.isArray()) {
            for (JsonNode r : out) {
                if (!r.isValueNode()) throw new DataFormatException(file, 0, field, "expected strings, got " + r.getNodeType());
                refs.add(r.asText());
            }
        } else if (out.isValueNode()) {
            refs.add(out.asText());
        } else {
            throw new DataFormatException(file, 0, field, "expected a string or an array of strings");
        }
        if (refs.isEmpty()) throw new DataFormatException(file, 0, field, "no reference output");
        return refs;
    }
}
