package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.GateContext;
import prunebench.train.GraphScalars;

/**
 * Continuous sparsification's soft masks, as lolemacs/continuous-sparsification's {@code models/layers.py}
 * ({@code SoftMaskedConv2d}), {@code models/networks.py} ({@code MaskedNet}) and {@code main.py}: one mask parameter
 * s per weight, initialised to s0; the forward pass sees w * sigmoid(beta s) / sigmoid(s0) (evaluation too, at the
 * last step's beta); the loss adds lambda x the sum of those mask entries. Each round lasts {@code epochsPerRound}
 * epochs and beta rises per epoch from 1 to {@code finalTemp} (beta = finalTemp^(e / (E - 1)) at epoch e of E, the
 * reference's {@code temp *= temp_increase} at every epoch after the first).
 *
 * <p>Between rounds {@code main.py} sets {@code model.temp = 1} and then calls {@code model.prune()}, which clamps
 * {@code temp * mask_weight} at s0: s becomes min(s, s0), not min(beta s, s0) with the round's final beta (what this
 * class did before, following the paper's description). The weights are not rewound between rounds there: each round
 * goes on from the last one's weights (with its learning-rate schedule restarted there; here the learning stage's
 * one schedule runs across the rounds). {@code rewindRounds} rewinds between rounds as well, this class's former
 * default.
 *
 * <p>The rewinding point is the start of epoch {@code rewindEpoch} of the first round ({@code main.py}'s
 * {@code model.checkpoint()}), or the round's last epoch when the round is shorter (the reference would never
 * checkpoint then). What is kept and restored is the network's whole state, as {@code MaskedNet.checkpoint} /
 * {@code rewind_weights} deep-copy and reload the {@code state_dict} of every Conv2d, BatchNorm2d and Linear: the
 * gated weights, the biases and the ungated layers, BatchNorm's scale and shift and its running mean and variance;
 * not the mask parameters. At the end ({@link #fold}) the network is rewound and the gated weights scaled by
 * 1 / sigmoid(s0), the ticket's weights in the reference's {@code compute_mask(ticket=True)}; the scores are s (the
 * reference keeps s &gt; 0). The reference's ticket goes on training w under w x H(s) / sigmoid(s0), which moves the
 * effective weight by 1 / sigmoid(s0)^2 times the gradient step; the folded ticket here trains with the run's
 * optimizer as any other. The masks take no weight decay ({@code main.py}'s {@code mask_optim} has none).
 */
final class SoftMaskGates extends WeightGates {
    private final double s0;
    private final double finalTemp;
    private final double lambda;
    private final int rounds;
    private final boolean perStep;
    private final boolean rewindRounds;
    private final long roundSteps;
    private final long rewindStep;
    /** The network's state at the rewinding point, by parameter name (running statistics included). */
    private final Map<String, NDArray> rewind = new LinkedHashMap<>();
    /** The last training step taken, for the evaluation's temperature. */
    private long lastStep;

    SoftMaskGates(GateContext context, double s0, double finalTemp, double lambda, int rounds, int rewindEpoch,
            boolean perStep, boolean rewindRounds) {
        super(context, "mask", r -> s0);
        this.perStep = perStep;
        this.rewindRounds = rewindRounds;
        this.s0 = s0;
        this.finalTemp = finalTemp;
        this.lambda = lambda;
        this.rounds = rounds;
        long perRound = Math.max(1, context.epochs() / rounds);
        this.roundSteps = perRound * context.stepsPerEpoch();
        this.rewindStep = Math.min(rewindEpoch, perRound - 1) * context.stepsPerEpoch();
        if (rewindStep == 0) {
            capture();
        }
    }

    /** 1 / sigmoid(s0): the reference's scaling, so that the initial mask is 1. */
    double scaling() {
        return 1 + Math.exp(-s0);
    }

