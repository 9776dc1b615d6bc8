package dev.polymath.text.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face tokenizer (DJL's binding of the Rust {@code tokenizers} library) configured for sentence
 * encoding: special tokens added, no padding (batches are padded by the encoder to their longest text), and
 * truncation done here so that it can be counted.
 *
 * <p>The native library comes from the tokenizers jar itself (extracted once into DJL's cache folder,
 * {@code ~/.djl.ai} unless {@code DJL_CACHE_DIR} says otherwise). DJL's offline mode is switched on unless the
 * user set {@code ai.djl.offline} explicitly, so a missing native library fails instead of being downloaded.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final String label;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, String label) {
        this.tokenizer = tokenizer;
        this.label = label;
    }

    /** Token ids of each text, after truncation to {@code maxLength}. */
    public record Tokens(long[][] ids, int truncated, int longestBeforeTruncation) {
        public int length(int i) { return ids[i].length; }

    }

    public static TextTokenizer fromJson(byte[] tokenizerJson, String label) {
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "padding", "false",
                "truncation", "false",
                "withOverflowingTokens", "false");
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options), label);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("could not load tokenizer " + label + ": " + e.getMessage(), e);
        }
    }

    /** Ids of one text with special tokens, not truncated. */
    public long[] ids(String text) {
        return tokenizer.encode(requireText(text, 0)).getIds();
    }

    /**
     * Tokenizes {@code texts} in one native call. A text longer than {@code maxLength} tokens keeps its leading
     * tokens and its trailing special tokens (e.g. {@code [SEP]}), which is what Hugging Face's own truncation
     * of a single sequence gives.
     */
    public Tokens encode(List<String> texts, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("max length must be >= 2, got " + maxLength);
        for (int i = 0; i < texts.size(); i++) requireText(texts.get(i), i);
        Encoding[] enc = tokenizer.batchEncode(texts);
        long[][] ids = new long[enc.length][];
        int truncated = 0, longest = 0;
        for (int i = 0; i < enc.length; i++) {
            long[] full = enc[i].getIds();
            longest = Math.max(longest, full.length);
            if (full.length <= maxLength) {
                ids[i] = full;
                continue;
            }
            truncated++;
            long[] special = enc[i].getSpecialTokenMask();
            int tail = 0;
            while (tail < full.length && tail < maxLength - 1 && special[full.length - 1 - tail] == 1) tail++;
            long[] cut = Arrays.copyOf(full, maxLength);
            System.arraycopy(full, full.length - tail, cut, maxLength - tail, tail);
            ids[i] = cut;
        }
        return new Tokens(ids, truncated, longest);
    }

    private static String requireText(String text, int index) {
        if (text == null) throw new IllegalArgumentException("text " + index + " is null");
        return text;
    }

    /** The word pieces of {@code ids}, space-separated (e.g. a synthesized trigger, for people to read). */
    public String tokens(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    public String label() { return label; }

    @Override
    public void close() {
        tokenizer.close();
    }
}
