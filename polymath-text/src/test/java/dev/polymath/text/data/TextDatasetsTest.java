package dev.polymath.text.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextDatasetsTest {

    @Test
    void banking77HasDocumentedSizesAndSharedLabelIds() {
        var train = TextDatasets.banking77("train");
        var test = TextDatasets.banking77("test");
        assertEquals(10003, train.size());
        assertEquals(3080, test.size());
        assertEquals(77, train.labelNames().size());
        assertEquals("I still have not received my new card, I ordered over a week ago.", test.texts().get(1));
        assertEquals(3080, TextDatasets.texts("banking77:test").size());
        assertEquals(train.labelNames(), test.labelNames());
        assertEquals("card_arrival", test.labelNames().get(test.labels()[1]));
    }

    @Test
    void stsbTestHas1379Pairs() {
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
