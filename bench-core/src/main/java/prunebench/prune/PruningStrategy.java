package prunebench.prune;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * How to score weights. A strategy only scores; how much each layer keeps is the {@link Distribution}'s choice,
 * when to prune is the schedule's. Implementations are found through {@link java.util.ServiceLoader}: a new
 * strategy is one class with a public no-argument constructor plus one line in
 * {@code META-INF/services/prunebench.prune.PruningStrategy}.
 */
public interface PruningStrategy {
    /** Registry name used in the experiment file, e.g. {@code global_magnitude}. */
    String name();

    String description();

    /**
     * The strategy's own parameters and their defaults; any other key in the experiment file (besides the common
     * keys {@link StrategyOptions#COMMON_KEYS}) is an error naming the valid ones.
     */
    default Map<String, Object> parameterDefaults() {
        return Map.of();
    }

    /**
     * Checks the values of the strategy's own parameters when the experiment is planned, before any training, so that
     * a bad value is reported like any other bad input rather than failing every run. Throws
     * {@link prunebench.config.ConfigException}.
     */
    default void validate(StrategyOptions options) {}

    /** Which distribution the strategy uses unless the experiment says otherwise. */
    default Distribution defaultDistribution() {
        return Distribution.GLOBAL;
    }

    /** When the strategy prunes unless the experiment says otherwise. */
    default Timing defaultTiming() {
        return Timing.PRETRAINED;
    }

    /**
     * Scores every prunable tensor of {@link PruningContext#targets()}, keyed by parameter name and shaped like the
     * tensor: the highest scores are kept. Arrays must be created on {@link PruningContext#manager()}. Weights that
     * are already masked out are never selected again, whatever their score.
     */
    Map<String, NDArray> score(PruningContext context);
}
