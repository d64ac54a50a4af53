package prunebench.run;

import ai.djl.Device;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.data.Normalization;
import prunebench.model.ModelFactory;
import prunebench.prune.StrategyRegistry;

/**
 * What every run of one process shares: the decoded dataset and its loaders on the run device, the model
 * architecture, the strategies, the results store and the progress display; {@code validation} is null when no
 * training examples are held out.
 */
record Workspace(ImageData data, BatchLoader train, BatchLoader trainPlain, BatchLoader test, ModelFactory model,
        StrategyRegistry strategies, Device device, ResultStore store, Progress progress, BatchLoader validation) {

    static Workspace create(ImageData data, boolean augment, Normalization normalization, ModelFactory model,
            StrategyRegistry strategies, Device device, ResultStore store, Progress progress) {
        return new Workspace(data, new BatchLoader(data, data.train(), augment, device, normalization),
                new BatchLoader(data, data.train(), false, device, normalization),
                new BatchLoader(data, data.test(), false, device, normalization),
                model, strategies, device, store, progress, data.validation() == null ? null
                        : new BatchLoader(data, data.validation(), false, device, normalization));
    }

    ai.djl.ndarray.types.Shape inputShape() {
        return new ai.djl.ndarray.types.Shape(data.channels(), data.height(), data.width());
    }
}
