package prunebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
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
 * sub-manager so native memory is freed step by step.
 */
public final class Trainer {
    private final Network network;
    private final NDManager manager;
    private final BatchLoader train;
    private final BatchLoader test;
    private final long seed;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<TrainableParameter> parameters = new ArrayList<>();
    private final List<Penalty> penalties = new ArrayList<>();
    private Reparameterization reparameterization;
    private java.util.Map<ai.djl.nn.Parameter, String> reparameterized = java.util.Map.of();

    public Trainer(Network network, NDManager manager, BatchLoader train, BatchLoader test, long seed) {
        this.network = network;
        this.manager = manager;
        this.train = train;
        this.test = test;
        this.seed = seed;
        network.trainableParameters().forEach((n, p) -> parameters.add(new TrainableParameter(n, p)));
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Adds {@code penalty} to the loss of every step. */
    public Trainer addPenalty(Penalty penalty) {
        penalties.add(penalty);
        return this;
    }

    /**
     * Trains {@code r}'s auxiliary parameters with the network (call before {@link #newOptimizer}): the forward pass
     * sees its weights, the loss gets its term, and evaluation uses its deterministic weights.
     */
    public Trainer reparameterize(Reparameterization r) {
        reparameterization = r;
        parameters.addAll(r.parameters());
        reparameterized = new java.util.IdentityHashMap<>();
        for (String name : r.weights()) {
            reparameterized.put(network.allParameters().get(name), name);
        }
        return this;
    }

    /** The parameter store of a forward pass: the network's own weights, or their reparameterisation at a step. */
    ParameterStore store(NDManager scope, long step) {
        if (reparameterization == null) {
            return new ParameterStore(scope, false);
        }
        return new ReparameterizedStore(scope, step);
    }

    /**
     * The store of a reparameterised forward pass: its weights in place of the network's, and the layers' outputs
     * from {@link Reparameterization#output} for the layers that ask ({@link prunebench.model.Layers}).
     */
    private final class ReparameterizedStore extends ParameterStore implements prunebench.model.LayerOutputs {
        private final NDManager scope;
        private final long step;

        ReparameterizedStore(NDManager scope, long step) {
            super(scope, false);
            this.scope = scope;
            this.step = step;
        }

        @Override
        public NDArray getValue(ai.djl.nn.Parameter parameter, ai.djl.Device device, boolean training) {
            NDArray value = super.getValue(parameter, device, training);
            String name = reparameterized.get(parameter);
            return name == null ? value : reparameterization.weight(name, value, scope, step);
        }

        @Override
        public NDArray output(ai.djl.nn.Parameter weight, NDArray input, NDArray bias,
                prunebench.model.LayerProduct product, boolean training) {
            NDArray value = super.getValue(weight, input.getDevice(), training);
            String name = reparameterized.get(weight);
            return name == null ? product.apply(input, value, bias)
                    : reparameterization.output(name, input, value, bias, product, scope, step);
        }
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
        Step step = new Step(optimizer);
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
                    if (reparameterization != null) {
                        reparameterization.afterStep(epoch * steps + b, (long) schedule.epochs() * steps);
                    }
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
            Accuracy testAcc = reparameterization == null ? Evaluator.evaluate(network, test, manager)
                    : Evaluator.evaluate(network, test, manager, Evaluator.BATCH, scope -> store(scope, -1));
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

    /**
     * Accumulates the wall-clock and calling-thread CPU time of the {@link Step#PHASES} (for {@code scripts/bench}).
     * With one intra-op thread libtorch computes on the calling thread, so its CPU time is the phase's work even on
     * a loaded machine; with more threads only wall time covers the work.
     */
    public static final class PhaseClock {
        private final java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        public final long[] wallNanos = new long[Step.PHASES.length];
        public final long[] cpuNanos = new long[Step.PHASES.length];
        private long wall;
        private long cpu;

        void start() {
            wall = System.nanoTime();
            cpu = threads.getCurrentThreadCpuTime();
        }

        void lap(int phase) {
            long w = System.nanoTime();
            long c = threads.getCurrentThreadCpuTime();
            wallNanos[phase] += w - wall;
            cpuNanos[phase] += c - cpu;
            wall = w;
            cpu = c;
        }
    }

    /** A fresh {@link Step} of this trainer's network with {@code optimizer}. */
    public Step newStep(Optimizer optimizer) {
        JniUtils.setGradMode(false);
        return new Step(optimizer);
    }

    /**
     * The bare training step, shared by the training loop and {@code scripts/bench}'s {@code train_step} row:
     * forward and cross-entropy in the gradient collector, backward, then (in {@link #run}) the optimizer step and
     * zeroed gradients.
     */
    public final class Step {
        /** The phases {@link #run} times, in order. */
        public static final String[] PHASES = {"forward", "loss", "backward", "optimizer", "zero_grad"};
        private final Optimizer optimizer;

        private Step(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /**
         * Forward, loss and backward on a batch; returns {logits, loss} on {@code scope}. {@code clock}, when not
         * null, times the first three phases.
         */
        NDArray[] forwardBackward(NDManager scope, NDArray images, NDArray labels, PhaseClock clock) {
            return forwardBackward(scope, images, labels, clock, 0, 1);
        }

        /**
         * The same at training step {@code globalStep} of {@code totalSteps}: the forward pass sees the
         * reparameterised weights and the loss gets the penalties and the gates' term, if any; returns {logits,
         * cross-entropy, total loss}.
         */
        NDArray[] forwardBackward(NDManager scope, NDArray images, NDArray labels, PhaseClock clock, long globalStep,
                long totalSteps) {
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                if (clock != null) {
                    clock.start();
                }
                NDArray logits = network.block()
                        .forward(store(scope, globalStep), new NDList(images), true)
                        .singletonOrThrow();
                if (clock != null) {
                    clock.lap(0);
                }
                NDArray loss = CrossEntropy.loss(logits, labels);
                NDArray total = loss;
                for (Penalty p : penalties) {
                    total = total.add(p.value(scope, globalStep, totalSteps));
                }
                if (reparameterization != null) {
                    total = total.add(reparameterization.loss(scope, globalStep, totalSteps));
                }
                if (clock != null) {
                    clock.lap(1);
                }
                collector.backward(total);
                if (clock != null) {
                    clock.lap(2);
                }
                return new NDArray[] {logits, loss, total};
            }
        }

        /** One whole bare step with learning rate {@code lr}; {@code clock} (or null) times each phase. */
        public void run(NDManager scope, NDArray images, NDArray labels, double lr, PhaseClock clock) {
            forwardBackward(scope, images, labels, clock);
            optimizer.step(lr);
            if (clock != null) {
                clock.lap(3);
            }
            zeroGradients();
            if (clock != null) {
                clock.lap(4);
            }
        }

        void zeroGradients() {
            for (TrainableParameter p : parameters) {
                JniUtils.zeroGrad((PtNDArray) p.parameter().getArray());
            }
        }
    }
}
