package prunebench.config;

import java.util.List;

/**
 * A term added to a training stage's loss ({@code penalty: {name: l1_bn, weight: 1e-4}} in {@code pretrain:} or
 * {@code finetune:}): the loss is cross-entropy + {@code weight} x the named penalty.
 *
 * <ul>
 *   <li>{@code l1_bn}: the sum of |gamma| over every BatchNorm scale (network slimming, Liu et al. 2017); its
 *       gradient is {@code weight * sign(gamma)}, what the authors' {@code updateBN()} adds to the gradient;</li>
 *   <li>{@code group_lasso}: the sum of the L2 norms of groups of a prunable layer's weights (SSL, Wen et al. 2016):
 *       {@code groups: filters} (default) one group per output channel (a filter, a row of a Linear), {@code
 *       channels} one per input channel, {@code both} the two sums; the classifier is left out.</li>
 * </ul>
 *
 * @param groups for {@code group_lasso} only (null otherwise)
 */
public record PenaltySpec(String name, double weight, String groups) {
    public static final String L1_BN = "l1_bn";
    public static final String GROUP_LASSO = "group_lasso";
    public static final List<String> NAMES = List.of(L1_BN, GROUP_LASSO);
    public static final List<String> GROUPS = List.of("filters", "channels", "both");

    public PenaltySpec {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown penalty '" + name + "'");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("penalty weight must be a non-negative number, got " + weight);
        }
        if (GROUP_LASSO.equals(name) ? !GROUPS.contains(groups) : groups != null) {
            throw new IllegalArgumentException("groups is a key of group_lasso only: " + groups);
        }
    }

    public static PenaltySpec l1Bn(double weight) {
        return new PenaltySpec(L1_BN, weight, null);
    }

    public static PenaltySpec groupLasso(double weight, String groups) {
        return new PenaltySpec(GROUP_LASSO, weight, groups);
    }
}
