package prunebench.run;

import ai.djl.ndarray.NDArray;
import prunebench.prune.LearnedMask;

/** A learned strategy's trained scores, handed to the prune as the strategy's. */
record LearnedScores(LearnedMask strategy, java.util.Map<String, NDArray> scores)
        implements prunebench.prune.PruningStrategy {
    @Override
    public String name() {
        return strategy.name();
    }

    @Override
    public String description() {
        return strategy.description();
    }

    @Override
    public java.util.Map<String, NDArray> score(prunebench.prune.PruningContext context) {
        java.util.Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        scores.forEach((n, a) -> {
            NDArray copy = a.duplicate();
            copy.attach(context.manager());
            out.put(n, copy);
        });
        return out;
    }
}