    /**
     * beta at training step {@code step}: finalTemp^(e / (E - 1)) at epoch e of a round of E epochs, or, annealed per
     * step, finalTemp^(t / (T - 1)) at step t of a round of T steps.
     */
    double temperature(long step) {
        if (perStep) {
            return roundSteps <= 1 ? 1 : Math.pow(finalTemp, (double) (step % roundSteps) / (roundSteps - 1));
        }
        long epochs = roundSteps / context.stepsPerEpoch();
        long epoch = (step % roundSteps) / context.stepsPerEpoch();
        return epochs <= 1 ? 1 : Math.pow(finalTemp, (double) epoch / (epochs - 1));
    }

    private NDArray soft(NDManager scope, String name, double beta) {
        return GraphScalars.times(scope, Activation.sigmoid(GraphScalars.times(scope, in(scope, aux(name)), beta)),
                scaling());
    }

    @Override
    protected boolean decayed() {
        return false;
    }

    @Override
    public NDArray weight(String name, NDArray w, NDManager scope, long step) {
        // evaluation, as the reference's test(): the soft mask at the temperature of the last step
        return soft(scope, name, temperature(step < 0 ? lastStep : step)).mul(w);
    }

    @Override
    public NDArray loss(NDManager scope, long step, long totalSteps) {
        NDArray total = scope.zeros(new Shape());
        double beta = temperature(step);
        for (String name : aux.keySet()) {
            total = total.add(soft(scope, name, beta).sum());
        }
        return GraphScalars.times(scope, total, lambda);
    }

    @Override
    public void afterStep(long step, long totalSteps) {
        lastStep = step;
        long done = step + 1;
        if (done == rewindStep && rewind.isEmpty()) {
            capture();
        }
        if (done % roundSteps == 0 && done / roundSteps < rounds && done < totalSteps) {
            // main.py: model.temp = 1, then model.prune(): mask_weight <- clamp(1 * mask_weight, max=s0)
            for (String name : aux.keySet()) {
                prunebench.train.InPlace.atMost(aux(name), s0);
            }
            if (rewindRounds) {
                rewindNetwork();
            }
        }
    }

    /** main.py's model.checkpoint(): a copy of every network tensor, running statistics included. */
    private void capture() {
        context.network().allParameters().forEach((name, p) -> {
            NDArray c = p.getArray().duplicate();
            c.attach(context.manager());
            rewind.put(name, c);
        });
    }

    /** main.py's model.rewind_weights(): every network tensor back to the rewinding point. */
    private void rewindNetwork() {
        Map<String, ai.djl.nn.Parameter> network = context.network().allParameters();
        rewind.forEach((name, w) -> network.get(name).getArray().set(w.toByteBuffer()));
    }

    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        return auxiliaryCopies(manager);
    }

    /** The reference's rule (compute_mask(ticket=True)): a weight stays where s &gt; 0. */
    @Override
    public Map<String, NDArray> ownKeep(NDManager manager) {
        return positiveAuxiliaries(manager);
    }

    /** The ticket's weights: the network rewound, the gated weights times 1 / sigmoid(s0). */
    @Override
    public void fold() {
        if (!rewind.isEmpty()) {
            rewindNetwork();
        }
        for (String name : aux.keySet()) {
            NDArray w = weight(name);
            try (NDManager scope = context.manager().newSubManager()) {
                prunebench.train.InPlace.assign(w, in(scope, w).mul(scaling()));
            }
        }
        rewind.values().forEach(NDArray::close);
        rewind.clear();
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = super.state();
        rewind.forEach((n, w) -> out.put("rewind:" + n, w));
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        super.loadState(state);
        state.forEach((k, v) -> {
            if (k.startsWith("rewind:")) {
                NDArray c = v.duplicate();
                c.attach(context.manager());
                NDArray old = rewind.put(k.substring("rewind:".length()), c);
                if (old != null) {
                    old.close();
                }
            }
        });
    }
}
