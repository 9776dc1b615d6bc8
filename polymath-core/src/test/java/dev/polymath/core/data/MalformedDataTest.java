package dev.polymath.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed inputs give DataFormatExceptions naming the file, the line and the field. */
class MalformedDataTest {

    @TempDir
    Path dir;

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    static void assertNames(DataFormatException e, Path file, long line, String field) {
        assertEquals(file, e.file(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        if (line > 0) assertTrue(e.getMessage().contains(":" + line), e.getMessage());
        assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
    }

    @Test
    void badJsonNamesLine() throws IOException {
        write(dir.resolve("domains.json"), "{\"banking\": [\"transfer\"]}");
        Path data = write(dir.resolve("data_full.json"), "{\n  \"train\": [\n    [\"hi\", \"transfer\"],\n    [\"oops\" \"transfer\"]\n  ]\n}");
        var e = assertThrows(DataFormatException.class, () -> Clinc150Loader.load(dir));
        assertNames(e, data, 4, "json");
    }

    @Test
    void jsonStructureErrorNamesField() throws IOException {
        write(dir.resolve("domains.json"), "{\"banking\": [\"transfer\"]}");
        Path data = write(dir.resolve("data_full.json"), "{\"train\": [[\"hi\", \"transfer\"], [\"x\"]], \"val\": [], "
                + "\"test\": [], \"oos_train\": [], \"oos_val\": [], \"oos_test\": []}");
        var e = assertThrows(DataFormatException.class, () -> Clinc150Loader.load(dir));
        assertEquals("train[1]", e.field());
        assertEquals(data, e.file());
    }

    @Test
    void csvMissingColumnInHeader() throws IOException {
        write(dir.resolve("categories.json"), "[\"a\"]");
        Path train = write(dir.resolve("train.csv"), "text\nhello\n");
        write(dir.resolve("test.csv"), "text,category\nhi,a\n");
        var e = assertThrows(DataFormatException.class, () -> Banking77Loader.load(dir));
        assertNames(e, train, 1, "category");
    }

    @Test
    void csvRecordWithoutTheColumn() throws IOException {
        write(dir.resolve("categories.json"), "[\"a\"]");
        write(dir.resolve("train.csv"), "text,category\nhello,a\n\"multi\nline\",a\nshort\n");
        write(dir.resolve("test.csv"), "text,category\nhi,a\n");
        var e = assertThrows(DataFormatException.class, () -> Banking77Loader.load(dir));
        assertNames(e, dir.resolve("train.csv"), 5, "category");
    }

    @Test
    void csvUnknownCategory() throws IOException {
        write(dir.resolve("categories.json"), "[\"a\"]");
        write(dir.resolve("train.csv"), "text,category\nhello,a\nbye,b\n");
        write(dir.resolve("test.csv"), "text,category\nhi,a\n");
        var e = assertThrows(DataFormatException.class, () -> Banking77Loader.load(dir));
        assertNames(e, dir.resolve("train.csv"), 3, "category");
    }

    @Test
    void mmluBadAnswerAndMissingColumn() throws IOException {
        Path f = write(dir.resolve("test/x_test.csv"), "q1,a,b,c,d,A\nq2,a,b,c,d,E\n");
        var e = assertThrows(DataFormatException.class, () -> MmluLoader.load(dir));
        assertNames(e, f, 2, "answer");
        write(f, "q1,a,b,c,d,A\n\"q2\nspans lines\",a,b\n");
        e = assertThrows(DataFormatException.class, () -> MmluLoader.load(dir));
        assertNames(e, f, 2, "C");
    }

    @Test
    void seqInLabelLengthMismatch() throws IOException {
        write(dir.resolve("train/seq.in"), "a b\nc d\ne f\n");
        Path label = write(dir.resolve("train/label"), "x\ny\n");
        var e = assertThrows(DataFormatException.class, () -> FolderLayoutLoader.load(dir));
        assertNames(e, label, 3, "label");
    }

    @Test
    void tokenTagMismatchNamesSeqOutLine() throws IOException {
        write(dir.resolve("train/seq.in"), "play some jazz\nbook a table\n");
        write(dir.resolve("train/label"), "PlayMusic\nBookRestaurant\n");
        Path out = write(dir.resolve("train/seq.out"), "O O B-genre\nO O\n");
        var e = assertThrows(DataFormatException.class, () -> FolderLayoutLoader.load(dir));
        assertNames(e, out, 2, "seq.out");
        assertTrue(e.getMessage().contains("3 tokens"), e.getMessage());
    }

    @Test
    void tweetEvalLabelOutOfRange() throws IOException {
        Path d = dir.resolve("irony");
        write(d.resolve("mapping.txt"), "0\tnon_irony\n1\tirony\n");
        write(d.resolve("train_text.txt"), "t1\nt2\n");
        Path labels = write(d.resolve("train_labels.txt"), "0\n2\n");
        var e = assertThrows(DataFormatException.class,
                () -> TweetEvalLoader.task("tweeteval/irony", "irony", d, TweetEvalLoader.mapping(d.resolve("mapping.txt"))));
        assertNames(e, labels, 2, "label");
    }

    @Test
    void stsbBadScore() throws IOException {
        write(dir.resolve("sts-train.csv"), "g\tf\t2012\t1\t5.0\ta\tb\ng\tf\t2012\t2\tfive\ta\tb\n");
        var e = assertThrows(DataFormatException.class, () -> StsbLoader.load(dir));
        assertNames(e, dir.resolve("sts-train.csv"), 2, "score");
        write(dir.resolve("sts-train.csv"), "g\tf\t2012\t1\t5.0\ta\n");
        e = assertThrows(DataFormatException.class, () -> StsbLoader.load(dir));
        assertNames(e, dir.resolve("sts-train.csv"), 1, "sentence2");
    }

    @Test
    void jsonlBadLineAndMissingField() throws IOException {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"a\", \"label\": \"x\"}\n\n{\"text\": \"b\", \"label\": }\n");
        var e = assertThrows(DataFormatException.class, () -> JsonlLoader.load(f, GenericOptions.defaults()));
        assertNames(e, f, 3, "json");
        write(f, "{\"text\": \"a\", \"label\": \"x\"}\n{\"sentence\": \"b\", \"label\": \"y\"}\n");
        e = assertThrows(DataFormatException.class, () -> JsonlLoader.load(f, GenericOptions.defaults()));
        assertNames(e, f, 2, "text");
    }

    static byte[] idx(int magicType, int[] dims, int dataBytes) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(magicType);
        out.writeByte(dims.length);
        for (int d : dims) out.writeInt(d);
        out.write(new byte[dataBytes]);
        return bytes.toByteArray();
    }

