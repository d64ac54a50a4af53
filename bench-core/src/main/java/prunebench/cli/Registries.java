package prunebench.cli;

import prunebench.data.DatasetRegistry;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;

/** The models, datasets and strategies one command sees: the built-in ones and those of its plug-ins. */
record Registries(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies, Plugins plugins) {
}
