package prunebench.strategies.structured;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;

/**
 * He, Zhang and Sun (2017), "Channel Pruning for Accelerating Very Deep Neural Networks" (authors' code:
 * yihui-he/channel-pruning, {@code lib/decompose.py: dictionary}, {@code lib/net.py: R3}). The channels of a layer
 * are the input channels of the layers that read them (its consumers); with Z_i the contribution of input channel i
 * to a consumer's output (its patches times the consumer's filters for that channel) and Y the output (bias
 * removed), the LASSO {@code min (1/2m) ||Y - sum_i beta_i Z_i||^2 + alpha ||beta||_1} ({@link Lasso}) is solved for
 * increasing alpha; the channels kept are those whose beta survives the largest alpha (the code's search: raise
 * alpha until ||beta||_0 <= c'). Then every consumer's weights and bias are set to the least-squares fit of its
 * original output from the kept channels of the pruned network ({@link NormalEquations}), layer after layer in
 * network order, each fit seeing the inputs the earlier reconstructions produce (the code's sequential form: the
 * target from the original network, the inputs from the pruned one).
 *
 * <p>Samples: {@code samples} training images (the paper's 5000), {@code positions} random output positions each
 * for a convolution (10; one row per image for a Linear layer) for the least squares; the LASSO, as in the code, on
 * {@code lasso_rows} rows (400: here the first 400 images, one random position each). The path: {@code alphas}
 * values (100) from the alpha that zeroes every beta down to {@code alpha_ratio} (1e-4) times it.
 *
 * <p>What is simplified: the channel choice of every layer is made in one pass on the network before the round
 * (the paper chooses layer by layer, each LASSO on the already pruned predecessors' features); the count kept per
 * layer comes from the run's budget and distribution (default the same fraction per layer, as {@code l1_filter};
 * the paper hand-sets c' per layer, 2x-4x for VGG-16); the path ranks channels once, so with a path that is not
 * monotone (a channel leaving and re-entering) the top c' can differ from the support at the alpha with exactly c'
 * nonzero; the LASSO has no intercept (the code's scikit-learn Lasso fits one) and beta is not positive-constrained
 * (neither is the code's). The paper's alternation of the two steps (the code's {@code dic.alter}, off by default)
 * is not done: one LASSO, then one least squares, as the paper's "in practice" and the code's default.
 *
 * <p>This class holds the options and the two steps' order; the sampling pass is {@link PatchSampler}, the LASSO's
 * Gram form {@link LassoGram}, the least-squares refit {@link LeastSquaresReconstruction}.
 */
public final class ChannelPruning implements StructuredStrategy {
    static final String SAMPLES = "samples";
    static final String POSITIONS = "positions";
    static final String LASSO_ROWS = "lasso_rows";
    static final String ALPHAS = "alphas";
    static final String ALPHA_RATIO = "alpha_ratio";
    static final String RECONSTRUCT = "reconstruct";
    static final String RIDGE = "ridge";

    @Override
    public String name() {
        return "channel_pruning";
    }

    @Override
    public String description() {
        return "input channels of each layer chosen by LASSO on its output, then its weights refit by least squares "
                + "(He et al. 2017)";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(SAMPLES, 5000);
        d.put(POSITIONS, 10);
        d.put(LASSO_ROWS, 400);
        d.put(ALPHAS, 100);
        d.put(ALPHA_RATIO, 1e-4);
        d.put(RECONSTRUCT, true);
        d.put(RIDGE, 1e-6);
        return Map.copyOf(d);
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        for (String key : List.of(SAMPLES, POSITIONS, LASSO_ROWS)) {
            if (options.getInt(key) < 1) {
                throw new ConfigException(key + " must be >= 1, got " + options.getInt(key));
            }
        }
        if (options.getInt(ALPHAS) < 2) {
            throw new ConfigException(ALPHAS + " must be >= 2 (the path's values of alpha), got "
                    + options.getInt(ALPHAS));
        }
        double ratio = options.getDouble(ALPHA_RATIO);
        if (!(ratio > 0 && ratio < 1)) {
            throw new ConfigException(ALPHA_RATIO + " must be in (0, 1) (smallest alpha over largest), got " + ratio);
        }
        double ridge = options.getDouble(RIDGE);
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new ConfigException(RIDGE + " must be >= 0, got " + ridge);
        }
        options.getBoolean(RECONSTRUCT);
    }

    @Override
    public void checkNetwork(Network network, List<ChannelGroup> groups) {
        for (ChannelGroup g : groups) {
            for (ChannelGroup.Consumer c : g.consumers()) {
                if (c.layer().weightShape().get(1) != (long) g.channels() * c.factor()) {
                    throw new ConfigException("channel_pruning: " + c.layer().name() + " reads more than the "
                            + "channels of " + g.name() + " (grouped convolution or concatenation): not supported");
                }
            }
        }
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        StrategyOptions o = context.options();
        List<PrunableLayer> consumers = consumers(context.network(), groups);
        PatchSampler sampler = new PatchSampler(context, consumers, o.getInt(LASSO_ROWS), 1,
                context.random("lasso"));
        int groupCount = groups.size();
        double[][][] gram = new double[groupCount][][];
        double[][] xty = new double[groupCount][];
        double[] m = new double[groupCount];
        for (int g = 0; g < groupCount; g++) {
            int c = groups.get(g).channels();
            gram[g] = new double[c][c];
            xty[g] = new double[c];
        }
        sampler.run(null, (scope, rows) -> {
            for (int g = 0; g < groupCount; g++) {
                ChannelGroup group = groups.get(g);
                for (ChannelGroup.Consumer c : group.consumers()) {
                    SampledRows r = rows.get(consumers.indexOf(c.layer()));
                    m[g] += LassoGram.contributions(scope, r, c.layer().weight().getArray(), group.channels(),
                            gram[g], xty[g]);
                }
            }
        });
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int g = 0; g < groupCount; g++) {
            double[] s = Lasso.pathScores(gram[g], xty[g], m[g], o.getInt(ALPHAS), o.getDouble(ALPHA_RATIO));
            float[] f = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                f[i] = (float) s[i];
            }
            out.put(groups.get(g).name(), f);
        }
        return out;
    }

    @Override
    public void afterSelection(PruningContext context, List<ChannelGroup> groups, MaskSet masks) {
        StrategyOptions o = context.options();
        if (!o.getBoolean(RECONSTRUCT)) {
            return;
        }
        LeastSquaresReconstruction.reconstruct(context, consumers(context.network(), groups), masks);
    }

    /** The layers reading the groups' channels, in the network's layer order, each once. */
    static List<PrunableLayer> consumers(Network network, List<ChannelGroup> groups) {
        List<String> names = new ArrayList<>();
        groups.forEach(g -> g.consumers().forEach(c -> names.add(c.layer().name())));
        List<PrunableLayer> out = new ArrayList<>();
        for (PrunableLayer l : network.layers()) {
            if (names.contains(l.name())) {
                out.add(l);
            }
        }
        return out;
    }
}
