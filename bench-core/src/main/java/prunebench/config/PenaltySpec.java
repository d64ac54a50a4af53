package prunebench.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A term added to a training stage's loss ({@code penalty: {name: l1_bn, weight: 1e-4}} in {@code pretrain:} or
 * {@code finetune:}): the loss is cross-entropy + {@code weight} x the named penalty.
 *
 * <ul>
 *   <li>{@code l1_bn}: the sum of |gamma| over every BatchNorm scale (network slimming, Liu et al. 2017); its
 *       gradient is {@code weight * sign(gamma)}, what the authors' {@code updateBN()} adds to the gradient;</li>
 *   <li>{@code group_lasso}: the sum of the L2 norms of groups of a prunable layer's weights (SSL, Wen et al. 2016):
 *       {@code groups: filters} (default) one group per output channel (a filter, a row of a Linear), {@code
 *       channels} one per input channel, {@code both} the two sums; the classifier is left out;</li>
 *   <li>{@code l_half}: the modified (smoothed) L1/2 penalty of Chang &amp; Sha 2018 on the prune's targets,
 *       {@code settings: {a}} the half-width of the smoothed interval around 0;</li>
 *   <li>{@code swd}: selective weight decay (Tessier et al. 2020), (weight x a(t) / 2) x the squared L2 norm of the
 *       targets outside the {@code keep} largest magnitudes, a(t) growing exponentially from {@code a_min} to
 *       {@code a_max} over the stage;</li>
 *   <li>{@code lc}: the L step's quadratic penalty of learning-compression (Carreira-Perpi&ntilde;&aacute;n &amp;
 *       Idelbayev 2018), mu_j / 2 x ||w - Theta - lambda / mu_j||^2 toward the projection Theta of the targets onto
 *       their {@code keep} largest magnitudes, mu_j = weight x {@code growth}^j over {@code mu_steps} L steps;</li>
 *   <li>{@code auto_balanced}: auto-balanced regularisation (Ding et al. 2018), weight / 2 x sum of tau_j x
 *       ||K_j||^2 over the filters of every channel group, tau_j &gt; 0 on each layer's weakest filters (by L2 norm)
 *       and one negative tau on the others, balanced so that the sum is 0; {@code settings: {ratio}} the fraction
 *       of each layer's filters counted weak, or {@code {compression}} the run's target, whose one-shot layerwise
 *       channel prune gives each layer's weak count;</li>
 *   <li>{@code joint_sparsity}: the spatial-domain partial L2 regulariser with a learned coefficient (Choi,
 *       El-Khamy &amp; Lee 2018), e^omega x the squared L2 norm of the targets outside the {@code keep} largest
 *       magnitudes - weight x omega, omega starting at ln {@code coefficient_init} and moved each step by {@code
 *       omega_lr} x (e^omega x R - weight); the weight is the paper's alpha;</li>
 *   <li>{@code vacl}: variance-aware cross-layer regularisation (Gao et al. 2019), weight x sum over groups of
 *       (mu + {@code variance_weight} x sigma^2), mu and sigma^2 the mean and population variance of the L2 norms of
 *       a group's filters; the filters a residual addition ties together form one group, every other filter of a
 *       non-classifier layer a group of its own.</li>
 * </ul>
 * The last six act on the prune's targets or channels and are set by their strategies ({@code l_half}, {@code
 * swd}, {@code lc}, {@code auto_balanced}, {@code joint_sparsity}, {@code vacl}), not in a schedule's YAML: {@code swd}, {@code lc}
 * and {@code joint_sparsity} need the run's weight budget.
 *
 * @param groups   for {@code group_lasso} only (null otherwise)
 * @param settings the named hyper-parameters of {@code l_half}, {@code swd}, {@code lc}, {@code auto_balanced} (null
 *                 for the others, left out of the canonical form then, so that existing identities stay as they
 *                 were)
 * @param keep     the number of target entries the run keeps, for {@code swd} and {@code lc} (null otherwise)
 */
