package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import prunebench.config.ConfigException;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.util.Seeds;

/**
 * SET, Sparse Evolutionary Training (Mocanu et al. 2018, "Scalable training of artificial neural networks with
 * adaptive sparse connectivity inspired by network science", Nature Communications 9:2383), in two forms chosen by
 * {@code schedule}:
 *
 * <ul>
 *   <li>{@code rigl} (the default): SET as RigL's paper and code run it as a baseline (Evci et al. 2020,
 *       google-research/rigl {@code SparseSETOptimizer}): every {@code update_interval} steps (100) until
 *       {@code end_fraction} (0.75) of training, each layer drops the cosine-decayed {@code drop_fraction} (0.3) of
 *       its active weights with the lowest |w| and regrows as many ({@link PruneAndGrow}).
 *   <li>{@code mocanu}: the paper's own procedure, after every epoch but the last for the whole run, with the
 *       constant zeta = {@code drop_fraction}: each layer removes the fraction zeta of its smallest positive and,
 *       separately, of its largest negative weights and regrows as many ({@link SignedPruneAndGrow}, whose javadoc
 *       says where the counts differ from dcmocanu/sparse-evolutionary-artificial-neural-networks,
 *       SET-MLP-Keras-Weights-Mask/set_mlp_keras_cifar10.py {@code rewireMask}); {@code update_interval} and
 *       {@code end_fraction} must be left at their defaults (they play no part).
 * </ul>
 *
 * <p>Connections regrow uniformly at random, drawn in Java from the run's seed, the step and the tensor (so a resumed
 * run draws the same), among all but the kept ones. Regrown connections start at zero, as in the Keras script the
 * paper's MLP experiments follow (its sparse-matrix version draws them from N(0, 0.1^2) instead), and their optimizer
 * state (momentum, Adam moments) is reset via {@link prunebench.train.Optimizer#resetState}. The Keras script
 * recompiles its model after every rewiring, so there the momentum of every weight restarts each epoch; here that of
 * the kept connections carries over.
 */
public final class SparseEvolutionary extends DynamicSparseStrategy {
    static final String SCHEDULE = "schedule";
    static final String RIGL = "rigl";
    static final String MOCANU = "mocanu";

    @Override
    public String name() {
        return "set";
    }

    @Override
    public String description() {
        return "SET: random sparse init (ERK), drop lowest |w| (mocanu: per sign, per epoch), regrow at random";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> defaults = new TreeMap<>(super.parameterDefaults());
        defaults.put(SCHEDULE, RIGL);
        return Map.copyOf(defaults);
    }

    @Override
    public void validate(StrategyOptions options) {
        DropSchedule.validate(options);
        String schedule = options.getString(SCHEDULE);
        if (!RIGL.equals(schedule) && !MOCANU.equals(schedule)) {
            throw new ConfigException("strategy '" + options.strategy() + "': " + SCHEDULE + " must be '" + RIGL
                    + "' or '" + MOCANU + "', got '" + schedule + "'");
        }
        if (MOCANU.equals(schedule)) {
            Map<String, Object> defaults = super.parameterDefaults();
            for (String key : new String[] {DropSchedule.UPDATE_INTERVAL, DropSchedule.END_FRACTION}) {
                Object given = options.raw(key);
                if (!(given instanceof Number n) || n.doubleValue() != ((Number) defaults.get(key)).doubleValue()) {
                    throw new ConfigException("strategy '" + options.strategy() + "': " + key + " plays no part "
                            + "with " + SCHEDULE + ": " + MOCANU + " (it rewires after every epoch but the last); "
                            + "leave it out, got '" + given + "'");
                }
            }
        }
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        validate(context.options());
        GrowthScores growth = (target, step, scope) -> growthScores(context, target, step, scope);
        if (MOCANU.equals(context.options().getString(SCHEDULE))) {
            return RegrowingUpdater.everyEpoch(context, growth);
        }
        return super.maskUpdater(context);
    }

    @Override
    float[] growthScores(DynamicContext context, PruningTarget target, int step, NDManager scope) {
        Random random = new Random(Seeds.derive(context.seed(), "set/grow/" + step + "/" + target.name()));
        float[] scores = new float[Math.toIntExact(target.size())];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextFloat();
        }
        return scores;
    }
}
