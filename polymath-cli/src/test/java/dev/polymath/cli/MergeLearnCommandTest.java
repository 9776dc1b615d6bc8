package dev.polymath.cli;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.text.bert.BertCheckpoint;
import dev.polymath.text.bert.BertConfig;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertWeights;
import dev.polymath.text.encoder.ModelSource;
import dev.polymath.text.merging.TaskHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** 'polymath merge learn' end to end on a tiny random BERT with the real tokenizer and two CLINC150 domains. */
class MergeLearnCommandTest {
    @TempDir Path dir;

    static final BertConfig TINY = new BertConfig(30522, 8, 1, 2, 16, 40, 2, 1e-12, 0.0, 0.0);

    @Test
    void learnsAndMerges() throws Exception {
        byte[] tokenizer = ModelSource.builtinMiniLm().tokenizerJson();
        BertWeights base;
        try (BertModel m = BertModel.random(TINY, 1, 1)) {
            base = m.exportWeights();
            BertCheckpoint.save(m, tokenizer, 32, dir.resolve("base"));
        }
        var suite = DatasetCatalog.resolve("clinc150/by-domain");
        int seed = 0;
        for (String task : List.of("clinc150/by-domain/banking", "clinc150/by-domain/travel")) {
            var labels = suite.task(task).labels();
            var rnd = new SplittableRandom(++seed);
            var t = new LinkedHashMap<String, BertWeights.Tensor>();
            base.tensors().forEach((n, v) -> {
                float[] d = v.data().clone();
                for (int i = 0; i < d.length; i++) d[i] += (float) (rnd.nextGaussian() * 0.01);
                t.put(n, new BertWeights.Tensor(v.shape(), d));
            });
            Path folder = dir.resolve(task.substring(task.lastIndexOf('/') + 1));
            BertCheckpoint.save(new BertWeights(t, task), TINY, tokenizer, 32, folder.resolve("encoder"));
            float[] w = new float[labels.size() * 8];
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
            new TaskHead(task, labels, 8, w, new float[labels.size()]).save(folder.resolve(TaskHead.FILE));
        }
        var r = MergeCommandTest.run("merge", "learn", "--method", "adamerging", "--base", dir.resolve("base").toString(),
                "--models", dir.resolve("banking") + "," + dir.resolve("travel"), "--out", dir.resolve("out").toString(),
                "--steps", "2", "--batch", "4", "--max-unlabelled", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("coefficient of clinc150/by-domain/banking"), r.out());
        assertTrue(Files.readString(dir.resolve("out/merge.yaml")).contains("merge_method: masked_task_arithmetic"));
        assertTrue(Files.isRegularFile(dir.resolve("out/model/model.safetensors")));

        // dam told a suspected trigger phrase: the masks learn against it, nothing is synthesized
        var told = MergeCommandTest.run("merge", "learn", "--method", "dam", "--dam-trigger", "cf mn bb", "--base", dir.resolve("base").toString(),
                "--models", dir.resolve("banking") + "," + dir.resolve("travel"), "--out", dir.resolve("out-dam").toString(),
                "--steps", "2", "--batch", "4", "--max-unlabelled", "16");
        assertEquals(0, told.code(), told.err());
        assertTrue(told.out().contains("trigger=known"), told.out());
        assertTrue(Files.isRegularFile(dir.resolve("out-dam/model/model.safetensors")));
        // ... or searching for one per task, with the backdoor mask alone
        var searched = MergeCommandTest.run("merge", "learn", "--method", "dam", "--dam-trigger-search", "--dam-backdoor-mask-only",
                "--base", dir.resolve("base").toString(), "--models", dir.resolve("banking") + "," + dir.resolve("travel"),
                "--out", dir.resolve("out-search").toString(), "--steps", "2", "--batch", "4", "--max-unlabelled", "16");
        assertEquals(0, searched.code(), searched.err());
        assertTrue(searched.out().contains("trigger=search") && searched.out().contains("shared_mask=false"), searched.out());
        var alone = MergeCommandTest.run("merge", "learn", "--method", "dam", "--dam-backdoor-mask-only", "--base", dir.resolve("base").toString(),
                "--models", dir.resolve("banking").toString(), "--out", dir.resolve("out4").toString());
        assertEquals(1, alone.code());
        assertTrue(alone.err().contains("needs --dam-trigger or --dam-trigger-search"), alone.err());
        var misplaced = MergeCommandTest.run("merge", "learn", "--method", "concrete", "--dam-trigger", "cf", "--base", dir.resolve("base").toString(),
                "--models", dir.resolve("banking").toString(), "--out", dir.resolve("out3").toString());
        assertEquals(1, misplaced.code());
        assertTrue(misplaced.err().contains("apply to --method dam only"), misplaced.err());

        var bad = MergeCommandTest.run("merge", "learn", "--method", "nope", "--base", dir.resolve("base").toString(),
                "--models", dir.resolve("banking").toString(), "--out", dir.resolve("out2").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("unknown learned merging method 'nope'"), bad.err());
        var none = MergeCommandTest.run("merge");
        assertEquals(1, none.code());
        assertTrue(none.err().contains("give a merge config"), none.err());
    }
}
