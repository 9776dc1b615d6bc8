package dev.polymath.text.encoder;

/**
 * Everything that determines an encoder's vectors: the model (SHA-256 of its ONNX bytes), pooling,
 * normalization and max length. Batch size and threads do not change the vectors (beyond float rounding).
 */
public record EncoderIdentity(String modelChecksum, Pooling pooling, boolean normalize, int maxLength, int dimension) {
    public EncoderIdentity {
        if (modelChecksum == null || modelChecksum.isBlank()) throw new IllegalArgumentException("model checksum is required");
    }

    /** A stable one-line description, e.g. {@code sha256=ab12…;pooling=mean;normalize=true;maxLength=256;dim=384}. */
    public String describe() {
        return "sha256=" + modelChecksum + ";pooling=" + pooling.id() + ";normalize=" + normalize + ";maxLength=" + maxLength + ";dim=" + dimension;
    }
}
