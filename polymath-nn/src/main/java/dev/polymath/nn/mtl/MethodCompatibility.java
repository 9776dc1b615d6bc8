package dev.polymath.nn.mtl;

import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;

import java.util.List;

/**
 * Whether a weighting method can run in the chosen gradient mode with the chosen sharpness step and data layout.
 * Decided from the configuration alone, so commands refuse an impossible configuration before loading data or
 * training (rather than at the first step).
 */
public final class MethodCompatibility {
    private MethodCompatibility() {}

    /**
     * The mode a step runs in: losses-only methods ignore gradients whatever was asked; gradient methods use the
     * requested mode, or their own when none was requested.
     */
    public static GradientMode effectiveMode(Weighting method, GradientMode requested) {
        if (method.mode() == GradientMode.LOSSES) return GradientMode.LOSSES;
        return requested != null ? requested : method.mode();
    }

    /**
     * Throws {@link IllegalArgumentException} saying why the method cannot run as configured.
     *
     * @param requested    the chosen gradient mode, or null for the method's own
     * @param sharedInputs whether every task reads the same input batch (false: each task its own, e.g. TweetEval)
     * @param data         names the data in messages, e.g. {@code suite tweeteval}
     */
    public static void check(Weighting method, GradientMode requested, Sharpness sharpness, boolean sharedInputs, String data) {
        if (requested == GradientMode.LOSSES) {
            throw new IllegalArgumentException("the gradient mode is parameters or representation; losses is what losses-only methods use by themselves");
        }
        String name = method.name();
        if (requested != null && method.mode() != GradientMode.LOSSES && !method.supports(requested)) {
            throw new IllegalArgumentException(name + " works on " + words(method.mode()) + " only, not on " + words(requested)
                    + "; --gradients " + option(requested) + " is accepted by " + String.join(", ", supporting(requested))
                    + " and the losses-only methods");
        }
        if (effectiveMode(method, requested) != GradientMode.REPRESENTATION) return;
        if (sharpness.enabled()) {
            throw new IllegalArgumentException(name + " on representation gradients cannot be wrapped in a sharpness-aware step ("
                    + sharpness.suffix().substring(1) + "): SAM and F-MTL perturb the parameters along their gradients; use --gradients parameters");
        }
        if (!sharedInputs) {
            throw new IllegalArgumentException(name + " on representation gradients needs one input batch shared by every task, but "
                    + data + " gives each task its own batch; use --gradients parameters");
        }
    }

    /** Gradient methods (not losses-only) that accept {@code mode}. */
    static List<String> supporting(GradientMode mode) {
        return WeightingRegistry.names().stream()
                .filter(n -> {
                    Weighting w = WeightingRegistry.create(n);
                    return w.mode() != GradientMode.LOSSES && w.supports(mode);
                })
                .toList();
    }

    /** The CLI spelling of a mode. */
    public static String option(GradientMode mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code parameters} or {@code representation} (any case, or {@code params}, {@code rep}). */
    public static GradientMode parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "parameters", "params", "parameter" -> GradientMode.PARAMETERS;
            case "representation", "rep", "rep_grad" -> GradientMode.REPRESENTATION;
            default -> throw new IllegalArgumentException("unknown gradient mode '" + text + "'; valid: parameters, representation");
        };
    }

    private static String words(GradientMode m) {
        return switch (m) {
            case LOSSES -> "losses";
            case PARAMETERS -> "parameter gradients";
            case REPRESENTATION -> "representation gradients";
        };
    }
}
