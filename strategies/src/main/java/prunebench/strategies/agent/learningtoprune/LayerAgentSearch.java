package prunebench.strategies.agent.learningtoprune;

import java.util.Random;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;

/**
 * One layer's agent of {@link LearningToPrune}: the policy trained by REINFORCE, each action tried by zeroing the
 * dropped filters and scored by {@link Reward} on the reward examples, the layer's weights put back after each
 * episode.
 */
final class LayerAgentSearch {
    private LayerAgentSearch() {
    }

    /** One layer's agent trained; returns its final keep probabilities. The network is left as it was. */
    static double[] run(PruningContext context, LayerFilters layer, RewardExamples rewardSet,
            Random random) {
        StrategyOptions o = context.options();
        double bound = o.getDouble(LearningToPrune.DROP_BOUND);
        double lr = o.getDouble(LearningToPrune.POLICY_LR);
        layer.snapshot();
        double base = rewardSet.accuracy(context);
        double[] x = BernoulliPolicy.standardise(layer.weights());
        BernoulliPolicy policy = BernoulliPolicy.initialised(x.length, o.getInt(LearningToPrune.HIDDEN),
                layer.filters(), o.getDouble(LearningToPrune.INIT_KEEP), random);
        MovingBaseline baseline = new MovingBaseline(o.getDouble(LearningToPrune.BASELINE_DECAY));
        for (int e = 0; e < o.getInt(LearningToPrune.EPISODES); e++) {
            double[] p = policy.keepProbabilities(x);
            boolean[][] actions = BernoulliPolicy.sample(p, o.getInt(LearningToPrune.SAMPLES), random);
            double[] rewards = new double[actions.length];
            for (int i = 0; i < actions.length; i++) {
                layer.zero(actions[i]);
                rewards[i] = Reward.of(base, rewardSet.accuracy(context), bound, layer.filters(),
                        count(actions[i]));
            }
            layer.restoreSnapshot();
            policy.ascend(policy.gradient(x, actions, baseline.advantages(rewards)), lr);
        }
        return policy.keepProbabilities(x);
    }

    private static int count(boolean[] kept) {
        int n = 0;
        for (boolean k : kept) {
            n += k ? 1 : 0;
        }
        return n;
    }
}
