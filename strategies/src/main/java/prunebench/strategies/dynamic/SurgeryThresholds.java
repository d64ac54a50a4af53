package prunebench.strategies.dynamic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.prune.DynamicContext;
import prunebench.prune.LayerDensities;
import prunebench.prune.StrategyOptions;

/**
 * Network surgery's threshold t = max(mu + c * sigma, 0) of each layer, mu and sigma the mean and standard deviation
 * of the layer's |w| at the first iteration (kept fixed), c given ({@code c_rate}, {@code layer_c_rate}) or solved
 * so that the first mask keeps the run's compression.
 */
final class SurgeryThresholds {
    private SurgeryThresholds() {
    }

    /** The threshold of each of the context's targets, whose weights are {@code weights}. */
    static double[] of(DynamicContext context, List<float[]> weights) {
        StrategyOptions o = context.options();
        List<double[]> moments = new ArrayList<>();
        for (float[] w : weights) {
            moments.add(moments(w));
        }
        double given = cRate(o);
        Map<String, Double> perLayer = layerCRates(o);
        // the reference's per-layer c_rate; layers not named take c_rate (NaN here)
        double[] fixed = LayerDensities.perTarget("layer_c_rate", perLayer, context.targets(), context.torchName(),
                "this network", false);
        double c = !Double.isNaN(given) ? given
                : solveC(weights, moments, fixed, context.keep() >= 0 ? context.keep()
                        : weights.stream().mapToLong(w -> w.length).sum());
        double[] thresholds = new double[weights.size()];
        for (int l = 0; l < weights.size(); l++) {
            thresholds[l] = threshold(moments.get(l), Double.isNaN(fixed[l]) ? c : fixed[l]);
        }
        return thresholds;
    }

    /** max(mu + c * sigma, 0) for {@code moments} = {mu, sigma}. */
    private static double threshold(double[] moments, double c) {
        return Math.max(moments[0] + c * moments[1], 0);
    }

    /**
     * The given c, or NaN for 'auto'. The option's default is the string 'auto', so the reader hands a number over as
     * its text ("4"): it is parsed here (an earlier version accepted only a Number and so refused every number).
     */
    static double cRate(StrategyOptions o) {
        Object c = o.raw("c_rate");
        if ("auto".equals(c)) {
            return Double.NaN;
        }
        try {
            double v = c instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(c).trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new ConfigException("c_rate must be 'auto' or a number, got '" + c + "'");
    }

    /**
     * The per-layer c of {@code layer_c_rate} ({@code {fc1: 4.75, fc2: 3.6}}; a layer as layers.csv names its tensor,
     * with or without {@code .weight}, matched to the targets by {@code LayerDensities.perTarget}), as the reference
     * sets {@code c_rate} in each layer's prototxt. Layers not listed take {@code c_rate}.
     */
    static Map<String, Double> layerCRates(StrategyOptions o) {
        Object raw = o.raw("layer_c_rate");
        Map<String, Double> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw new ConfigException("layer_c_rate must map layer names to numbers, e.g. {fc1: 4.5}, got '" + raw
                    + "'");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new ConfigException("layer_c_rate." + e.getKey() + " must be a finite number, got '"
                        + e.getValue() + "'");
            }
            out.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        return out;
    }

    /** mu and sigma of |w| over the nonzero entries (the reference's CCMomentCalc, population variance). */
    static double[] moments(float[] w) {
        double sum = 0;
        double squares = 0;
        long n = 0;
        for (float x : w) {
            if (x != 0) {
                sum += Math.abs(x);
                squares += (double) x * x;
                n++;
            }
        }
        if (n == 0) {
            return new double[] {0, 0};
        }
        double mu = sum / n;
        return new double[] {mu, Math.sqrt(Math.max(0, squares / n - mu * mu))};
    }

    /**
     * The c that makes the first surgery of all-ones masks keep at most {@code keep} entries: the smallest c (to
     * 1e-6) whose thresholds leave no more than {@code keep} weights with |w| &gt; 0.9 max(mu + c sigma, 0).
     */
    static double solveC(List<float[]> weights, List<double[]> moments, long keep) {
        double[] free = new double[weights.size()];
        Arrays.fill(free, Double.NaN);
        return solveC(weights, moments, free, keep);
    }

    /** As {@link #solveC(List, List, long)}, with the layers whose {@code fixed} c is not NaN held at it. */
    static double solveC(List<float[]> weights, List<double[]> moments, double[] fixed, long keep) {
        double lo = -100;
        double hi = 100;
        if (kept(weights, moments, fixed, hi) > keep) {
            return hi;
        }
        for (int k = 0; k < 100 && hi - lo > 1e-6; k++) {
            double mid = (lo + hi) / 2;
            if (kept(weights, moments, fixed, mid) > keep) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static long kept(List<float[]> weights, List<double[]> moments, double[] fixed, double c) {
        long n = 0;
        for (int l = 0; l < weights.size(); l++) {
            double a = MaskSurgery.PRUNE_BELOW * threshold(moments.get(l), Double.isNaN(fixed[l]) ? c : fixed[l]);
            for (float x : weights.get(l)) {
                n += Math.abs(x) > a ? 1 : 0;
            }
        }
        return n;
    }
}
