package dev.polymath.text.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.polymath.core.data.DataPaths;
import org.junit.jupiter.api.Test;

class TextDatasetsTest {

    @Test
    void banking77HasDocumentedSizesAndSharedLabelIds() {
        assumeTrue(DataPaths.find("banking77") != null, "BANKING77 not available (set POLYMATH_DATA)");
        var train = TextDatasets.banking77("train", null);
        var test = TextDatasets.banking77("test", train.labelNames());
        assertEquals(10003, train.size());
        assertEquals(3080, test.size());
        assertEquals(77, train.labelNames().size());
        assertEquals("I still have not received my new card, I ordered over a week ago.", test.texts().get(1));
        assertEquals(3080, TextDatasets.texts("banking77:test").size());
    }

    @Test
    void stsbTestHas1379Pairs() {
        assumeTrue(DataPaths.find("stsb") != null, "STS-B not available (set POLYMATH_DATA)");
        var p = TextDatasets.stsb("test");
        assertEquals(1379, p.size());
        assertEquals(2.5, p.scores()[0]);
        assertEquals("A girl is styling her hair.", p.first().get(0));
        assertEquals("A girl is brushing her hair.", p.second().get(0));
        assertEquals(2 * 1379, TextDatasets.texts("stsb:test").size());
    }

    @Test
    void unknownDatasetOrSplit() {
        assertThrows(IllegalArgumentException.class, () -> TextDatasets.texts("nope:test"));
        assertThrows(IllegalArgumentException.class, () -> TextDatasets.texts("banking77:dev"));
    }
}
