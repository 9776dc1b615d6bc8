package dev.polymath.text.encoder;

import dev.polymath.text.FloatMatrix;
import java.util.List;

/** Turns texts into fixed-size vectors, one row per text, in input order. */
public interface SentenceEncoder extends AutoCloseable {

    /** Encodes {@code texts}; row i is the vector of text i. Null texts are rejected; empty texts are allowed. */
    FloatMatrix encode(List<String> texts, ProgressListener progress);

    default FloatMatrix encode(List<String> texts) {
        return encode(texts, ProgressListener.NONE);
    }

    default float[] encode(String text) {
        return encode(List.of(text)).row(0);
    }

    int dimension();

    /** What determines the vectors this encoder produces; the embedding cache keys on it. */
    EncoderIdentity identity();

    @Override
    void close();
}
