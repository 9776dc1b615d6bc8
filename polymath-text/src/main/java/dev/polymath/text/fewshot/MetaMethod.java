package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code meta}: prototypes in the space of a {@link MetaProjection} meta-trained episodically (ProtoNet) on
 * other classes — another dataset, never the target's — then nearest prototype by cosine, as {@code prototype}
 * does in the original space. The fitted head carries the projection, so a saved classifier needs nothing else.
 * The registry's instance can only load; fitting needs {@link #with} a trained projection.
 */
public final class MetaMethod implements FewShotMethod {
    private final MetaProjection projection;

    /** Load-only (what the registry hands out). */
    public MetaMethod() {
        this(null);
    }

    private MetaMethod(MetaProjection projection) {
        this.projection = projection;
    }

    public static MetaMethod with(MetaProjection projection) {
        if (projection == null) throw new IllegalArgumentException("no projection given");
        return new MetaMethod(projection);
    }

    @Override
    public String name() {
        return "meta";
    }

    @Override
    public String description() {
        return "prototypes after a linear map meta-trained (ProtoNet episodes) on another dataset's classes";
    }

    @Override
    public FittedHead fit(Support s) {
        if (projection == null) {
            throw new IllegalArgumentException("method 'meta' needs a projection meta-trained on other classes "
                    + "(polymath fewshot: --meta-source <dataset>; API: MetaMethod.with(MetaProjection.train(...)))");
        }
        FloatMatrix z = projection.apply(s.embeddings());
        float[][] protos = Prototypes.means(z, s.labels(), s.classes());
        return new Head(projection, new CosineHead(protos, CosineHead.calibrate(z, s.labels(), s.classes(), PrototypeMethod.DEFAULT_SCALE)));
    }

    @Override
    public FittedHead load(Map<String, FittedHead.Tensor> tensors, Map<String, Object> settings) {
        var w = tensors.get("projection.weight");
        var b = tensors.get("projection.bias");
        if (w == null || b == null) throw new IllegalArgumentException("saved meta head lacks tensor 'projection.weight' or 'projection.bias'");
        var p = new MetaProjection((int) w.shape()[0], (int) w.shape()[1], w.values(), b.values(), String.valueOf(settings.get("source")));
        return new Head(p, CosineHead.load(tensors, settings));
    }

    private record Head(MetaProjection projection, CosineHead inner) implements FittedHead {
        @Override
        public double[][] probabilities(FloatMatrix queries) {
            return inner.probabilities(projection.apply(queries));
        }

        @Override
        public Map<String, Tensor> tensors() {
            var t = new HashMap<>(inner.tensors());
            t.put("projection.weight", new Tensor(new long[] {projection.inputs(), projection.outputs()}, projection.weight()));
            t.put("projection.bias", new Tensor(new long[] {projection.outputs()}, projection.bias()));
            return t;
        }

        @Override
        public Map<String, Object> settings() {
            var s = new HashMap<>(inner.settings());
            s.put("source", projection.source());
            return s;
        }
    }
}
