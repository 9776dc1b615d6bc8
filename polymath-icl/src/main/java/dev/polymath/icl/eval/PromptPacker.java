package dev.polymath.icl.eval;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.select.OrderPolicy;
import dev.polymath.icl.select.TokenCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Fits demonstrations into a token budget: drops the least relevant (last in the selector's order) until the
 * prompt plus {@code reserve} tokens (the answer to score, or the generation limit) fits, then orders the kept
 * ones by the {@link OrderPolicy}. A prompt over budget with no demonstrations at all is an error naming the task.
 */
public final class PromptPacker {
    private final PromptBuilder builder;
    private final TokenCounter counter;

    public PromptPacker(PromptBuilder builder, TokenCounter counter) {
        this.builder = builder;
        this.counter = counter;
    }

    /**
     * @param prompt    the final prompt
     * @param demos     demonstrations in prompt order
     * @param dropped   how many selected demonstrations did not fit
     * @param tokens    estimated prompt tokens
     */
    public record Packed(String prompt, List<Demo> demos, int dropped, int tokens) {}

    /** @param budget token budget for prompt + reserve, or null for none */
    public Packed pack(Task task, Example query, List<Demo> selected, OrderPolicy order, long seed, Integer budget,
                       int reserve, Function<String, Task> taskByName) {
        for (int m = selected.size(); m >= 0; m--) {
            List<Demo> kept = ordered(selected.subList(0, m), order, seed, task, query);
            String prompt = builder.prompt(task, query, kept, taskByName);
            int tokens = counter.count(prompt);
            if (budget == null || tokens + reserve <= budget) return new Packed(prompt, kept, selected.size() - m, tokens);
            if (m == 0) {
                throw new IllegalArgumentException("task " + task.name() + ": the prompt for example " + query.id() + " needs ~"
                        + tokens + " tokens" + (reserve > 0 ? " (+" + reserve + " reserved for the answer)" : "")
                        + " even with no demonstrations, over the budget of " + budget + " tokens (--context-tokens)");
            }
        }
        throw new IllegalStateException("unreachable");
    }

    static List<Demo> ordered(List<Demo> demos, OrderPolicy order, long seed, Task task, Example query) {
        var out = new ArrayList<>(demos);
        switch (order) {
            case AS_RETRIEVED -> { }
            case RELEVANCE_ASCENDING -> java.util.Collections.reverse(out);
            case RANDOM -> Seeds.shuffle(out, Seeds.stream(seed, "icl/order/" + task.name() + "/" + query.id()));
        }
        return out;
    }
}
