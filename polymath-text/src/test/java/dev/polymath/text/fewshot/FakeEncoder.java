package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderIdentity;
import dev.polymath.text.encoder.Pooling;
import dev.polymath.text.encoder.ProgressListener;
import dev.polymath.text.encoder.SentenceEncoder;

import java.util.List;
import java.util.Map;

/** Test double: texts of the form "x,y" embed as the 2-d vector (x, y); other texts by a fixed table. */
final class FakeEncoder implements SentenceEncoder {
    private final Map<String, float[]> table;

    FakeEncoder(Map<String, float[]> table) {
        this.table = table;
    }

    FakeEncoder() {
        this(Map.of());
    }

    @Override
    public FloatMatrix encode(List<String> texts, ProgressListener progress) {
        float[] data = new float[texts.size() * 2];
        for (int i = 0; i < texts.size(); i++) {
            float[] v = table.get(texts.get(i));
            if (v == null) {
                String[] p = texts.get(i).split(",");
                v = new float[] {Float.parseFloat(p[0]), Float.parseFloat(p[1])};
            }
            data[2 * i] = v[0];
            data[2 * i + 1] = v[1];
        }
        return new FloatMatrix(texts.size(), 2, data);
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public EncoderIdentity identity() {
        return new EncoderIdentity("fake", Pooling.MEAN, false, 16, 2);
    }

    @Override
    public void close() {}
}
