package prunebench.strategies.agent.learningtoprune;

import ai.djl.training.ParameterStore;
import java.util.Arrays;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.strategies.agent.ValidationTop1;

/**
 * The reward examples: the first {@code examples} of the validation split (-1: all) in the split's order, fixed once
 * per search so every action of every layer is scored on the same examples.
 */
record RewardExamples(BatchLoader data, int[] order) {
    static RewardExamples of(BatchLoader validation, int examples) {
        int[] order = validation.order(0, 0, false);
        return new RewardExamples(validation, examples > 0 && examples < order.length
                ? Arrays.copyOf(order, examples) : order);
    }

    /** Top-1 of the network as it is now on the reward examples, in inference mode. */
    double accuracy(PruningContext context) {
        return ValidationTop1.of(context.network(), data, order, context.manager(), LearningToPrune.EVAL_BATCH,
                scope -> new ParameterStore(scope, false));
    }
}
