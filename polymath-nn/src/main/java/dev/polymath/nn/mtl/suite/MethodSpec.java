package dev.polymath.nn.mtl.suite;

import dev.polymath.nn.mtl.Sharpness;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;

import java.util.function.Supplier;

/**
 * A weighting method, optionally wrapped in a SAM step: {@code pcgrad}, {@code pcgrad+fmtl} (F-MTL),
 * {@code ew+sam} (plain SAM), {@code mgda:l2+fmtl}. The radius comes separately. Unknown names fail with the
 * valid ones listed.
 */
public record MethodSpec(String weighting, Sharpness sharpness) {
    public MethodSpec {
        WeightingRegistry.create(weighting); // validate now
    }

    public static MethodSpec parse(String text, double rho) {
        String s = text.trim();
        int plus = s.lastIndexOf('+');
        if (plus > 0 && (s.endsWith("+fmtl") || s.endsWith("+sam"))) {
            return new MethodSpec(s.substring(0, plus), Sharpness.of(s.substring(plus + 1), rho));
        }
        return new MethodSpec(s, Sharpness.NONE);
    }

    public Supplier<Weighting> factory() {
        return WeightingRegistry.factory(weighting);
    }

    /** {@code pcgrad+fmtl(0.05)} or {@code pcgrad}. */
    public String label() {
        return weighting + sharpness.suffix();
    }
}
