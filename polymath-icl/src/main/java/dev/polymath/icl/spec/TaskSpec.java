package dev.polymath.icl.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * An in-context-learning task specification in the spirit of lm-evaluation-harness's task YAML: which data,
 * how a document becomes a prompt, how demonstrations are chosen and joined, how the model is asked and scored.
 * Loaded by {@link TaskSpecs}; see {@code docs/icl.md} for the file format.
 *
 * <p>A prompt is {@code description + demo_1 + fewshot_delimiter + ... + demo_k + fewshot_delimiter + query},
 * where a demonstration is {@code doc_to_text + target_delimiter + answer} (the answer is {@code fewshot_target}
 * when set, else the gold choice for multiple choice, else {@code doc_to_target}) and the query is
 * {@code doc_to_text}, followed for generation by {@code target_delimiter + gen_prefix} when a prefix is set.
 * Multiple-choice continuations are {@code target_delimiter + choice}.
 *
 * @param name             spec name (suite name in reports)
 * @param file             where the spec was read from (bundled resource or path), for error messages
 * @param source           provenance: which protocol the spec reproduces and where it comes from
 * @param dataset          a {@code DatasetCatalog} reference (name, or a path)
 * @param tasks            task names to keep (empty: all tasks of the dataset)
 * @param testSplit        split evaluated
 * @param fewshotSplit     split demonstrations come from
 * @param numFewshot       default number of demonstrations
 * @param selector         default demonstration selector
 * @param description      template rendered once per prompt, before the demonstrations
 * @param docToChoice      multiple choice: choice templates (each rendered per document); null: the example's choices
 * @param fewshotTarget    template for a demonstration's answer, or null
 * @param genPrefix        text after the query's {@code target_delimiter} for generation (e.g. "Let's think step by step."), or null
 * @param until            stop sequences for generation
 * @param maxGenToks       generation token limit
 * @param answerExtraction extractor name (none, so-the-answer-is, mmlu-pro)
 * @param fallback         what an unparsable generated answer counts as
 * @param metrics          acc, acc_norm, exact_match
 * @param contextTokens    default prompt budget in (estimated) tokens, or null for none
 */
public record TaskSpec(String name, String file, String source, String dataset, List<String> tasks, String testSplit,
                       String fewshotSplit, int numFewshot, String selector, OutputType outputType,
                       Template description, Template docToText, Template docToTarget, List<Template> docToChoice,
                       Template fewshotTarget, String genPrefix, String targetDelimiter, String fewshotDelimiter,
                       List<String> until, int maxGenToks, double temperature, String answerExtraction,
                       FallbackPolicy fallback, List<String> metrics, Integer contextTokens) {

    public static final List<String> METRICS = List.of("acc", "acc_norm", "exact_match");

    public TaskSpec {
        tasks = List.copyOf(tasks);
        docToChoice = docToChoice == null ? null : List.copyOf(docToChoice);
        until = List.copyOf(until);
        metrics = List.copyOf(metrics);
    }

    /** Where-prefix for errors about one field. */
    public String where(String field) {
        return "spec " + file + ", field " + field;
    }

    public AnswerExtractor extractor() {
        return AnswerExtractor.named(answerExtraction);
    }

    public TaskSpec withFallback(FallbackPolicy p) {
        return new TaskSpec(name, file, source, dataset, tasks, testSplit, fewshotSplit, numFewshot, selector, outputType,
                description, docToText, docToTarget, docToChoice, fewshotTarget, genPrefix, targetDelimiter,
                fewshotDelimiter, until, maxGenToks, temperature, answerExtraction, p, metrics, contextTokens);
    }

    public TaskSpec withTasks(List<String> keep) {
        return new TaskSpec(name, file, source, dataset, keep, testSplit, fewshotSplit, numFewshot, selector, outputType,
                description, docToText, docToTarget, docToChoice, fewshotTarget, genPrefix, targetDelimiter,
                fewshotDelimiter, until, maxGenToks, temperature, answerExtraction, fallback, metrics, contextTokens);
    }

    /**
     * SHA-256 (first 16 hex digits) over everything that shapes a prompt: the templates, delimiters and prefix.
     * Two runs with the same hash rendered their prompts the same way.
     */
    public String templateHash() {
        var sb = new StringBuilder();
        for (Object o : new Object[] {description, docToText, docToTarget, docToChoice, fewshotTarget, genPrefix,
                targetDelimiter, fewshotDelimiter, outputType, until, answerExtraction}) {
            sb.append(o == null ? "\u0000null" : o.toString()).append('\u0001');
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
