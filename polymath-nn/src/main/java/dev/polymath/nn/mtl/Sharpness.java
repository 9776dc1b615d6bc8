package dev.polymath.nn.mtl;

import java.util.Locale;

/**
 * Whether a training step seeks flat regions, and how (a second forward/backward pass at perturbed weights).
 * <ul>
 *   <li>{@link Kind#NONE}: the ordinary step.</li>
 *   <li>{@link Kind#FMTL}: F-MTL (Phan et al. 2022, {@link dev.polymath.nn.mtl.weighting.FlatMtl}): one
 *       perturbation per task, of the shared parameters along that task's gradient and of its head along its
 *       head gradient, each of norm {@code rho}; the loss gradients and the "flat" gradients are combined
 *       separately by the weighting method and added.</li>
 *   <li>{@link Kind#SAM}: plain SAM (Foret et al. 2021) on the multi-task objective: one perturbation of every
 *       parameter along the gradient of the unweighted loss sum, {@code rho} times its unit vector; at that
 *       point the weighting method runs as usual (on the losses of the unperturbed point and the gradients of
 *       the perturbed one); the update is applied at the unperturbed point.</li>
 * </ul>
 */
public record Sharpness(Kind kind, double rho) {
    public enum Kind { NONE, FMTL, SAM }

    public static final Sharpness NONE = new Sharpness(Kind.NONE, 0);

    public Sharpness {
        if (kind != Kind.NONE && !(rho > 0 && Double.isFinite(rho))) {
            throw new IllegalArgumentException("the SAM radius rho must be a positive number, got " + rho);
        }
    }

    public static Sharpness fmtl(double rho) {
        return new Sharpness(Kind.FMTL, rho);
    }

    public static Sharpness sam(double rho) {
        return new Sharpness(Kind.SAM, rho);
    }

    /** {@code fmtl} or {@code sam} with a radius, or NONE when {@code rho} is null. */
    public static Sharpness of(String kind, Double rho) {
        if (rho == null) return NONE;
        return switch (kind.trim().toLowerCase(Locale.ROOT)) {
            case "fmtl", "f-mtl" -> fmtl(rho);
            case "sam", "plain" -> sam(rho);
            default -> throw new IllegalArgumentException("unknown SAM variant '" + kind + "'; valid: fmtl, sam");
        };
    }

    public boolean enabled() {
        return kind != Kind.NONE;
    }

    /** For names in tables: {@code +fmtl(0.05)}, or empty. */
    public String suffix() {
        return switch (kind) {
            case NONE -> "";
            case FMTL -> "+fmtl(" + rho + ")";
            case SAM -> "+sam(" + rho + ")";
        };
    }
}
