package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;

/**
 * Network surgery's mask updater. Keeps the dense weights W and the masks T beside the network, whose weights are
 * W * T at rest. The trainer's masks stay all ones until the stage's last step (so that its optimizer step reaches
 * the pruned weights); then they become T, which the run records.
 */
final class Surgeon implements MaskUpdater {
    private final DynamicContext context;
    private final SurgerySchedule schedule;
    private final List<NDArray> dense = new ArrayList<>();
    private final List<NDArray> masks = new ArrayList<>();
    private double[] thresholds;
    private NDArray savedThresholds;
    private int updates;
    private long changed;

    Surgeon(DynamicContext context) {
        this.context = context;
        schedule = SurgerySchedule.of(context.options());
        List<float[]> weights = new ArrayList<>();
        for (PruningTarget t : context.targets()) {
            weights.add(t.array().toFloatArray());
        }
        thresholds = SurgeryThresholds.of(context, weights);
        for (int l = 0; l < weights.size(); l++) {
            PruningTarget t = context.targets().get(l);
            NDArray w = t.array().duplicate();
            w.detach();
            dense.add(w);
            float[] ones = new float[weights.get(l).length];
            Arrays.fill(ones, 1f);
            // iteration 0 always updates (probability 1), before the first forward pass
            NDArray m = manager().create(MaskSurgery.next(weights.get(l), ones, thresholds[l]), t.array().getShape());
            m.detach();
            masks.add(m);
            t.array().muli(m);
        }
    }

    private NDManager manager() {
        return context.targets().get(0).array().getManager();
    }

    double[] thresholds() {
        return thresholds.clone();
    }

    /** The current mask of target {@code l}. */
    float[] mask(int l) {
        return masks.get(l).toFloatArray();
    }

    /** Adds the weight decay the pruned entries miss: see {@link PrunedWeightDecay}. */
    @Override
    public void beforeOptimizerStep(int epoch, int step, int globalStep, int totalSteps) {
        double wd = context.optimizer() == null ? 0 : context.optimizer().weightDecay();
        if (wd == 0) {
            return;
        }
        PrunedWeightDecay.addToGradients(manager(), context.targets(), dense, masks, wd);
    }

    @Override
    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
        int done = globalStep + 1;
        boolean update = schedule.updatesAfter(done, totalSteps, context.seed());
        try (NDManager scope = manager().newSubManager()) {
            for (int l = 0; l < dense.size(); l++) {
                NDArray w = context.targets().get(l).array(); // W * T - lr * d: the step reached every weight
                NDArray t = masks.get(l);
                NDArray off = t.neg().addi(1);
                off.attach(scope);
                dense.get(l).muli(off).addi(w); // W_new = (W * T - lr * d) + W * (1 - T)
                if (update) {
                    changed += MaskSurgery.updateInPlace(scope, dense.get(l), t, thresholds[l]);
                }
                NDArray masked = dense.get(l).mul(t);
                masked.attach(scope);
                w.muli(0).addi(masked);
            }
        }
        if (update) {
            updates++;
        }
        if (done == totalSteps) { // the run's masks become T
            for (int l = 0; l < masks.size(); l++) {
                context.masks().get(context.targets().get(l).name()).set(masks.get(l).toFloatArray());
            }
            context.masks().apply();
        }
    }

    @Override
    public MaskUpdateStats stats() {
        return new MaskUpdateStats(updates, changed);
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int l = 0; l < dense.size(); l++) {
            String name = context.targets().get(l).name();
            out.put("dense/" + name, dense.get(l));
            out.put("mask/" + name, masks.get(l));
        }
        if (savedThresholds != null) {
            savedThresholds.close();
        }
        savedThresholds = manager().create(thresholds);
        savedThresholds.detach();
        out.put("thresholds", savedThresholds);
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        thresholds = state.get("thresholds").toDoubleArray();
        for (int l = 0; l < dense.size(); l++) {
            PruningTarget t = context.targets().get(l);
            dense.get(l).set(state.get("dense/" + t.name()).toFloatArray());
            masks.get(l).set(state.get("mask/" + t.name()).toFloatArray());
            NDArray masked = dense.get(l).mul(masks.get(l));
            t.array().muli(0).addi(masked);
            masked.close();
        }
    }
}
