package dev.polymath.icl.eval;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.icl.lm.LanguageModel;
import dev.polymath.icl.lm.LikelihoodRequest;
import dev.polymath.icl.lm.LogLikelihood;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.select.DemoFeedback;
import dev.polymath.icl.spec.OutputType;
import dev.polymath.icl.spec.TaskSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * UDR's feedback from a language model: a candidate's score is the model's log-likelihood of the query's gold
 * answer (the gold choice for multiple choice, else the rendered {@code doc_to_target}) after a prompt that holds
 * only that candidate as demonstration, rendered by the task's spec. For generation specs (chain of thought) this
 * scores the bare answer right after the prompt, a proxy for what generation would reach.
 */
public final class LanguageModelFeedback implements DemoFeedback {
    private final LanguageModel model;
    private final PromptBuilder builder;
    private final Map<String, Task> tasks;

    /** @param tasks the tasks queries come from, by name */
    public LanguageModelFeedback(LanguageModel model, TaskSpec spec, Map<String, Task> tasks) {
        this.model = model;
        this.builder = new PromptBuilder(spec);
        this.tasks = Map.copyOf(tasks);
    }

    @Override
    public String describe() {
        return "language model " + model.describe() + ", log p(gold | one demonstration), spec " + builder.spec().name();
    }

    @Override
    public double[] score(String taskName, Example query, List<Example> candidates) {
        Task task = tasks.get(taskName);
        if (task == null) throw new IllegalArgumentException("feedback asked for unknown task " + taskName + "; known: " + tasks.keySet());
        TaskSpec spec = builder.spec();
        String gold = spec.outputType() == OutputType.MULTIPLE_CHOICE
                ? builder.choices(task, query).get(builder.gold(task, query))
                : builder.goldText(task, query).strip();
        var reqs = new ArrayList<LikelihoodRequest>(candidates.size());
        for (Example c : candidates) {
            String prompt = builder.prompt(task, query, List.of(new Demo(taskName, c, Double.NaN, 0)), tasks::get);
            reqs.add(new LikelihoodRequest(prompt, spec.targetDelimiter() + gold));
        }
        List<LogLikelihood> ll = model.logLikelihood(reqs, taskName);
        double[] out = new double[ll.size()];
        for (int i = 0; i < out.length; i++) out[i] = ll.get(i).logProb();
        return out;
    }
}
