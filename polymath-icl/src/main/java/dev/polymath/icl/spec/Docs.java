package dev.polymath.icl.spec;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields an {@link Example} offers to prompt templates:
 * <ul>
 *   <li>{@code question}, {@code input}: the example's text;</li>
 *   <li>{@code choices} (list), {@code lettered_choices} ("A. first\nB. second..."), {@code num_choices};</li>
 *   <li>{@code answer}: the gold choice index (multiple choice), class label, or first reference;
 *       {@code answer_letter}: the gold letter (A, B, ...); {@code target}: the first reference, label or gold letter;</li>
 *   <li>{@code cot}: a worked chain-of-thought answer when the data has one (BBH's few-shot demonstrations);</li>
 *   <li>{@code subject}: the task's category with underscores as spaces (MMLU: "high school biology");
 *       {@code task}, {@code instruction};</li>
 *   <li>every {@link Example#meta()} entry under its own key (not overriding the above).</li>
 * </ul>
 */
public final class Docs {
    private Docs() {}

    public static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static String letter(int index) {
        if (index < 0 || index >= LETTERS.length()) throw new IllegalArgumentException("no letter for option " + index);
        return String.valueOf(LETTERS.charAt(index));
    }

    public static Map<String, Object> of(Task task, Example e) {
        var m = new LinkedHashMap<String, Object>();
        if (!e.texts().isEmpty()) {
            m.put("question", e.text());
            m.put("input", e.text());
        }
        List<String> choices = e.choices();
        m.put("choices", choices);
        m.put("num_choices", choices.size());
        if (!choices.isEmpty()) {
            var sb = new StringBuilder();
            for (int i = 0; i < choices.size(); i++) {
                if (i > 0) sb.append('\n');
                sb.append(letter(i)).append(". ").append(choices.get(i));
            }
            m.put("lettered_choices", sb.toString());
        }
        switch (e.target()) {
            case Target.Choice c -> {
                m.put("answer", c.index());
                m.put("answer_letter", letter(c.index()));
                m.put("target", letter(c.index()));
            }
            case Target.Text t when !t.references().isEmpty() -> {
                m.put("answer", t.references().get(0));
                m.put("target", t.references().get(0));
            }
            case Target.Label l -> {
                m.put("answer", l.label());
                m.put("target", l.label());
            }
            case null, default -> { }
        }
        String cot = e.meta().get("cot");
        if (cot != null && !cot.isBlank()) m.put("cot", cot);
        m.put("subject", task.category().replace('_', ' '));
        m.put("task", task.name());
        m.put("instruction", task.instruction());
        e.meta().forEach(m::putIfAbsent);
        return m;
    }
}
