package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.data.DataFormatException;
import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.core.safetensors.SafetensorsWriter;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A task's linear classification head over mean-pooled (not normalized) encoder output: logits = W x + b with
 * W [classes, hidden]. Heads stay per task and are never merged (as FusionBench keeps each task's head); only
 * the encoders are. Saved as {@code head.safetensors} ({@code weight}, {@code bias}, the task and labels in the
 * metadata).
 */
public record TaskHead(String task, List<String> labels, int hidden, float[] weight, float[] bias) {
    public static final String FILE = "head.safetensors";

    public TaskHead {
        labels = List.copyOf(labels);
        if (weight.length != labels.size() * hidden || bias.length != labels.size()) {
            throw new IllegalArgumentException("head of " + task + ": " + weight.length + " weights and " + bias.length + " biases for "
                    + labels.size() + " classes x " + hidden);
        }
    }

    public int classes() { return labels.size(); }

    /** Logits [batch, classes] of pooled vectors [batch, hidden], computed in {@code m}. */
    public NDArray logits(NDManager m, NDArray pooled) {
        NDArray w = m.create(weight, new Shape(classes(), hidden));
        NDArray b = m.create(bias, new Shape(classes()));
        return pooled.matMul(w.transpose()).add(b);
    }

    public void save(Path file) {
        var meta = new LinkedHashMap<String, String>();
        meta.put("task", task);
        try {
            meta.put("labels", new ObjectMapper().writeValueAsString(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        SafetensorsWriter.write(file, List.of(
                SafetensorsWriter.Tensor.ofFloats("weight", DType.F32, new long[] {classes(), hidden}, weight),
                SafetensorsWriter.Tensor.ofFloats("bias", DType.F32, new long[] {classes()}, bias)), meta);
    }

    public static TaskHead load(Path file) {
        try (var f = SafetensorsFile.open(file)) {
            String task = f.metadata().get("task"), labelsJson = f.metadata().get("labels");
            if (task == null || labelsJson == null) throw new DataFormatException(file, 0, "__metadata__", "a head needs 'task' and 'labels' metadata");
            List<String> labels;
            try {
                labels = Arrays.asList(new ObjectMapper().readValue(labelsJson, String[].class));
            } catch (JsonProcessingException e) {
                throw new DataFormatException(file, 0, "__metadata__.labels", "not a JSON list of strings: " + e.getOriginalMessage());
            }
            if (!f.contains("weight") || !f.contains("bias")) throw new DataFormatException(file, 0, "weight", "a head needs tensors 'weight' and 'bias'");
            long[] shape = f.info("weight").shape();
            if (shape.length != 2 || shape[0] != labels.size()) {
                throw new DataFormatException(file, 0, "weight", "shape " + Arrays.toString(shape) + " does not match " + labels.size() + " labels");
            }
            return new TaskHead(task, labels, (int) shape[1], f.readAllFloats("weight"), f.readAllFloats("bias"));
        }
    }
}