    static Path gz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return file;
    }

    @Test
    void idxWrongMagic() throws IOException {
        byte[] b = idx(0x08, new int[] {2, 2, 2}, 8);
        b[0] = 0x1f;
        b[1] = 0x00;
        Path f = Files.write(dir.resolve("bad-images-idx3-ubyte"), b);
        var e = assertThrows(DataFormatException.class, () -> IdxReader.read(f, 3));
        assertNames(e, f, 0, "magic");
        Path t = Files.write(dir.resolve("float-idx1-ubyte"), idx(0x0D, new int[] {2}, 8));
        assertNames(assertThrows(DataFormatException.class, () -> IdxReader.read(t, 1)), t, 0, "type");
        Path d = Files.write(dir.resolve("dims-idx1-ubyte"), idx(0x08, new int[] {2, 2}, 4));
        assertNames(assertThrows(DataFormatException.class, () -> IdxReader.read(d, 1)), d, 0, "dimensions");
    }

    @Test
    void idxTruncatedAndCountMismatch() throws IOException {
        Path f = gz(dir.resolve("train-images-idx3-ubyte.gz"), idx(0x08, new int[] {3, 2, 2}, 10));
        var e = assertThrows(DataFormatException.class, () -> IdxReader.read(f, 3));
        assertNames(e, f, 0, "data");
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path h = Files.write(dir.resolve("short-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0});
        assertNames(assertThrows(DataFormatException.class, () -> IdxReader.read(h, 1)), h, 0, "count");

        gz(dir.resolve("train-images-idx3-ubyte.gz"), idx(0x08, new int[] {3, 2, 2}, 12));
        Path labels = gz(dir.resolve("train-labels-idx1-ubyte.gz"), idx(0x08, new int[] {2}, 2));
        var c = assertThrows(DataFormatException.class, () -> FashionMnistLoader.readSplit(dir, "train", "train"));
        assertNames(c, labels, 0, "count");

        // a well-formed tiny pair reads (gzip and plain)
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(0x08, new int[] {3, 2, 2}, 12));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(0x08, new int[] {3}, 3));
        var s = FashionMnistLoader.readSplit(dir, "t10k", "test");
        assertEquals(3, s.n());
        assertEquals(2, s.rows());
    }
}
