package prunebench.strategies.init;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;
import prunebench.train.CrossEntropy;

/**
 * GraSP (Wang et al. 2020): with L the cross-entropy of logits / T summed over a few batches, g = dL/dw (no
 * graph) and H the Hessian of L, the paper removes the weights of highest -(Hg) * w, so that the gradient norm
 * after pruning stays large; keeping the highest (Hg) * w is the same rule (Synaptic-Flow's {@code GraSP} scores
 * {@code p.grad * p.data} after the backward of g . grad L). Hg is exact: a double backward through the
 * gradient's graph. Hg and g are restricted to the prunable tensors, the other parameters being constants.
 *
 * <p>Scoring data and mode follow the authors' code (alecwangcq/GraSP): {@code GraSP_fetch_data} takes
 * {@code samples_per_class} examples of every class from the shuffled training loader (10 in its CIFAR configs), and
 * the network scores in training mode (the {@code .eval()} in {@code GraSP()} is commented out; Synaptic-Flow scores
 * in evaluation mode). The reference splits the sample into two halves grouped by class (classes 0-4, then 5-9) for
 * its two forward passes; here the sample keeps its shuffled order in batches of the run's batch size, so that
 * BatchNorm's batch statistics see every class.
 */
public final class Grasp implements PruningStrategy {
    @Override
    public String name() {
        return "grasp";
    }

    @Override
    public String description() {
        return "GraSP: keep the highest (Hg) * w, preserving gradient flow (Wang et al. 2020), at init";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of(ScoringData.KEY, ScoringData.AUTO, ScoringData.SAMPLES_PER_CLASS,
                ScoringData.EXAMPLES_PER_CLASS, "temperature", 200, "train_mode", true);
    }

    @Override
    public void validate(StrategyOptions options) {
        ScoringData.validate(options);
        double temperature = options.getDouble("temperature");
        if (!(temperature > 0)) { // the logits are divided by it
            throw new ConfigException("parameter 'temperature' must be positive, got " + temperature);
        }
    }

    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        Map<String, NDArray> hg = hessianGradient(context);
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            try (NDArray product = hg.get(t.name())) {
                NDArray s = product.mul(t.array());
                s.attach(context.manager());
                scores.put(t.name(), s);
            }
        }
        return scores;
    }

    /** H g for every target, H and g of the summed temperature-scaled loss, on the context's manager. */
    static Map<String, NDArray> hessianGradient(PruningContext context) {
        double temperature = context.options().getDouble("temperature");
        if (!(temperature > 0)) {
            throw new ConfigException("strategy '" + context.options().strategy()
                    + "': parameter 'temperature' must be positive, got " + temperature);
        }
        boolean train = context.options().getBoolean("train_mode");
        NDManager manager = context.manager();
        ShadowStore store = new ShadowStore(context.network(), manager, DataType.FLOAT32, false);
        Map<String, NDArray> leaves = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            leaves.put(t.name(), store.track(t.parameter()));
        }
        List<BatchLoader.Batch> batches = ScoringData.batches(context);

        // g: backward accumulates the batches' gradients into the leaves.
        for (BatchLoader.Batch batch : batches) {
            try (NDManager step = manager.newSubManager()) {
                batch.images().tempAttach(step);
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    collector.backward(loss(store, batch, temperature, train));
                }
            }
        }
        Map<String, NDArray> g = new LinkedHashMap<>();
        leaves.forEach((name, w) -> {
            try (NDArray grad = w.getGradient()) {
                g.put(name, grad.duplicate());
            }
            JniUtils.zeroGrad((PtNDArray) w);
        });
        stopIfNonFinite(context, g, "g, the loss's gradient (first backward)", batches.size());

        // Hg = d/dw (g . dL_b/dw) summed over batches, by double backward. Two things about .grad: (1) the second
        // backward adds Hg onto the dL_b/dw already there, and subtracting it afterwards would cancel
        // catastrophically (|Hg| << |dL_b/dw| at T = 200), so it is zeroed in place first: z needs only the graph of
        // dL_b/dw, not its values (g requires no gradient, so the product saved g alone); (2) a .grad made with
        // createGraph keeps its graph, so each batch scores fresh leaves. DJL can neither reset .grad to None nor
        // call autograd.grad, so each batch leaves a leaf -> .grad -> graph -> leaf reference cycle that libtorch
        // never frees (PyTorch's create_graph warning). The saved activations are released by the second backward;
        // what stays is small, but it fragments glibc's heap: on ResNet-20, batch 128, resident memory grows about
        // 200 MB per call (MALLOC_MMAP_THRESHOLD_=1048576 keeps it flat, at a large cost in speed).
        Map<String, NDArray> hg = new LinkedHashMap<>();
        leaves.forEach((name, w) -> hg.put(name, w.zerosLike()));
        for (BatchLoader.Batch batch : batches) {
            try (NDManager step = manager.newSubManager()) {
                batch.images().tempAttach(step);
                Map<String, NDArray> fresh = new LinkedHashMap<>();
                for (PruningTarget t : context.targets()) {
                    fresh.put(t.name(), store.trackFresh(t.parameter()));
                }
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    NDArray l = loss(store, batch, temperature, train);
                    JniUtils.backward((PtNDArray) l, (PtNDArray) l.onesLike(), true, true);
                    NDArray z = null;
                    for (Map.Entry<String, NDArray> e : fresh.entrySet()) {
                        NDArray grad = e.getValue().getGradient();
                        grad.attach(step);
                        NDArray term = grad.mul(g.get(e.getKey())).sum();
                        z = z == null ? term : z.add(term);
                    }
                    fresh.values().forEach(w -> JniUtils.zeroGrad((PtNDArray) w));
                    JniUtils.backward((PtNDArray) z, (PtNDArray) z.onesLike(), false, false);
                }
                fresh.forEach((name, w) -> {
                    try (NDArray grad = w.getGradient()) {
                        hg.get(name).addi(grad);
                    }
                });
            }
        }
        g.values().forEach(NDArray::close);
        stopIfNonFinite(context, hg, "Hg, the double backward (g was finite)", batches.size());
        return hg;
    }

    /**
     * Stops, naming the pass, if any entry of {@code values} is NaN or infinite: GraSP's scores once came out NaN on
     * 18 whole kernels of one layer in one CI run and not on its rerun (issue 26's notes), so the message says which
     * of the two passes produced them.
     */
    private static void stopIfNonFinite(PruningContext context, Map<String, NDArray> values, String pass,
            int batches) {
        StringBuilder where = new StringBuilder();
        for (Map.Entry<String, NDArray> e : values.entrySet()) {
            float[] v = e.getValue().toFloatArray();
            long bad = 0;
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    bad++;
                }
            }
            if (bad > 0) {
                where.append(where.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(bad)
                        .append(" of ").append(v.length);
            }
        }
        if (where.length() > 0) {
            throw new IllegalStateException("strategy '" + context.options().strategy() + "' returned non-finite "
                    + "scores for " + where + " entries non-finite in " + pass + ", over " + batches
                    + " scoring batch(es)");
        }
    }

    private static NDArray loss(ShadowStore store, BatchLoader.Batch batch, double temperature, boolean train) {
        return CrossEntropy.loss(store.forward(batch.images(), train), batch.labels(), temperature);
    }
}
