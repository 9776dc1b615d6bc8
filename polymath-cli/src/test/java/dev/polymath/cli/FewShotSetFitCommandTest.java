package dev.polymath.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fewshot fit --method setfit} then {@code fewshot predict} on what it saved (a few steps, 1 thread). */
class FewShotSetFitCommandTest {
    @Test
    void fitsSavesAndPredicts(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("clf");
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-steps", "3", "--setfit-batch", "8",
                "--encoder-threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fitted setfit"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("encoder").resolve("model.safetensors")));
        Path in = tmp.resolve("in.txt");
        Files.writeString(in, "my card has not arrived yet\nI want to top up with a cheque\n");
        var p = MainTest.run("fewshot", "predict", "--model", out.toString(), "--input", in.toString(), "--encoder-threads", "1");
        assertEquals(0, p.code(), p.err());
        assertEquals(2, p.out().strip().split("\n").length, p.out());
        assertTrue(p.out().startsWith("my card has not arrived yet\tcard_arrival\t"), p.out());
    }

    @Test
    void aFitDistilledIntoAnotherEncoderIsSavedAsTheStudent(@TempDir Path tmp) throws Exception {
        Path pool = tmp.resolve("pool.txt");
        Files.writeString(pool, "my card still has not come\nwhat is the exchange rate today\nI lost my phone\nhow do I top up by cheque\n");
        Path out = tmp.resolve("student");
        var none = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-distil-into", "minilm",
                "--encoder-threads", "1", "--out", out.toString());
        assertTrue(none.code() != 0);
        assertTrue(none.err().contains("give them with --pool"), none.err());
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-steps", "2", "--setfit-batch", "8",
                "--setfit-distil-into", "minilm,minilm", "--setfit-distil-per-class", "1", "--setfit-distil-steps", "2", "--pool", pool.toString(),
                "--encoder-threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        // a chain of two students, each line one generation; the last one is saved
        assertTrue(r.out().contains("teacher: setfit trained ("), r.out());
        assertEquals(2, r.out().split("distilled into minilm with 4 of its teacher's labels of 4 pool texts \\(2 steps\\)", -1).length - 1, r.out());
        assertTrue(r.out().contains("saved the last student (minilm)"), r.out());
        Path in = tmp.resolve("in.txt");
        Files.writeString(in, "my card has not arrived yet\n");
        var p = MainTest.run("fewshot", "predict", "--model", out.toString(), "--input", in.toString(), "--encoder-threads", "1");
        assertEquals(0, p.code(), p.err());
        assertEquals(1, p.out().strip().split("\n").length, p.out());
    }

    @Test
    void aSavedClassifierIsDistilledAndALabelledSplitIsScored(@TempDir Path tmp) throws Exception {
        Path proto = tmp.resolve("proto");
        assertEquals(0, MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--encoder-threads", "1", "--out", proto.toString()).code());
        // predicting a labelled split also prints its accuracy, the share of printed labels that match the dataset's; one line per text
        // (some BANKING77 test texts hold line breaks)
        var p = MainTest.run("fewshot", "predict", "--model", proto.toString(), "--input", "banking77:test", "--encoder-threads", "1");
        assertEquals(0, p.code(), p.err());
        var gold = dev.polymath.core.data.DatasetCatalog.load("banking77").tasks().get(0).split("test");
        String[] lines = p.out().strip().split("\n");
        assertEquals(gold.size(), lines.length);
        int right = 0;
        for (int i = 0; i < lines.length; i++) if (lines[i].split("\t")[1].equals(gold.get(i).label())) right++;
        assertTrue(p.err().contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%% (%d of %d texts of banking77:test)",
                100.0 * right / lines.length, right, lines.length)), p.err());

        Path pool = tmp.resolve("pool.txt");
        Files.writeString(pool, "my card still has not come\nwhat is the exchange rate today\nI lost my phone\nhow do I top up by cheque\n");
        Path out = tmp.resolve("student");
        var refused = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--teacher", proto.toString(), "--out", out.toString());
        assertTrue(refused.code() != 0 && refused.err().contains("--setfit-distil-into"), refused.err());
        var oneStudent = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--teacher", proto.toString(),
                "--setfit-distil-into", "minilm", "--setfit-distil-folds", "2", "--pool", pool.toString(), "--encoder-threads", "1", "--out", out.toString());
        assertTrue(oneStudent.code() != 0 && oneStudent.err().contains("name at least two students"), oneStudent.err());
        assertTrue(!Files.exists(out), "nothing saved");
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-batch", "8", "--teacher", proto.toString(),
                "--setfit-distil-into", "minilm", "--setfit-distil-per-class", "1", "--setfit-distil-steps", "2", "--pool", pool.toString(),
                "--encoder-threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("distilled into minilm with 4 of its teacher's labels of 4 pool texts (2 steps)"), r.out());
        assertTrue(r.out().contains("distilled the teacher (" + proto + ")") && !r.out().contains("setfit trained"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("encoder").resolve("model.safetensors")));

        Path soft = tmp.resolve("soft-student");
        var s = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-batch", "8", "--teacher", proto.toString(),
                "--setfit-distil-into", "minilm", "--setfit-distil-per-class", "1", "--setfit-distil-steps", "2", "--setfit-distil-soft-steps", "3",
                "--setfit-distil-propagate", "3", "--pool", pool.toString(), "--encoder-threads", "1", "--out", soft.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("with 4 of its teacher's labels of 4 pool texts (2 steps + 3 on the teacher's probabilities; "
                + "labels spread over its 3-neighbour graph)"), s.out());
        var alpha = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--teacher", proto.toString(),
                "--setfit-distil-into", "minilm", "--setfit-distil-propagate-alpha", "0.5", "--pool", pool.toString(), "--out", tmp.resolve("a").toString());
        assertTrue(alpha.code() != 0 && alpha.err().contains("add --setfit-distil-propagate K"), alpha.err());
        var warm = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--teacher", proto.toString(),
                "--setfit-distil-into", "minilm", "--setfit-distil-temperature", "3", "--pool", pool.toString(), "--out", tmp.resolve("t").toString());
        assertTrue(warm.code() != 0 && warm.err().contains("add --setfit-distil-soft-steps"), warm.err());
        var sp = MainTest.run("fewshot", "predict", "--model", soft.toString(), "--input", pool.toString(), "--encoder-threads", "1");
        assertEquals(0, sp.code(), sp.err());
        assertEquals(4, sp.out().strip().split("\n").length, sp.out());
    }

    @Test
    void aSoupOfFitsIsSavedAsOneClassifierAndAnEnsembleIsRefused(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("soup");
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-steps", "2", "--setfit-batch", "8",
                "--setfit-ensemble", "2", "--setfit-soup", "--encoder-threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("member 1: setfit trained (") && r.out().contains("member 2: setfit trained ("), r.out());
        assertTrue(r.out().contains("fitted a soup of 2 setfit fits"), r.out());
        Path in = tmp.resolve("in.txt");
        Files.writeString(in, "my card has not arrived yet\n");
        var p = MainTest.run("fewshot", "predict", "--model", out.toString(), "--input", in.toString(), "--encoder-threads", "1");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith("my card has not arrived yet\tcard_arrival\t"), p.out());
        var ensemble = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-ensemble", "3",
                "--encoder-threads", "1", "--out", tmp.resolve("x").toString());
        assertTrue(ensemble.code() != 0);
        assertTrue(ensemble.err().contains("add --setfit-soup"), ensemble.err());
        var lonely = MainTest.run("fewshot", "eval", "--dataset", "banking77", "--methods", "setfit", "--setfit-soup", "--encoder-threads", "1");
        assertTrue(lonely.code() != 0);
        assertTrue(lonely.err().contains("--setfit-ensemble N >= 2"), lonely.err());
        var mixedSoup = MainTest.run("fewshot", "eval", "--dataset", "banking77", "--methods", "setfit", "--setfit-ensemble", "2",
                "--setfit-ensemble-encoders", "bge-small", "--setfit-soup", "--encoder-threads", "1");
        assertTrue(mixedSoup.code() != 0);
        assertTrue(mixedSoup.err().contains("cannot be used with --setfit-ensemble-encoders"), mixedSoup.err());
        var count = MainTest.run("fewshot", "eval", "--dataset", "banking77", "--methods", "setfit", "--setfit-ensemble", "3",
                "--setfit-ensemble-encoders", "bge-small", "--encoder-threads", "1");
        assertTrue(count.code() != 0);
        assertTrue(count.err().contains("names 1 encoder(s) for an ensemble of 3"), count.err());
    }

    @Test
    void selfTrainingPseudoLabelsThePoolAndNeedsOne(@TempDir Path tmp) throws Exception {
        Path pool = tmp.resolve("pool.txt");
        Files.writeString(pool, "my card still has not come\nwhat is the exchange rate today\nI lost my phone\nhow do I top up by cheque\n");
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-steps", "2", "--setfit-batch", "8",
                "--setfit-selftrain-per-class", "4", "--setfit-selftrain-steps", "1", "--pool", pool.toString(),
                "--encoder-threads", "1", "--out", tmp.resolve("st").toString());
        assertEquals(0, r.code(), r.err());
        // threshold 0 and a quota of 4 per class: every one of the 4 pool texts is pseudo-labelled
        assertTrue(r.out().contains("setfit trained (") && r.out().contains(" 3 steps,"), r.out());
        assertTrue(r.out().contains("self-training: 4 pseudo-labelled pool texts"), r.out());
        var noPool = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-steps", "1",
                "--setfit-selftrain-per-class", "4", "--encoder-threads", "1", "--out", tmp.resolve("x").toString());
        assertTrue(noPool.code() != 0);
        assertTrue(noPool.err().contains("--pool"), noPool.err());
        var off = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-selftrain-steps", "5",
                "--encoder-threads", "1", "--out", tmp.resolve("y").toString());
        assertTrue(off.code() != 0);
        assertTrue(off.err().contains("--setfit-selftrain-per-class"), off.err());
    }

    @Test
    void labelNamesSymmetricLossAndWarmupAreReachableAndBadValuesFailClearly(@TempDir Path tmp) {
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-steps", "2", "--setfit-batch", "8",
                "--setfit-label-names", "train-and-head", "--setfit-loss", "mnr-symmetric", "--setfit-warmup", "0.5",
                "--encoder-threads", "1", "--out", tmp.resolve("n").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("setfit trained (") && r.out().contains(" 2 steps,"), r.out());
        var bad = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-label-names", "names",
                "--encoder-threads", "1", "--out", tmp.resolve("x").toString());
        assertTrue(bad.code() != 0);
        assertTrue(bad.err().contains("train-and-head"), bad.err());
        var warm = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "setfit", "--setfit-warmup", "1",
                "--encoder-threads", "1", "--out", tmp.resolve("y").toString());
        assertTrue(warm.code() != 0);
        assertTrue(warm.err().contains("warmup"), warm.err());
    }

    @Test
    void metaFitsOnAnotherDatasetsClassesAndPredicts(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("meta");
        // CLINC150 shares one intent name with BANKING77 (exchange_rate): it is left out
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "meta", "--meta-source", "clinc150:train_10",
                "--meta-steps", "20", "--encoder-threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("meta: embedding 1490 train texts of clinc150/intent (149 classes, target classes left out)"), r.err());
        Path in = tmp.resolve("in.txt");
        Files.writeString(in, "my card has not arrived yet\n");
        var p = MainTest.run("fewshot", "predict", "--model", out.toString(), "--input", in.toString(), "--encoder-threads", "1");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith("my card has not arrived yet\tcard_arrival\t"), p.out());
        var self = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "meta", "--meta-source", "banking77",
                "--encoder-threads", "1", "--out", tmp.resolve("x").toString());
        assertTrue(self.code() != 0);
        assertTrue(self.err().contains("is the target dataset itself"), self.err());
    }

    @Test
    void unknownMethodFailsClearly(@TempDir Path tmp) {
        var r = MainTest.run("fewshot", "fit", "--train", "banking77:train_5", "--method", "nope", "--out", tmp.resolve("x").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("setfit"), r.err());
    }
}
