package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.model.Network;
import prunebench.prune.MaskSet;

/**
 * The training loop of one stage. Per step: forward and backward inside the gradient collector, then the optimizer
 * step (unless a listener takes the step over), then the masks are re-applied (outside the collector: momentum would
 * otherwise revive pruned weights), then listeners, then gradients are zeroed. Every batch lives in its own
 * sub-manager so native memory is freed step by step. The forward and backward pass is a {@link TrainingStep} of the
 * trainer's {@link Objective} (network, reparameterisation and loss terms); this class owns the epochs, the data order,
 * the masks, the listeners and the epoch records.
 */
public final class Trainer {
    private final Network network;
    private final NDManager manager;
    private final BatchLoader train;
    private final BatchLoader test;
    private final long seed;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<TrainableParameter> parameters = new ArrayList<>();
    private final Objective objective;

    public Trainer(Network network, NDManager manager, BatchLoader train, BatchLoader test, long seed) {
        this.network = network;
        this.manager = manager;
        this.train = train;
        this.test = test;
        this.seed = seed;
        this.objective = new Objective(network);
        network.trainableParameters().forEach((n, p) -> parameters.add(new TrainableParameter(n, p)));
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Adds {@code penalty} to the loss of every step. */
    public Trainer addPenalty(Penalty penalty) {
        objective.addPenalty(penalty);
        return this;
    }

    /**
     * Trains {@code r}'s auxiliary parameters with the network (call before {@link #newOptimizer}): the forward pass
     * sees its weights, the loss gets its term, and evaluation uses its deterministic weights.
     */
    public Trainer reparameterize(Reparameterization r) {
        objective.reparameterize(r);
        parameters.addAll(r.parameters());
        return this;
    }

    /** The parameter store of a forward pass: the network's own weights, or their reparameterisation at a step. */
    ParameterStore store(NDManager scope, long step) {
        return objective.store(scope, step);
    }

    public List<TrainableParameter> parameters() {
        return parameters;
    }

    /** A fresh optimizer for this network's trainable parameters. */
    public Optimizer newOptimizer(TrainSchedule schedule) {
        return Optimizers.create(schedule.optimizer(), parameters);
    }

    /**
     * Trains epochs {@code startEpoch..schedule.epochs()-1} (0-based) of a stage.
     *
     * @param stage label for the epoch log
     * @param masks masks to keep applied, or null for dense training
     */
    public List<EpochRecord> train(String stage, TrainSchedule schedule, Optimizer optimizer, MaskSet masks,
            int startEpoch) {
        int steps = train.batchesPerEpoch(schedule.batchSize());
        return train(stage, schedule, optimizer, masks, startEpoch * steps, schedule.epochs() * steps);
    }

    /** Optimizer steps in one epoch of {@code schedule}. */
    public int stepsPerEpoch(TrainSchedule schedule) {
        return train.batchesPerEpoch(schedule.batchSize());
    }

    /**
     * Trains the optimizer steps {@code fromStep..toStep-1} (0-based, counted over the whole schedule, whose
     * learning rate and data order they follow), e.g. from a rewinding point, or up to one. An epoch's record
     * (evaluation, listeners) follows its last step, or the last step trained when {@code toStep} ends mid-epoch.
     *
     * @param stage label for the epoch log
     * @param masks masks to keep applied, or null for dense training
     */
    public List<EpochRecord> train(String stage, TrainSchedule schedule, Optimizer optimizer, MaskSet masks,
            int fromStep, int toStep) {
        // libtorch's grad mode is per thread and only the engine's first thread starts with it off; the optimizer
        // and the masks update leaf tensors in place, which autograd forbids while it records.
        JniUtils.setGradMode(false);
        int steps = train.batchesPerEpoch(schedule.batchSize());
        LrSchedule lrs = new LrSchedule(schedule.lrSchedule(), schedule.optimizer().lr(), schedule.epochs(), steps);
        List<EpochRecord> records = new ArrayList<>();
        TrainingStep step = new TrainingStep(manager, objective, parameters, optimizer);
        for (int epoch = fromStep / steps; epoch * steps < toStep; epoch++) {
            long start = System.nanoTime();
            int[] order = train.order(seed, epoch, true);
            Random augmentation = train.augmentation(seed, epoch);
            double lossSum = 0;
            Accuracy trainAcc = new Accuracy();
            double lr = 0;
            int last = Math.min(steps, toStep - epoch * steps);
            for (int b = Math.max(0, fromStep - epoch * steps); b < last; b++) {
                lr = lrs.at(epoch, b);
                try (NDManager scope = manager.newSubManager()) {
                    BatchLoader.Batch batch = train.batch(scope, order, b, schedule.batchSize(), augmentation);
                    long globalStep = (long) epoch * steps + b;
                    NDArray[] logitsAndLoss = step.forwardBackward(scope, batch.images(), batch.labels(), null,
                            globalStep, (long) schedule.epochs() * steps);
                    // the log keeps the cross-entropy (the penalty only steers), unless the total is not finite
                    float loss = Float.isFinite(logitsAndLoss[2].getFloat()) ? logitsAndLoss[1].getFloat()
                            : logitsAndLoss[2].getFloat();
                    trainAcc.add(logitsAndLoss[0].toType(DataType.FLOAT32, false).toFloatArray(),
                            batch.labels().toLongArray(), network.numClasses());
                    DivergenceException.check(loss, network.numClasses(), stage + " epoch " + (epoch + 1)
                            + " step " + (b + 1), lr);
                    lossSum += (double) loss * batch.size();
                    if (!replacedByListener(epoch * steps + b, schedule.epochs() * steps)) {
                        for (TrainingListener l : listeners) {
                            l.beforeOptimizerStep(epoch, b, epoch * steps + b, schedule.epochs() * steps);
                        }
                        optimizer.step(lr);
                    }
                    if (masks != null) {
                        masks.apply();
                    }
                    objective.afterStep(epoch * steps + b, (long) schedule.epochs() * steps);
                    for (TrainingListener l : listeners) {
                        l.afterStep(epoch, b, epoch * steps + b, schedule.epochs() * steps);
                    }
                    step.zeroGradients();
                }
                if (b + 1 < steps) { // every batch (a display, --verbose); the epoch's end has its own record
                    for (TrainingListener l : listeners) {
                        l.progress(epoch, b + 1, steps, lossSum / trainAcc.examples(), trainAcc.top1());
                    }
                }
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            Accuracy testAcc = objective.evaluate(test, manager);
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochRecord record = new EpochRecord(stage, epoch + 1, lr, lossSum / trainAcc.examples(), trainAcc.top1(),
                    testAcc.top1(), testAcc.top5(), seconds, trainAcc.examples() / trainSeconds);
            records.add(record);
            for (TrainingListener l : listeners) {
                l.afterEpoch(record);
            }
        }
        return records;
    }

    private boolean replacedByListener(int globalStep, int totalSteps) {
        boolean replaced = false;
        for (TrainingListener l : listeners) {
            replaced |= l.replacesOptimizerStep(globalStep, totalSteps);
        }
        return replaced;
    }

    /** A fresh {@link TrainingStep} of this trainer's network with {@code optimizer}. */
    public TrainingStep newStep(Optimizer optimizer) {
        JniUtils.setGradMode(false);
        return new TrainingStep(manager, objective, parameters, optimizer);
    }
}
