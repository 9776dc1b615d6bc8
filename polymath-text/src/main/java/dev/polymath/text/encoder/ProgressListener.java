package dev.polymath.text.encoder;

/** Told after every batch how many of the texts of one {@code encode} call are done. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void onProgress(int done, int total);
}
