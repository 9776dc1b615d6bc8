package dev.polymath.icl.spec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class AnswerExtractorTest {

    /** Model outputs → (answer, rule) under MMLU-Pro's chain; "-" = nothing parses (the fallback policy decides). */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Let's see. 2+2=4, so the answer is (C).                      | C | answer-is",
            "the answer is B                                               | B | answer-is",
            "The answer is (J). Wait, the answer is (A).                   | J | answer-is",
            "I think it is E.\\nAnswer: F                                  | F | answer-colon",
            "answer: G and later Answer: H                                 | H | answer-colon",
            "Final ANSWER: D, i.e. the second option                       | D | last-letter",
            "Between options B and D, D fits best.                         | D | last-letter",
            "it must be the fourth one, obviously                          | - | none",
            "the answer is (K) or maybe (Z)                                | - | none",
            "\"\"                                                          | - | none",
    })
    void mmluProChain(String output, String answer, String rule) {
        var e = AnswerExtractor.MMLU_PRO.extract(output.replace("\\n", "\n"));
        assertEquals(answer.equals("-") ? null : answer, e.answer());
        assertEquals(rule, e.rule());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Z = False. So the answer is False.                           | False",
            "... So the answer is (B).                                    | (B)",
            "So the answer is 24                                          | 24",
            "So the answer is ] ] ).\\nQ: next                            | ] ] )",
            "so the answer is Yes. Then the answer is No.                 | Yes. Then the answer is No",
            "I cannot decide.                                             | -",
    })
    void bbhSoTheAnswerIs(String output, String answer) {
        var e = AnswerExtractor.SO_THE_ANSWER_IS.extract(output.replace("\\n", "\n"));
        assertEquals(answer.equals("-") ? null : answer, e.answer());
    }
}
