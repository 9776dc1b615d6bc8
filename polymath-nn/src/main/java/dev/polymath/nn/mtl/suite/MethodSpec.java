package dev.polymath.nn.mtl.suite;

import dev.polymath.nn.mtl.MethodCompatibility;
import dev.polymath.nn.mtl.Sharpness;
import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;

import java.util.function.Supplier;

/**
 * A weighting method as configured: its name, optionally a SAM step around it ({@code pcgrad}, {@code pcgrad+fmtl}
 * (F-MTL), {@code ew+sam} (plain SAM), {@code mgda:l2+fmtl}; the radius comes separately), and the gradient mode
 * gradient methods run in ({@code gradients}: parameters or representation; null = the method's own). Unknown
 * names fail with the valid ones listed.
 */
public record MethodSpec(String weighting, Sharpness sharpness, GradientMode gradients) {
    public MethodSpec {
        WeightingRegistry.create(weighting); // validate now
    }

    public MethodSpec(String weighting, Sharpness sharpness) {
        this(weighting, sharpness, null);
    }

    public static MethodSpec parse(String text, double rho) {
        return parse(text, rho, null);
    }

    public static MethodSpec parse(String text, double rho, GradientMode gradients) {
        String s = text.trim();
        int plus = s.lastIndexOf('+');
        if (plus > 0 && (s.endsWith("+fmtl") || s.endsWith("+sam"))) {
            return new MethodSpec(s.substring(0, plus), Sharpness.of(s.substring(plus + 1), rho), gradients);
        }
        return new MethodSpec(s, Sharpness.NONE, gradients);
    }

    public Supplier<Weighting> factory() {
        return WeightingRegistry.factory(weighting);
    }

    /** The mode a step runs this method in (losses-only methods: LOSSES whatever was asked). */
    public GradientMode effectiveGradients() {
        return MethodCompatibility.effectiveMode(WeightingRegistry.create(weighting), gradients);
    }

    /**
     * Fails, saying why, when the method cannot run as configured on {@code suite}'s data (a mode it does not
     * declare, representation gradients with SAM or with per-task inputs); called before any data are loaded.
     */
    public void check(MtlSuite suite) {
        MethodCompatibility.check(WeightingRegistry.create(weighting), gradients, sharpness, suite.sharedInputs(), "suite " + suite.name());
    }

    /** {@code pcgrad+fmtl(0.05)}, {@code pcgrad}, or for a gradient method on representation gradients {@code mgda[rep]}. */
    public String label() {
        return weighting + (effectiveGradients() == GradientMode.REPRESENTATION ? "[rep]" : "") + sharpness.suffix();
    }
}
