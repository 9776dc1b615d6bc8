package dev.polymath.text.bert;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The fixed sentence sample on which the DJL encoder is checked against the ONNX encoder: texts drawn with a fixed
 * seed from the test splits of BANKING77, CLINC150 (in-scope intents) and SNIPS (bundled data).
 */
public final class ParitySample {
    private ParitySample() {}

    public static final long SEED = 20261126L;
    public static final int SIZE = 200;

    /** 200 texts: 70 BANKING77, 70 CLINC150, 60 SNIPS test texts, each drawn without replacement with {@link #SEED}. */
    public static List<String> texts() {
        return texts(SIZE, SEED);
    }

    public static List<String> texts(int size, long seed) {
        int b = (int) Math.round(size * 0.35), c = (int) Math.round(size * 0.35), s = size - b - c;
        Random rnd = new Random(seed);
        var out = new ArrayList<String>(size);
        out.addAll(draw(intentTask("banking77"), b, rnd));
        out.addAll(draw(intentTask("clinc150"), c, rnd));
        out.addAll(draw(intentTask("snips"), s, rnd));
        return List.copyOf(out);
    }

    private static Task intentTask(String dataset) {
        var tasks = DatasetCatalog.load(dataset).tasks();
        for (Task t : tasks) if (t.name().endsWith("/intent")) return t;
        for (Task t : tasks) if (t.kind() == TaskKind.CLASSIFICATION) return t;
        throw new IllegalStateException(dataset + " has no classification task");
    }

    private static List<String> draw(Task task, int n, Random rnd) {
        List<Example> test = task.split(Task.TEST);
        var idx = new ArrayList<Integer>(test.size());
        for (int i = 0; i < test.size(); i++) idx.add(i);
        Collections.shuffle(idx, rnd);
        var out = new ArrayList<String>(n);
        for (int i = 0; i < Math.min(n, idx.size()); i++) out.add(test.get(idx.get(i)).text());
        return out;
    }
}
