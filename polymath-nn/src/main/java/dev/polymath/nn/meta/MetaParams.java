package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Meta-parameters stored in one flat float32 buffer, with each parameter a reshaped view into it. The outer
 * optimiser then updates everything with a handful of whole-buffer operations instead of a handful per tensor.
 * Only the outer update writes to the buffer; adaptation always produces new tensors.
 */
public final class MetaParams {
    private final NDArray flat;
    private final NDList views;
    private final List<Shape> shapes;
    private final List<String> names;

    private MetaParams(NDArray flat, NDList views, List<Shape> shapes, List<String> names) {
        this.flat = flat;
        this.views = views;
        this.shapes = shapes;
        this.names = names;
    }

    /** Copies {@code initial} into a flat buffer owned by {@code manager}. */
    public static MetaParams of(NDManager manager, NDList initial, List<String> names) {
        if (names.size() != initial.size()) throw new IllegalArgumentException(names.size() + " names for " + initial.size() + " tensors");
        var shapes = new ArrayList<Shape>();
        NDList flats = new NDList();
        for (NDArray a : initial) {
            shapes.add(a.getShape());
            flats.add(a.reshape(-1));
        }
        NDArray flat = NDArrays.concat(flats).toType(ai.djl.ndarray.types.DataType.FLOAT32, true);
        flat.attach(manager);
        NDList views = new NDList();
        long off = 0;
        for (Shape s : shapes) {
            long n = s.size();
            NDArray v = flat.get(new NDIndex("{}:{}", off, off + n)).reshape(s);
            views.add(v);
            off += n;
        }
        return new MetaParams(flat, views, List.copyOf(shapes), List.copyOf(names));
    }

    /** The parameters (views into the flat buffer). Do not modify them in place except through an optimiser. */
    public NDList list() {
        return views;
    }

    public NDArray flat() {
        return flat;
    }

    public List<Shape> shapes() {
        return shapes;
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return views.size();
    }

    public NDArray get(int i) {
        return views.get(i);
    }

    public long count() {
        return flat.size();
    }

    /** Concatenates per-parameter gradients (nulls as zeros) into one flat gradient. */
    public NDArray flatten(NDList grads) {
        NDList parts = new NDList(grads.size());
        for (int i = 0; i < grads.size(); i++) {
            NDArray g = grads.get(i);
            parts.add(g == null ? flat.getManager().zeros(new Shape(shapes.get(i).size())) : g.reshape(-1));
        }
        return NDArrays.concat(parts);
    }

    /** A detached copy of the current values (for checkpoints and tests). */
    public NDList snapshot(NDManager manager) {
        NDList out = new NDList();
        for (NDArray v : views) {
            NDArray c = v.duplicate();
            c.attach(manager);
            out.add(c);
        }
        return out;
    }

    /** Temporarily attaches the buffer and views to {@code scope}, so results of operations on them land there. */
    public void tempAttach(NDManager scope) {
        if (flat.getManager() == scope) return; // already there (a second temp-attach would lose the way home)
        flat.tempAttach(scope);
        for (NDArray v : views) v.tempAttach(scope);
    }
}
