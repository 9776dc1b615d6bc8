package dev.polymath.merge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MergeBenchTest {
    @Test
    void benchReportsFiguresOnTheFixture() {
        var r = MergeBench.run(PeerBitExactTest.fixture(), 0.1, 0.5, 2, 1);
        assertEquals(4096L, r.get("N"));
        for (String k : new String[] {"copy_s", "ta_end_to_end_s", "ties_end_to_end_s", "ta_GBps", "ties_GBps"}) {
            assertTrue((double) r.get(k) > 0, k);
        }
    }
}
