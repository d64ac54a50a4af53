package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;

/**
 * The updater of {@link TaylorMolchanov2019}: after every optimizer step, the batch's gate gradients are added to
 * {@link GateScores}; after batch {@code frequency}, {@code 2 frequency}, ... (0-based steps, as the reference's
 * {@code niter % frequency == 0 and niter != 0}) the lowest {@code per_step} channels go, until the target is met.
 *
 * <p>The gate gradient needs the weights the batch's forward pass saw: dL/dgate = gamma dL/dgamma + beta dL/dbeta
 * (or sum w dL/dw + b dL/db) with gamma, beta before the optimizer step. The listener runs after the step, so the
 * values after the previous step (the same, masks applied) are kept: read when the updater is made and after each
 * step.
 */
final class TaylorDuringFinetune implements MaskUpdater {
    private final DynamicContext context;
    private final ChannelPruner pruner;
    private final List<ChannelGroup> groups;
    private final GateScores scores;
    private final int frequency;
    private final int perStep;
    private final boolean denseFirst;
    private final Map<String, float[]> before = new HashMap<>();
    private boolean done;
    private int updates;
    private long removed;
    private NDArray saved;

    TaylorDuringFinetune(DynamicContext context) {
        this.context = context;
        this.pruner = new ChannelPruner(context.network());
        this.groups = pruner.groups();
        StrategyOptions o = context.options();
        Map<String, Integer> channels = new LinkedHashMap<>();
        groups.forEach(g -> channels.put(g.name(), g.channels()));
        this.scores = new GateScores(channels, o.getDouble(TaylorMolchanov2019.MOMENTUM),
                o.getString(Taylor.NORMALIZE).equals("l2"));
        this.frequency = o.getInt(TaylorMolchanov2019.FREQUENCY);
        this.perStep = o.getInt(TaylorMolchanov2019.PER_STEP);
        this.denseFirst = o.has("dense_first_layer") && o.getBoolean("dense_first_layer");
        keepValues();
    }

    /** The parameters the gate gradients multiply, as they are now (the next forward pass's). */
    private void keepValues() {
        for (ChannelGroup g : groups) {
            for (String name : gateParameters(g)) {
                before.put(name, values(name));
            }
        }
    }

    private static List<String> gateParameters(ChannelGroup g) {
        if (g.norm() != null) {
            return List.of(g.norm().gamma(), g.norm().beta());
        }
        return g.bias() == null ? List.of(g.name()) : List.of(g.name(), g.bias());
    }

    private float[] values(String name) {
        return context.network().allParameters().get(name).getArray().toType(DataType.FLOAT32, false).toFloatArray();
    }

    private float[] gradient(String name) {
        try (NDArray g = context.network().allParameters().get(name).getArray().getGradient()) {
            return g.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /** dL/dgate of every channel of every group from this batch's gradients and the values before the step. */
    Map<String, double[]> gateGradients() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            double[] gate = new double[g.channels()];
            for (String name : gateParameters(g)) {
                double[] part = Taylor.rowSums(before.get(name), gradient(name), g.channels());
                for (int c = 0; c < gate.length; c++) {
                    gate[c] += part[c];
                }
            }
            out.put(g.name(), gate);
        }
        return out;
    }

    @Override
    public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
        if (done) {
            return;
        }
        scores.add(gateGradients());
        boolean last = globalStep == totalSteps - 1;
        if (globalStep % frequency == 0 && globalStep != 0 || last) {
            // at the last step, whatever the target still needs goes at once
            ChannelPruner.Removal r = pruner.removeLowest(scores.scores(), last ? Integer.MAX_VALUE : perStep,
                    context.masks(), context.options(), context.compression(), denseFirst);
            updates++;
            removed += r.removed();
            done = r.targetMet();
        }
        keepValues();
    }

    @Override
    public MaskUpdateStats stats() {
        return new MaskUpdateStats(updates, removed);
    }

    @Override
    public Map<String, NDArray> state() {
        if (saved != null) {
            saved.close();
        }
        double[] s = scores.state();
        double[] all = java.util.Arrays.copyOf(s, s.length + 1);
        all[s.length] = done ? 1 : 0;
        saved = context.masks().targets().get(0).array().getManager().create(all);
        return Map.of("taylor", saved);
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        NDArray a = state.get("taylor");
        if (a != null) {
            double[] all = a.toDoubleArray();
            scores.loadState(java.util.Arrays.copyOf(all, all.length - 1));
            done = all[all.length - 1] != 0;
        }
    }
}
