package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.GateContext;

/**
 * Continuous sparsification's soft masks (Savarese, Silva &amp; Maire 2020, as lolemacs/continuous-sparsification's
 * {@code SoftMaskedConv2d} and {@code main.py}): one mask parameter s per weight, initialised to s0; the forward pass
 * sees w * sigmoid(beta s) / sigmoid(s0) (evaluation too, at the last step's beta); the loss adds lambda x the sum of those mask entries. Each round lasts
 * {@code epochsPerRound} epochs and beta rises per epoch from 1 to {@code finalTemp} (beta = finalTemp^(e / (E -
 * 1)) at epoch e of E); between rounds s becomes min(beta s, s0) and beta restarts at 1, and the weights are
 * rewound to the start of epoch {@code rewindEpoch} of the first round (the paper's Algorithm; the reference's
 * {@code main.py} rewinds only before the final ticket is trained). At the end the weights are rewound the same way
 * and scaled by 1 / sigmoid(s0), the ticket's weights in the reference's {@code compute_mask(ticket=True)}; the
 * scores are s (the reference keeps s &gt; 0).
 */
final class SoftMaskGates extends WeightGates {
    private final double s0;
    private final double finalTemp;
    private final double lambda;
    private final int rounds;
    private final boolean perStep;
    private final long roundSteps;
    private final long rewindStep;
    private final Map<String, NDArray> rewind = new LinkedHashMap<>();
    /** The last training step taken, for the evaluation's temperature. */
    private long lastStep;

    SoftMaskGates(GateContext context, double s0, double finalTemp, double lambda, int rounds, int rewindEpoch,
            boolean perStep) {
        super(context, "mask", r -> s0);
        this.perStep = perStep;
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
        return Activation.sigmoid(in(scope, aux(name)).mul(beta)).mul(scaling());
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
        return total.mul((float) lambda);
    }

    @Override
    public void afterStep(long step, long totalSteps) {
        lastStep = step;
        long done = step + 1;
        if (done == rewindStep && rewind.isEmpty()) {
            capture();
        }
        if (done % roundSteps == 0 && done / roundSteps < rounds && done < totalSteps) {
            double beta = temperature(step);
            for (String name : aux.keySet()) { // s <- min(beta s, s0)
                NDArray s = aux(name);
                try (NDManager scope = context.manager().newSubManager()) {
                    s.set(in(scope, s).mul(beta).minimum(s0).toByteBuffer());
                }
            }
            rewindWeights();
        }
    }

    private void capture() {
        for (String name : aux.keySet()) {
            NDArray c = weight(name).duplicate();
            c.attach(context.manager());
            rewind.put(name, c);
        }
    }

    private void rewindWeights() {
        rewind.forEach((name, w) -> weight(name).set(w.toByteBuffer()));
    }

    @Override
    public Map<String, NDArray> scores(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        aux.keySet().forEach(n -> out.put(n, copy(manager, aux(n))));
        return out;
    }

    /** The ticket's weights: rewound, times 1 / sigmoid(s0). */
    @Override
    public void fold() {
        if (!rewind.isEmpty()) {
            rewindWeights();
        }
        for (String name : aux.keySet()) {
            NDArray w = weight(name);
            try (NDManager scope = context.manager().newSubManager()) {
                w.set(in(scope, w).mul(scaling()).toByteBuffer());
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
