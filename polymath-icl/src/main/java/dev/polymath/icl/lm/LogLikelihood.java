package dev.polymath.icl.lm;

/**
 * Log-likelihood of a continuation given a context.
 *
 * @param logProb  sum of the natural-log probabilities of the continuation's tokens
 * @param isGreedy whether every continuation token was the model's most likely token ({@code null} when the
 *                 server did not report top alternatives, so greediness is unknown)
 * @param tokens   number of continuation tokens scored
 */
public record LogLikelihood(double logProb, Boolean isGreedy, int tokens) {}
