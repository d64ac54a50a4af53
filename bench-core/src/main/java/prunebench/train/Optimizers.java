package prunebench.train;

import java.util.List;
import java.util.Set;
import prunebench.config.ConfigException;
import prunebench.config.OptimizerSpec;
import prunebench.util.Names;

/** Builds the optimizer an experiment names. */
public final class Optimizers {
    public static final Set<String> NAMES = Set.of("sgd", "adam");

    private Optimizers() {}

    public static Optimizer create(OptimizerSpec spec, List<TrainableParameter> params) {
        return switch (spec.name()) {
            case "sgd" -> new Sgd(params, spec.momentum(), spec.nesterov(), spec.weightDecay());
            case "adam" -> new Adam(params, spec.beta1(), spec.beta2(), spec.eps(), spec.weightDecay());
            default -> throw new ConfigException(Names.unknown("optimizer", spec.name(), NAMES));
        };
    }
}
