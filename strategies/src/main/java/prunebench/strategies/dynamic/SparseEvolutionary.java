package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import prunebench.prune.DynamicContext;
import prunebench.prune.PruningTarget;
import prunebench.util.Seeds;

/**
 * SET, Sparse Evolutionary Training (Mocanu et al. 2018), on RigL's schedule: every {@code update_interval} steps
 * until {@code end_fraction} of training, each layer drops the cosine-decayed {@code drop_fraction} of its active
 * weights with the lowest |w| and regrows as many connections uniformly at random, drawn in Java from the run's
 * seed, the step and the tensor (so a resumed run draws the same). Regrown connections start at zero and their
 * optimizer state (momentum, Adam moments) is reset via {@link prunebench.train.Optimizer#resetState}.
 */
public final class SparseEvolutionary extends DynamicSparseStrategy {
    @Override
    public String name() {
        return "set";
    }

    @Override
    public String description() {
        return "SET: random sparse init (ERK), drop lowest |w|, regrow at random during training";
    }

    @Override
    float[] growthScores(DynamicContext context, PruningTarget target, int step, NDManager scope) {
        Random random = new Random(Seeds.derive(context.seed(), "set/grow/" + step + "/" + target.name()));
        float[] scores = new float[Math.toIntExact(target.size())];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextFloat();
        }
        return scores;
    }
}
