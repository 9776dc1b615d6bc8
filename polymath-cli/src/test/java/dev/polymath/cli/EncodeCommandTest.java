package dev.polymath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EncodeCommandTest {

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        var cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cli.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
        return cli.execute(args);
    }

    @Test
    void encodesAFileToNpyAndReusesTheCache(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("texts.txt");
        Files.writeString(in, "The weather is lovely today.\nIt's so sunny outside!\nHe drove to the stadium.\n");
        Path npy = dir.resolve("out.npy");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int rc = run(out, err, "encode", "--input", in.toString(), "--output", npy.toString(), "--threads", "2",
                "--cache", dir.resolve("cache").toString());
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("wrote 3 x 384 embeddings"), out.toString(StandardCharsets.UTF_8));
        byte[] b = Files.readAllBytes(npy);
        int hlen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertTrue(new String(b, 10, hlen, StandardCharsets.US_ASCII).contains("'shape': (3, 384)"));
        assertEquals(10 + hlen + 3 * 384 * 4, b.length);

        var err2 = new ByteArrayOutputStream();
        Path st = dir.resolve("out.safetensors");
        rc = run(new ByteArrayOutputStream(), err2, "encode", "--input", in.toString(), "--output", st.toString(), "--threads", "2",
                "--cache", dir.resolve("cache").toString());
        assertEquals(0, rc, err2.toString(StandardCharsets.UTF_8));
        assertTrue(err2.toString(StandardCharsets.UTF_8).contains("3 hits, 0 encoded"), err2.toString(StandardCharsets.UTF_8));
        assertTrue(Files.size(st) > 3 * 384 * 4);
    }

    @Test
    void clearErrorsForBadArguments(@TempDir Path dir) throws IOException {
        var err = new ByteArrayOutputStream();
        assertNotEquals(0, run(new ByteArrayOutputStream(), err, "encode", "--input", "x.txt"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--input and --output"), err.toString(StandardCharsets.UTF_8));

        Path in = dir.resolve("t.txt");
        Files.writeString(in, "one\n\nthree\n");
        var err2 = new ByteArrayOutputStream();
        assertEquals(1, run(new ByteArrayOutputStream(), err2, "encode", "--input", in.toString(), "--output", dir.resolve("o.npy").toString()));
        assertTrue(err2.toString(StandardCharsets.UTF_8).contains(":2") && err2.toString(StandardCharsets.UTF_8).contains("blank line"),
                err2.toString(StandardCharsets.UTF_8));

        var err3 = new ByteArrayOutputStream();
        Files.writeString(in, "one\n");
        assertEquals(1, run(new ByteArrayOutputStream(), err3, "encode", "--model", dir.resolve("missing").toString(),
                "--input", in.toString(), "--output", dir.resolve("o.npy").toString()));
        assertTrue(err3.toString(StandardCharsets.UTF_8).contains("does not exist"), err3.toString(StandardCharsets.UTF_8));
    }

    /** A Hugging Face folder with config.json + model.safetensors and no model.onnx runs on the DJL BERT, same vectors as ONNX. */
    @Test
    void safetensorsOnlyFolderEncodesOnTheDjlBert(@TempDir Path dir) throws IOException {
        var src = dev.polymath.text.bert.BertSource.builtinMiniLm();
        Path folder = dir.resolve("minilm-st");
        dev.polymath.text.bert.BertCheckpoint.save(src.weights(), src.config(), src.tokenizerJson(), src.defaultMaxLength(), folder);
        assertTrue(Files.exists(folder.resolve("model.safetensors")) && !Files.exists(folder.resolve("model.onnx")));
        Path in = dir.resolve("texts.txt");
        Files.writeString(in, "How do I locate my card?\nI still have not received my new card, I ordered over a week ago.\nHe drove to the stadium.\n");
        var err = new ByteArrayOutputStream();
        assertEquals(0, run(new ByteArrayOutputStream(), err, "encode", "--model", folder.toString(), "--input", in.toString(),
                "--output", dir.resolve("djl.npy").toString(), "--threads", "1"), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("DJL/PyTorch BERT"), err.toString(StandardCharsets.UTF_8));
        var err2 = new ByteArrayOutputStream();
        assertEquals(0, run(new ByteArrayOutputStream(), err2, "encode", "--input", in.toString(),
                "--output", dir.resolve("onnx.npy").toString(), "--threads", "1"), err2.toString(StandardCharsets.UTF_8));
        float[] a = npy(dir.resolve("djl.npy")), b = npy(dir.resolve("onnx.npy"));
        assertEquals(3 * 384, a.length);
        for (int r = 0; r < 3; r++) {
            double dot = 0, na = 0, nb = 0;
            for (int j = r * 384; j < (r + 1) * 384; j++) { dot += a[j] * b[j]; na += a[j] * a[j]; nb += b[j] * b[j]; }
            assertTrue(dot / Math.sqrt(na * nb) >= 0.9999, "row " + r + " cosine " + dot / Math.sqrt(na * nb));
            assertEquals(1.0, Math.sqrt(na), 1e-4, "normalized like the ONNX encoder");
        }
        // --precision bf16 runs the built-in model on the DJL BERT with bf16 linear layers: within the bar, not bit-equal
        var err3 = new ByteArrayOutputStream();
        assertEquals(0, run(new ByteArrayOutputStream(), err3, "encode", "--input", in.toString(), "--precision", "bf16",
                "--output", dir.resolve("bf16.npy").toString(), "--threads", "1"), err3.toString(StandardCharsets.UTF_8));
        assertTrue(err3.toString(StandardCharsets.UTF_8).contains("bf16 linear layers"), err3.toString(StandardCharsets.UTF_8));
        float[] c = npy(dir.resolve("bf16.npy"));
        double maxDiff = 0;
        for (int r = 0; r < 3; r++) {
            double dot = 0;
            for (int j = r * 384; j < (r + 1) * 384; j++) { dot += c[j] * b[j]; maxDiff = Math.max(maxDiff, Math.abs(c[j] - b[j])); }
            assertTrue(dot >= 0.9999, "bf16 row " + r + " cosine " + dot);
        }
        assertTrue(maxDiff > 1e-5, "bf16 vectors equal the fp32 ones: " + maxDiff);
    }

    private static float[] npy(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int hlen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        var fb = ByteBuffer.wrap(b, 10 + hlen, b.length - 10 - hlen).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }
}
