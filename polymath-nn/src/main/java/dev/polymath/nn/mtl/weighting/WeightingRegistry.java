package dev.polymath.nn.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Weighting methods by name: {@code ew, uw, dwa, gls, rlw, gradnorm, mgda, pcgrad, gradvac, cagrad, imtl,
 * nash_mtl, aligned_mtl, famo}, each with LibMTL's default hyper-parameters. MGDA's normalisation is chosen by
 * a suffix, {@code mgda:l2}, {@code mgda:loss}, {@code mgda:loss+} or {@code mgda:none} (the default);
 * Aligned-MTL's scale mode likewise ({@code aligned_mtl:median}). Names are case-insensitive and accept
 * {@code -} for {@code _}. Unknown names fail with the list of valid ones.
 */
public final class WeightingRegistry {
    private static final Map<String, Supplier<Weighting>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("ew", EqualWeighting::new);
        METHODS.put("uw", UncertaintyWeighting::new);
        METHODS.put("dwa", DynamicWeightAverage::new);
        METHODS.put("gls", GeometricLossStrategy::new);
        METHODS.put("rlw", RandomLossWeighting::new);
        METHODS.put("gradnorm", GradNorm::new);
        METHODS.put("mgda", Mgda::new);
        METHODS.put("pcgrad", PcGrad::new);
        METHODS.put("gradvac", GradVac::new);
        METHODS.put("cagrad", CaGrad::new);
        METHODS.put("imtl", Imtl::new);
        METHODS.put("nash_mtl", NashMtl::new);
        METHODS.put("aligned_mtl", AlignedMtl::new);
        METHODS.put("famo", Famo::new);
    }

    private WeightingRegistry() {}

    /** The registered names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }

    /** A new, not yet {@link Weighting#reset reset}, instance of the named method with default settings. */
    public static Weighting create(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        String option = null;
        int colon = key.indexOf(':');
        if (colon >= 0) {
            option = key.substring(colon + 1);
            key = key.substring(0, colon);
        }
        Supplier<Weighting> s = METHODS.get(key);
        if (s == null) {
            throw new IllegalArgumentException("unknown weighting method '" + name + "'; valid: "
                    + String.join(", ", METHODS.keySet()) + " (mgda accepts :l2, :loss, :loss+, :none)");
        }
        if (option == null) return s.get();
        return switch (key) {
            case "mgda" -> new Mgda(new Mgda.Params(Mgda.Normalization.parse(option)));
            case "aligned_mtl" -> new AlignedMtl(new AlignedMtl.Params(AlignedMtl.ScaleMode.parse(option)));
            default -> throw new IllegalArgumentException("weighting method '" + key + "' takes no option ('" + name + "')");
        };
    }

    /** A factory for the named method (for wrappers such as {@link FlatMtl}, which need several instances). */
    public static Supplier<Weighting> factory(String name) {
        create(name); // validate now
        return () -> create(name);
    }
}
