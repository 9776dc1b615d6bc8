package dev.polymath.nn.mtl.suite;

import java.util.List;

/**
 * Frozen sentence embeddings for the text suites. Implemented outside this module (the CLI adapts
 * polymath-text's cached MiniLM encoder), so the training engine does not depend on the encoders.
 */
public interface TextEmbedder {
    /** Encoder name and settings, for records. */
    String describe();

    /** One vector per text, in input order, all of the same width. */
    float[][] embed(List<String> texts);
}
