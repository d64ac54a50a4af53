package prunebench.strategies.random;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import prunebench.prune.Distribution;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;

/**
 * Uniformly random scores, drawn in Java from the run's seed (device-independent); with the default uniform
 * distribution every layer keeps the same fraction, as ShrinkBench's RandomPruning.
 */
public final class RandomPruning implements PruningStrategy {
    @Override
    public String name() {
        return "random";
    }

    @Override
    public String description() {
        return "random scores, the same fraction kept in every layer";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        return uniformScores(context);
    }

    /**
     * Uniform scores in [0, 1) from the seed's {@code random} stream, whichever strategy asks: a random mask under any
     * distribution, and the same mask for the same seed and distribution (RigL, SET and static random ERK start from
     * one mask, so that a comparison isolates their update rules).
     */
    public static Map<String, NDArray> uniformScores(PruningContext context) {
        Random random = context.random("random");
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            float[] v = new float[Math.toIntExact(t.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextFloat();
            }
            scores.put(t.name(), context.manager().create(v, t.array().getShape()));
        }
        return scores;
    }
}
