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
import java.util.regex.Pattern;

/**
 * BIG-Bench Hard: 27 generation tasks {@code bbh/<task>} scored by {@code exact-match}, all examples of
 * {@code bbh/<task>.json} in split {@code test} (BBH has no training data).
 *
 * <p>From {@code cot-prompts/<task>.txt} (when present): the instruction is the one-line task description
 * that follows the canary header, and the three chain-of-thought demonstrations become split {@code fewshot}:
 * input = the question, target = the final answer (the text after "So the answer is"), meta {@code cot} = the
 * whole worked answer. {@link #cotPrompt} returns the prompt text without the canary header. Category = the task
 * family (the {@code _three/_five/_seven_objects} variants share one).
 */
public final class BbhLoader {
    private BbhLoader() {}

    public static final String NAME = "bbh";
    public static final String FEWSHOT = "fewshot";
    private static final Pattern ANSWER = Pattern.compile("So the answer is (.*?)\\.?\\s*$", Pattern.DOTALL);

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    public static TaskSuite load(Path dir) {
        var files = DataFiles.list(dir.resolve("bbh"), ".json");
        if (files.isEmpty()) throw new MissingDataException("no task files (*.json) in " + dir.resolve("bbh"));
        var tasks = new ArrayList<Task>();
        for (Path f : files) {
            String base = DataFiles.baseName(f);
            String task = base.substring(0, base.length() - ".json".length());
            var b = Task.builder(NAME + "/" + task, TaskKind.GENERATION)
                    .category(task.replaceFirst("_(three|five|seven)_objects$", ""))
                    .metrics(MetricSpec.higher("exact-match"))
                    .split(Task.TEST, readExamples(f));
            Path prompt = DataFiles.existing(dir.resolve("cot-prompts").resolve(task + ".txt"));
            if (prompt != null) {
                var parsed = parsePrompt(prompt);
                b.instruction(parsed.description()).split(FEWSHOT, parsed.demonstrations());
            }
            tasks.add(b.build());
        }
        return new TaskSuite(NAME, "BIG-Bench Hard: 27 challenging BIG-bench reasoning tasks, exact-match answers",
                tasks);
    }

    static List<Example> readExamples(Path file) {
        JsonNode root = DataFiles.readJson(file);
        JsonNode arr = DataFiles.array(file, 0, root, "examples");
        var out = new ArrayList<Example>(arr.size());
        int i = 0;
        for (JsonNode e : arr) {
            String field = "examples[" + i++ + "]";
            if (!e.isObject()) throw new DataFormatException(file, 0, field, "expected an object");
            JsonNode in = e.get("input");
            JsonNode target = e.get("target");
            if (in == null || !in.isValueNode()) throw new DataFormatException(file, 0, field + ".input", "missing");
            if (target == null || !target.isValueNode()) throw new DataFormatException(file, 0, field + ".target", "missing");
            out.add(Example.generation(Task.TEST + ":" + out.size(), in.asText(), List.of(target.asText())));
        }
        return out;
    }

    /** The parsed chain-of-thought prompt of one task. */
    public record CotPrompt(String description, String text, List<Example> demonstrations) {}

    /** The chain-of-thought prompt of a task folder's {@code cot-prompts/<task>.txt}, without the canary header. */
    public static String cotPrompt(Path dir, String task) {
        return parsePrompt(DataFiles.require(dir.resolve("cot-prompts").resolve(task + ".txt"))).text();
    }

    static CotPrompt parsePrompt(Path file) {
        List<String> lines = DataFiles.lines(file);
        int start = 0;
        for (int i = 0; i < Math.min(lines.size(), 5); i++) {
            if (lines.get(i).strip().equals("-----")) { start = i + 1; break; }
        }
        var description = new StringBuilder();
        var demos = new ArrayList<Example>();
        StringBuilder q = null;
        StringBuilder a = null;
        long qLine = 0;
        int i = start;
        for (; i < lines.size() && !lines.get(i).startsWith("Q:"); i++) {
            if (!lines.get(i).isBlank()) description.append(description.isEmpty() ? "" : " ").append(lines.get(i).strip());
        }
        String text = String.join("\n", lines.subList(start, lines.size())).strip();
        for (; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : null;
            if (line == null || line.startsWith("Q:")) {
                if (q != null) demos.add(demo(file, qLine, demos.size(), q, a));
                if (line == null) break;
                q = new StringBuilder(line.substring(2).strip());
                a = null;
                qLine = i + 1L;
            } else if (line.startsWith("A:") && a == null) {
                a = new StringBuilder(line.substring(2).strip());
            } else if (a != null) {
                a.append('\n').append(line);
            } else if (q != null) {
                q.append('\n').append(line);
            }
        }
        return new CotPrompt(description.toString(), text, demos);
    }

    private static Example demo(Path file, long line, int index, StringBuilder q, StringBuilder a) {
        if (a == null) throw new DataFormatException(file, line, "A", "question without an 'A:' answer");
        String cot = a.toString().strip();
        var m = ANSWER.matcher(cot);
        String answer = m.find() ? m.group(1).strip() : cot;
        return Example.generation(FEWSHOT + ":" + index, q.toString().strip(), List.of(answer))
                .withMeta(Map.of("cot", cot));
    }
}
