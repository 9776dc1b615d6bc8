package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

import java.util.List;

/**
 * What a method fits on: embedded support examples with their label indices, the label index, the label
 * names' own embeddings (for zero-shot), and an optional unlabelled pool (for retrieval and self-training).
 *
 * @param labelEmbeddings one row per label (its description embedded), or null when not computed
 * @param pool            unlabelled embeddings, or null
 */
public record Support(FloatMatrix embeddings, int[] labels, LabelIndex index, FloatMatrix labelEmbeddings,
                      FloatMatrix pool, long seed) {
    public Support {
        if (embeddings != null && embeddings.rows() != labels.length) {
            throw new IllegalArgumentException(embeddings.rows() + " support embeddings but " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }

    public int classes() {
        return index.size();
    }

    /** Support examples per class. */
    public int[] counts() {
        int[] c = new int[index.size()];
        for (int l : labels) c[l]++;
        return c;
    }

    public static List<String> describe(LabelIndex index) {
        return index.labels().stream().map(Support::describeLabel).toList();
    }

    /** A label id as words ({@code card_arrival} becomes {@code card arrival}, {@code AddToPlaylist} {@code Add To Playlist}), for zero-shot prototypes. */
    public static String describeLabel(String label) {
        return label.replace('_', ' ').replace('-', ' ').replaceAll("(?<=\\p{Ll})(?=\\p{Lu})", " ").replaceAll("\\s+", " ").strip();
    }
}
