package dev.polymath.text.merging;

import dev.polymath.core.data.DataPaths;
import dev.polymath.core.report.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The multi-task phase of the merging experiment end to end on real data (two TweetEval tasks, a few tweets
 * each, the built-in MiniLM): skipped when the shared data is absent.
 */
class MergeExperimentTest {
    @TempDir Path work;

    /** The optional DAM rows, and the oracle's trigger: "cf mn bb" is three word pieces of the BERT uncased vocabulary (ids from its tokenizer.json). */
    @Test
    void damRowsAndTheOracleTrigger() {
        var e = new MergeExperiment(MergeExperiment.Settings.defaults(work), new PrintWriter(new StringWriter(), true))
                .withDamOracle().withDamTriggerSearch().withDamBackdoorMaskOnly();
        assertEquals(List.of("dam_oracle_trigger", "dam_oracle_trigger_backdoor_mask_only", "dam_trigger_search", "dam_trigger_search_backdoor_mask_only"),
                e.extraDamRows());
        assertArrayEquals(new long[] {12935, 24098, 22861}, e.triggerIds());
        assertThrows(IllegalArgumentException.class, () -> BackdoorAwareMasks.softTrigger().backdoorMaskOnly());
    }

    @Test
    void multiTaskReferenceIsTrainedOnceScoredPerTaskAndReported() throws Exception {
        assumeTrue(DataPaths.find("tweeteval") != null, "skipped: 'tweeteval' not found in " + DataPaths.searched()
                + " (set POLYMATH_DATA to the shared data folder to run this test)");
        var d = MergeExperiment.Settings.defaults(work);
        var tasks = List.of("tweeteval/irony", "tweeteval/hate");
        var s = new MergeExperiment.Settings(work, tasks, 16, 16, 24, new TaskFineTuner.Options(1, 8, 5e-5, 42), d.trigger(),
                d.poisonRate(), 0, 0, d.learn(), d.perClass(), true, 42);
        var log = new StringWriter();
        var e = new MergeExperiment(s, new PrintWriter(log, true));
        e.runMultiTask();
        Path enc = work.resolve("ft/multitask/encoder");
        assertTrue(Files.isDirectory(enc), log.toString());
        assertTrue(log.toString().contains("fine-tuned multitask"), log.toString());
        Path result = work.resolve("results/clean/multitask.json");
        String json = Files.readString(result);
        for (String t : tasks) assertTrue(json.contains("\"" + t + "\""), json);

        // cached: a second run neither trains nor scores again
        long stamp = Files.getLastModifiedTime(result).toMillis();
        var log2 = new StringWriter();
        new MergeExperiment(s, new PrintWriter(log2, true)).runMultiTask();
        assertFalse(log2.toString().contains("fine-tuned"), log2.toString());
        assertEquals(stamp, Files.getLastModifiedTime(result).toMillis());

        Table main = e.tables().get(0);
        String md = main.toMarkdown();
        assertTrue(md.contains("| multitask"), md);
        assertTrue(md.contains("Not run yet: pretrained, individual"), "the rows not run are named: " + md);
    }
}
