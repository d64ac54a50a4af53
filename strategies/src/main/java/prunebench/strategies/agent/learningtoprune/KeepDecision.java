package prunebench.strategies.agent.learningtoprune;

/** How a trained agent's keep probabilities become the filters {@link LearningToPrune} holds while fine-tuning. */
final class KeepDecision {
    private KeepDecision() {
    }

    /** Keep where p &gt; 0.5; when fewer than {@code minimum} are, the {@code minimum} most probable (ties: lower index). */
    static boolean[] decision(double[] p, int minimum) {
        boolean[] kept = new boolean[p.length];
        int n = 0;
        for (int f = 0; f < p.length; f++) {
            kept[f] = p[f] > 0.5;
            n += kept[f] ? 1 : 0;
        }
        while (n < Math.min(minimum, p.length)) {
            int best = -1;
            for (int f = 0; f < p.length; f++) {
                if (!kept[f] && (best < 0 || p[f] > p[best])) {
                    best = f;
                }
            }
            kept[best] = true;
            n++;
        }
        return kept;
    }

    /** {@code min_channels} as a count for a layer of {@code filters}: a count, or a fraction rounded up; at least 1. */
    static int minimum(double minChannels, int filters) {
        int keep = minChannels < 1 ? (int) Math.ceil(minChannels * filters) : (int) minChannels;
        return Math.min(filters, Math.max(1, keep));
    }
}
