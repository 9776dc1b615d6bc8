package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Zalando; MIT): 28x28 grey-scale images of 10 clothing classes, train 60000 / test 10000,
 * in IDX files {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]}. Found at {@code -Dpolymath.fashionMnist},
 * else {@code POLYMATH_FASHION_MNIST}, else a {@code fashion-mnist/} folder under the data roots
 * ({@link DataPaths}), else {@value #SYSTEM_DIR} (Debian package {@code dataset-fashion-mnist}).
 *
 * <p>{@link #read} gives the compact form (bytes); {@link #task} the task view, whose examples carry the
 * pixels scaled to 0..1 as {@code float[784]} features (about 190 MB for the full train split).
 */
public final class FashionMnistLoader {
    private FashionMnistLoader() {}

    public static final String NAME = "fashion-mnist";
    public static final String SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** One split in compact form: {@code n} images of {@code rows x cols} bytes, row-major, and n labels 0..9. */
    public record Split(String name, int n, int rows, int cols, byte[] pixels, byte[] labels) {
        public int label(int i) { return labels[i]; }

        /** Pixels of image {@code i} scaled to 0..1. */
        public float[] features(int i) {
            int size = rows * cols;
            float[] f = new float[size];
            for (int k = 0; k < size; k++) f[k] = (pixels[i * size + k] & 0xff) / 255f;
            return f;
        }

        @Override
        public String toString() {
            return "Split[" + name + ", n=" + n + ", " + rows + "x" + cols + "]";
        }
    }

    /** Where the files are, or null when none of the places has them. */
    public static Path find() {
        for (Path p : candidates()) if (DataFiles.exists(p.resolve("train-labels-idx1-ubyte"))) return p;
        return null;
    }

    /** Every place looked at, most specific first. */
    public static List<Path> candidates() {
        var out = new ArrayList<Path>();
        String prop = System.getProperty("polymath.fashionMnist");
        if (prop != null && !prop.isBlank()) out.add(Path.of(prop));
        String env = System.getenv("POLYMATH_FASHION_MNIST");
        if (env != null && !env.isBlank()) out.add(Path.of(env));
        for (Path r : DataPaths.searched()) out.add(r.resolve(NAME));
        out.add(Path.of(SYSTEM_DIR));
        return out;
    }

    public static Path locate() {
        Path p = find();
        if (p == null) {
            throw new MissingDataException("Fashion-MNIST not found; looked in " + candidates()
                    + " for train-images-idx3-ubyte[.gz]. Install the Debian package dataset-fashion-mnist, or set"
                    + " -Dpolymath.fashionMnist / POLYMATH_FASHION_MNIST to the folder with the IDX files.");
        }
        return p;
    }

    /** Both splits ({@code train}, {@code test}) in compact form. */
    public static Map<String, Split> read(Path dir) {
        var out = new LinkedHashMap<String, Split>();
        out.put(Task.TRAIN, readSplit(dir, "train", Task.TRAIN));
        out.put(Task.TEST, readSplit(dir, "t10k", Task.TEST));
        return out;
    }

    public static Split readSplit(Path dir, String prefix, String name) {
        Path imgFile = DataFiles.require(dir.resolve(prefix + "-images-idx3-ubyte"));
        Path labFile = DataFiles.require(dir.resolve(prefix + "-labels-idx1-ubyte"));
        var images = IdxReader.read(imgFile, 3);
        var labels = IdxReader.read(labFile, 1);
        if (images.count() != labels.count()) {
            throw new DataFormatException(labFile, 0, "count", labels.count() + " labels but "
                    + imgFile.getFileName() + " has " + images.count() + " images");
        }
        for (int i = 0; i < labels.data().length; i++) {
            int l = labels.data()[i] & 0xff;
            if (l >= CLASSES.size()) {
                throw new DataFormatException(labFile, 0, "label", "label " + l + " of item " + i + " is outside 0..9");
            }
        }
        return new Split(name, images.count(), images.dims()[1], images.dims()[2], images.data(), labels.data());
    }

    /** The task view of every example. */
    public static Task task(Path dir) {
        return task(dir, Integer.MAX_VALUE);
    }

    /** The task view, each split cut to its first {@code maxPerSplit} examples. */
    public static Task task(Path dir, int maxPerSplit) {
        var b = Task.builder(NAME, TaskKind.CLASSIFICATION)
                .labels(CLASSES)
                .instruction("Classify the 28x28 grey-scale image of a clothing item into one of 10 classes.")
                .category("vision")
                .metrics(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1"));
        for (Split s : read(dir).values()) {
            int n = Math.min(s.n(), maxPerSplit);
            var examples = new ArrayList<Example>(n);
            for (int i = 0; i < n; i++) {
                examples.add(Example.dense(s.name() + ":" + i, s.features(i), CLASSES.get(s.label(i))));
            }
            b.split(s.name(), examples);
        }
        return b.build();
    }

    public static TaskSuite load() {
        return load(locate());
    }

    public static TaskSuite load(Path dir) {
        return new TaskSuite(NAME, "Fashion-MNIST: 28x28 images of 10 clothing classes", List.of(task(dir)));
    }

}
