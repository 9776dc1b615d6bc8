package dev.polymath.icl.spec;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pulls the final answer out of a generated text; {@link Extraction#answer()} is null when nothing parses. */
public interface AnswerExtractor {

    /** @param rule which rule matched ({@code none} when nothing did) */
    record Extraction(String answer, String rule) {
        public boolean parsed() { return answer != null; }
    }

    String name();

    Extraction extract(String output);

    /** By the name used in specs: {@code none}, {@code so-the-answer-is}, {@code mmlu-pro}. */
    static AnswerExtractor named(String name) {
        return switch (name) {
            case "none" -> WHOLE_OUTPUT;
            case "so-the-answer-is" -> SO_THE_ANSWER_IS;
            case "mmlu-pro" -> MMLU_PRO;
            default -> throw new IllegalArgumentException("unknown answer_extraction '" + name + "' (known: none, so-the-answer-is, mmlu-pro)");
        };
    }

    /** The whole output, stripped. */
    AnswerExtractor WHOLE_OUTPUT = new AnswerExtractor() {
        public String name() { return "none"; }
        public Extraction extract(String output) { return new Extraction(output.strip(), "whole-output"); }
    };

    /**
     * BIG-Bench Hard chain-of-thought answers: the text after the first "the answer is " up to the end of that
     * line, stripped, with one trailing period removed ("So the answer is (B)." gives "(B)"). lm-evaluation-harness
     * uses the first match of {@code (?<=the answer is )(.*)(?=.)}, which drops the line's last character whatever it
     * is; we drop it only when it is a period, so "So the answer is 24" gives "24" rather than "2".
     */
    AnswerExtractor SO_THE_ANSWER_IS = new AnswerExtractor() {
        private final Pattern p = Pattern.compile("the answer is (.*)");
        public String name() { return "so-the-answer-is"; }
        public Extraction extract(String output) {
            Matcher m = p.matcher(output);
            if (!m.find()) return new Extraction(null, "none");
            String a = m.group(1).strip();
            if (a.endsWith(".")) a = a.substring(0, a.length() - 1).strip();
            return new Extraction(a, "the-answer-is");
        }
    };

    /**
     * MMLU-Pro's chain, in its order (TIGER-AI-Lab/MMLU-Pro {@code evaluate_from_local.py}: {@code extract_answer},
     * {@code extract_again}, {@code extract_final}):
     * <ol>
     *   <li>{@code answer is \(?([A-J])\)?} (first match);</li>
     *   <li>{@code .*[aA]nswer:\s*([A-J])} (first line that matches, its last "answer:");</li>
     *   <li>{@code [A-J](?=[^A-J]*$)}: the last capital letter A–J in the text.</li>
     * </ol>
     * Line and whitespace semantics follow Python's {@code re} (only "\n" ends a line; {@code \s} is Unicode).
     * Nothing matched: no answer, and the spec's fallback policy decides.
     */
    AnswerExtractor MMLU_PRO = new AnswerExtractor() {
        private final List<Pattern> chain = List.of(
                Pattern.compile("answer is \\(?([A-J])\\)?"),
                Pattern.compile(".*[aA]nswer:\\s*([A-J])", Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS),
                Pattern.compile("[A-J](?=[^A-J]*$)", Pattern.UNIX_LINES));
        private final List<String> rules = List.of("answer-is", "answer-colon", "last-letter");
        public String name() { return "mmlu-pro"; }
        public Extraction extract(String output) {
            for (int i = 0; i < chain.size(); i++) {
                Matcher m = chain.get(i).matcher(output);
                if (m.find()) return new Extraction(m.groupCount() >= 1 ? m.group(1) : m.group(), rules.get(i));
            }
            return new Extraction(null, "none");
        }
    };
}
