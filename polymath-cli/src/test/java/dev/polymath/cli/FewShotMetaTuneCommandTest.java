package dev.polymath.cli;

import dev.polymath.text.fewshot.MetaTuning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fewshot meta-tune}, then the tuned encoder used for zero-shot on another dataset and refused on its own source. */
class FewShotMetaTuneCommandTest {
    @Test
    void tunesSavesWithProvenanceAndIsRefusedOnItsSource(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("tuned");
        var r = MainTest.run("fewshot", "meta-tune", "--sources", "banking77:train_5", "--steps", "2", "--batch", "8",
                "--encoder-threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("meta-tuned on 77 classes (385 utterances), 2 steps, loss "), r.out());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertTrue(Files.readString(out.resolve(MetaTuning.PROVENANCE_FILE)).contains("\"banking77:train_5\""));

        var own = MainTest.run("fewshot", "eval", "--dataset", "banking77", "--methods", "zeroshot", "--encoder", out.toString(), "--encoder-threads", "1");
        assertTrue(own.code() != 0);
        assertTrue(own.err().contains("was meta-tuned on banking77:train_5"), own.err());
        var fit = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--encoder", out.toString(), "--out", tmp.resolve("c").toString());
        assertTrue(fit.code() != 0);
        assertTrue(fit.err().contains("was meta-tuned on banking77:train_5"), fit.err());

        var other = MainTest.run("fewshot", "eval", "--dataset", "clinc150", "--shots", "5", "--methods", "zeroshot", "--encoder", out.toString(),
                "--encoder-threads", "1", "--no-cache", "--runs", tmp.resolve("runs").toString());
        assertEquals(0, other.code(), other.err());
        assertTrue(other.out().contains("zeroshot"), other.out());
    }

    @Test
    void theTargetCannotBeASource(@TempDir Path tmp) {
        var r = MainTest.run("fewshot", "meta-tune", "--sources", "clinc150:train,banking77:train_5", "--exclude-labels-of", "banking77",
                "--out", tmp.resolve("x").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("--sources includes the target banking77 itself"), r.err());
        assertTrue(Files.notExists(tmp.resolve("x")));
    }
}