public record PenaltySpec(String name, double weight, String groups,
        @Canonical.OmitWhenNull Map<String, Double> settings, @Canonical.OmitWhenNull Long keep) {
    public static final String L1_BN = "l1_bn";
    public static final String GROUP_LASSO = "group_lasso";
    public static final String L_HALF = "l_half";
    public static final String SWD = "swd";
    public static final String LC = "lc";
    public static final String AUTO_BALANCED = "auto_balanced";
    public static final String JOINT_SPARSITY = "joint_sparsity";
    public static final String VACL = "vacl";
    /** The names a schedule's {@code penalty:} block accepts. */
    public static final List<String> NAMES = List.of(L1_BN, GROUP_LASSO);
    /** Every penalty, those of strategies included. */
    public static final List<String> ALL = List.of(L1_BN, GROUP_LASSO, L_HALF, SWD, LC, AUTO_BALANCED,
            JOINT_SPARSITY, VACL);
    public static final List<String> GROUPS = List.of("filters", "channels", "both");
    private static final Map<String, Set<String>> SETTINGS = Map.of(L_HALF, Set.of("a"),
            SWD, Set.of("a_min", "a_max"), LC, Set.of("growth", "mu_steps"), JOINT_SPARSITY, Set.of("coefficient_init",
            "omega_lr"), VACL, Set.of("variance_weight"));

    public PenaltySpec {
        if (!ALL.contains(name)) {
            throw new IllegalArgumentException("unknown penalty '" + name + "'");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("penalty weight must be a non-negative number, got " + weight);
        }
        if (GROUP_LASSO.equals(name) ? !GROUPS.contains(groups) : groups != null) {
            throw new IllegalArgumentException("groups is a key of group_lasso only: " + groups);
        }
        Set<String> expected = AUTO_BALANCED.equals(name) && settings != null && settings.containsKey("compression")
                ? Set.of("compression") : AUTO_BALANCED.equals(name) ? Set.of("ratio") : SETTINGS.get(name);
        if (expected == null ? settings != null : settings == null || !settings.keySet().equals(expected)) {
            throw new IllegalArgumentException("penalty " + name + " takes the settings " + expected + ", got "
                    + settings);
        }
        if (settings != null) {
            settings = Map.copyOf(settings);
            for (Map.Entry<String, Double> e : settings.entrySet()) {
                if (!(e.getValue() > 0) || Double.isInfinite(e.getValue())) {
                    throw new IllegalArgumentException("penalty " + name + ": " + e.getKey()
                            + " must be a positive number, got " + e.getValue());
                }
            }
        }
        if (SWD.equals(name) && settings.get("a_min") > settings.get("a_max")) {
            throw new IllegalArgumentException("penalty swd: a_min must not exceed a_max, got " + settings);
        }
        if (LC.equals(name) && (settings.get("mu_steps") != Math.rint(settings.get("mu_steps"))
                || settings.get("growth") < 1)) {
            throw new IllegalArgumentException("penalty lc: mu_steps must be a positive integer and growth >= 1, got "
                    + settings);
        }
        if (AUTO_BALANCED.equals(name) && settings.containsKey("ratio") && !(settings.get("ratio") < 1)) {
            throw new IllegalArgumentException("penalty auto_balanced: ratio must be in (0, 1), got " + settings);
        }
        if (AUTO_BALANCED.equals(name) && settings.containsKey("compression") && !(settings.get("compression") >= 1)) {
            throw new IllegalArgumentException("penalty auto_balanced: compression must be >= 1, got " + settings);
        }
        boolean needsKeep = SWD.equals(name) || LC.equals(name) || JOINT_SPARSITY.equals(name);
        if (needsKeep ? keep != null && keep < 0 : keep != null) {
            throw new IllegalArgumentException("keep is for swd, lc and joint_sparsity only, and non-negative: "
                    + keep);
        }
    }

    public PenaltySpec(String name, double weight, String groups) {
        this(name, weight, groups, null, null);
    }

    public static PenaltySpec l1Bn(double weight) {
        return new PenaltySpec(L1_BN, weight, null);
    }

    public static PenaltySpec groupLasso(double weight, String groups) {
        return new PenaltySpec(GROUP_LASSO, weight, groups);
    }

    /** A penalty of a strategy, with its settings; {@code keep} comes later ({@link #withKeep}). */
    public static PenaltySpec of(String name, double weight, Map<String, Double> settings) {
        return new PenaltySpec(name, weight, null, settings, null);
    }

    /** True for the penalties that need the run's weight budget. */
    public boolean needsKeep() {
        return SWD.equals(name) || LC.equals(name) || JOINT_SPARSITY.equals(name);
    }

    /** The same penalty toward keeping {@code keep} target entries. */
    public PenaltySpec withKeep(long keep) {
        return new PenaltySpec(name, weight, groups, settings, keep);
    }

    /** A setting (see {@link #settings}). */
    public double setting(String key) {
        return settings.get(key);
    }
}
