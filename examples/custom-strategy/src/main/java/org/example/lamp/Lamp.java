package org.example.lamp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;

/**
 * LAMP, layer-adaptive magnitude-based pruning (Lee et al., ICLR 2021): within each tensor, a weight's score is its
 * squared magnitude over the sum of the squared magnitudes of itself and every larger weight of that tensor; one
 * global ranking of these scores then decides, so each layer keeps at least its largest weight and the layer
 * sparsities follow from the weights alone. As the authors' code (jaeho-lee/layer-adaptive-sparsity,
 * {@code _normalize_scores}): ties are ordered by the sort.
 */
public final class Lamp implements PruningStrategy {
    @Override
    public String name() {
        return "lamp";
    }

    @Override
    public String description() {
        return "w^2 / sum of the squares of the larger weights of its layer, one ranking across layers (Lee et al. 2021)";
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            float[] w;
            try (NDArray f = t.array().toType(DataType.FLOAT32, true)) {
                w = f.toFloatArray();
            }
            double[] sq = new double[w.length];
            Integer[] order = new Integer[w.length];
            for (int i = 0; i < w.length; i++) {
                sq[i] = (double) w[i] * w[i];
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> sq[i]));
            float[] s = new float[w.length];
            double suffix = 0; // sum of the squares from this weight up to the largest
            for (int k = w.length - 1; k >= 0; k--) {
                suffix += sq[order[k]];
                s[order[k]] = suffix > 0 ? (float) (sq[order[k]] / suffix) : 0f;
            }
            scores.put(t.name(), context.manager().create(s, t.array().getShape()));
        }
        return scores;
    }
}
