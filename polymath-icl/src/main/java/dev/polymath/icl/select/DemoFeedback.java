package dev.polymath.icl.select;

import dev.polymath.core.task.Example;

import java.util.List;

/**
 * Model feedback for training a demonstration retriever: how much each candidate, shown to the model as the only
 * demonstration, helps it on the query — UDR scores a candidate by the model's (log-)probability of the query's
 * gold output with that one demonstration in the prompt. Higher is better.
 */
public interface DemoFeedback {

    /** What gives the feedback, for run records (model, protocol). */
    String describe();

    /** One score per candidate, in order. */
    double[] score(String task, Example query, List<Example> candidates);
}
