package prunebench.strategies.agent.learningtoprune;

/**
 * Huang et al.'s reward for one sampled action A on a layer of m filters: R(A) = psi(A, b) x phi(A), with the
 * accuracy term psi(A, b) = (b - (Acc(N) - Acc(N(A)))) / b, Acc measured on held-out validation examples (N the
 * network before this layer is pruned, N(A) the same with the filters A drops removed), and the efficiency term
 * phi(A) = log(m / C(A)), C(A) the filters A keeps. psi is 1 when nothing is lost, 0 at a drop of exactly b and
 * negative beyond, so that removing more filters (a larger phi) is rewarded while the drop stays within b and
 * punished harder once it does not. Keeping every filter earns 0 whatever the accuracy.
 */
final class Reward {
    private Reward() {}

    /** psi(A, b): accuracies as fractions (0.99), {@code bound} b in the same unit (0.02 = two points). */
    static double accuracyTerm(double baseAccuracy, double prunedAccuracy, double bound) {
        return (bound - (baseAccuracy - prunedAccuracy)) / bound;
    }

    /**
     * phi(A) = log(m / C(A)). An action that keeps no filter is counted as keeping one (log m): the paper's formula
     * is infinite there, and such an action disconnects the network, so its accuracy term is already strongly
     * negative.
     */
    static double efficiencyTerm(int filters, int kept) {
        return Math.log((double) filters / Math.max(1, kept));
    }

    static double of(double baseAccuracy, double prunedAccuracy, double bound, int filters, int kept) {
        return accuracyTerm(baseAccuracy, prunedAccuracy, bound) * efficiencyTerm(filters, kept);
    }
}
