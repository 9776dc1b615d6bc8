package dev.polymath.icl.eval;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.spec.Docs;
import dev.polymath.icl.spec.OutputType;
import dev.polymath.icl.spec.TaskSpec;
import dev.polymath.icl.spec.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Renders prompts, choices and gold answers of a {@link TaskSpec} (the layout is described there). */
public final class PromptBuilder {
    private final TaskSpec spec;

    public PromptBuilder(TaskSpec spec) {
        this.spec = spec;
    }

    public TaskSpec spec() {
        return spec;
    }

    private String where(String field, Task task, Example e) {
        return spec.where(field) + " (task " + task.name() + ", example " + e.id() + ")";
    }

    public String description(Task task, Example query) {
        return spec.description().render(Docs.of(task, query), where("description", task, query));
    }

    /** The query part: {@code doc_to_text}, plus {@code target_delimiter + gen_prefix} for generation. */
    public String query(Task task, Example e) {
        String q = spec.docToText().render(Docs.of(task, e), where("doc_to_text", task, e));
        if (spec.outputType() == OutputType.GENERATE_UNTIL && spec.genPrefix() != null) q += spec.targetDelimiter() + spec.genPrefix();
        return q;
    }

    /** A demonstration: {@code doc_to_text + target_delimiter + answer}. */
    public String demonstration(Task task, Example e) {
        Map<String, Object> doc = Docs.of(task, e);
        String text = spec.docToText().render(doc, where("doc_to_text", task, e));
        String answer;
        if (spec.fewshotTarget() != null) {
            answer = spec.fewshotTarget().render(doc, where("fewshot_target", task, e));
        } else if (spec.outputType() == OutputType.MULTIPLE_CHOICE) {
            answer = choices(task, e).get(gold(task, e));
        } else {
            answer = spec.docToTarget().render(doc, where("doc_to_target", task, e));
        }
        return text + spec.targetDelimiter() + answer;
    }

    /** The whole prompt with the demonstrations in the given order. */
    public String prompt(Task task, Example query, List<Demo> demos, Function<String, Task> taskByName) {
        var sb = new StringBuilder(description(task, query));
        for (Demo d : demos) {
            Task dt = d.task().equals(task.name()) ? task : taskByName.apply(d.task());
            sb.append(demonstration(dt, d.example())).append(spec.fewshotDelimiter());
        }
        return sb.append(query(task, query)).toString();
    }

    /**
     * The answer options: rendered {@code doc_to_choice}, else the example's own choices, else (classification) the
     * task's class labels in the dataset's order.
     */
    public List<String> choices(Task task, Example e) {
        if (spec.docToChoice() == null) {
            if (!e.choices().isEmpty()) return e.choices();
            if (!task.labels().isEmpty()) return task.labels();
            throw new IllegalArgumentException(spec.where("doc_to_choice") + ": not set and example "
                    + e.id() + " of " + task.name() + " has no choices (and the task no class labels)");
        }
        Map<String, Object> doc = Docs.of(task, e);
        var out = new ArrayList<String>();
        for (int i = 0; i < spec.docToChoice().size(); i++) {
            Template t = spec.docToChoice().get(i);
            out.add(t.render(doc, where("doc_to_choice[" + i + "]", task, e)));
        }
        return out;
    }

    /** Gold choice index: {@code doc_to_target} renders to an index, or to one of the choices. */
    public int gold(Task task, Example e) {
        String t = spec.docToTarget().render(Docs.of(task, e), where("doc_to_target", task, e)).strip();
        List<String> choices = choices(task, e);
        try {
            int i = Integer.parseInt(t);
            if (i < 0 || i >= choices.size()) {
                throw new IllegalArgumentException(where("doc_to_target", task, e) + ": index " + i + " but " + choices.size() + " choices");
            }
            return i;
        } catch (NumberFormatException nfe) {
            int i = choices.indexOf(t);
            if (i < 0) throw new IllegalArgumentException(where("doc_to_target", task, e) + ": '" + t + "' is neither an index nor one of the choices " + choices);
            return i;
        }
    }

    /** Gold text for generation and log-likelihood tasks. */
    public String goldText(Task task, Example e) {
        return spec.docToTarget().render(Docs.of(task, e), where("doc_to_target", task, e));
    }
}
