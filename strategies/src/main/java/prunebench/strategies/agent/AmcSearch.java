package prunebench.strategies.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * AMC's search (mit-han-lab/amc {@code amc_search.py} {@code train} with {@code env/channel_pruning_env.py}): one
 * episode walks the prunable channel groups in network order; at each the agent sees the state embedding and gives a
 * fraction of the group's channels to keep, the environment clamps it so that the cost budget can still be met
 * ({@link Cost#maxFraction}, with the groups still to come at {@code lbound}), raises it to {@code lbound} and rounds
 * it to whole channels; after the last group the pruned network is scored on the validation split, and every step
 * of the episode is stored with that final reward. Episodes 0 .. warmup act uniformly at random and do not train;
 * later ones act by the actor plus truncated-normal noise of width noise x decay^(episode - warmup) and run one DDPG
 * update per stored step. The best-rewarded policy of all episodes is the result.
 *
 * <p>The state of step t (the code's {@code layer_embedding}): the layer that reads group t's channels (the code's
 * layer whose input channels the action prunes) as [t, type (0 conv, 1 linear), in channels, out channels, stride
 * (0 for linear), kernel size (1 for linear), weight count], each column min-max normalised over the steps (a
 * constant column left as it is), then [multiply-adds removed so far, multiply-adds of the layers after this one,
 * previous step's kept fraction], the first two as fractions of the dense network's multiply-adds; "removed so far"
 * counts the groups still to be decided at {@code lbound}, as the code's {@code _cur_reduced} does.
 */
final class AmcSearch {
    enum Reward { ACC, ACC_FLOPS }

    /** The code's search settings (names as in {@code amc_search.py} where they differ). */
    record Settings(int episodes, int warmup, double lbound, double noise, double noiseDecay, int batch,
            int memoryPerLayer, int channelRound, Reward reward, Ddpg.Settings agent) {}

    /** The best policy: channels each group keeps, its reward, accuracy and cost; and every episode's reward. */
    record Result(int[] kept, double reward, double accuracy, double cost, double[] rewards, double[] accuracies) {}

    /** Dimensions of the state. */
    static final int STATE = 10;

    private final Settings settings;
    private final double[][] embedding;
    private final int[] channels;
    private final int[] minimum;
    private final Cost constraint;
    private final double budget;
    private final Cost flops;
    private final double[] rest;

    /**
     * @param layers     per step, the raw static features [t, type, in, out, stride, kernel, weights]
     * @param channels   per group, its full width
     * @param minimum    per group, the fewest channels it may keep
     * @param constraint the cost the budget bounds (the pruner's measure)
     * @param budget     the largest constraint cost allowed
     * @param flops      multiply-adds (state features, the acc_flops reward)
     * @param rest       per step, the dense multiply-adds of the layers after its layer, as a fraction of all
     */
    AmcSearch(Settings settings, double[][] layers, int[] channels, int[] minimum, Cost constraint, double budget,
            Cost flops, double[] rest) {
        this.settings = settings;
        this.embedding = staticEmbedding(layers);
        this.channels = channels.clone();
        this.minimum = minimum.clone();
        this.constraint = constraint;
        this.budget = budget;
        this.flops = flops;
        this.rest = rest.clone();
    }

    /**
     * [t, type, in, out, stride, kernel, weights] per row, min-max normalised per column ((x - min) / (max - min);
     * a column whose max equals its min is left unchanged), then the three dynamic columns at 0, 0, 1.
     */
    static double[][] staticEmbedding(double[][] layers) {
        int rows = layers.length;
        double[][] e = new double[rows][STATE];
        for (int c = 0; c < STATE - 3; c++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] row : layers) {
                min = Math.min(min, row[c]);
                max = Math.max(max, row[c]);
            }
            for (int r = 0; r < rows; r++) {
                e[r][c] = max - min > 0 ? (layers[r][c] - min) / (max - min) : layers[r][c];
            }
        }
        for (double[] row : e) {
            row[STATE - 1] = 1;
        }
        return e;
    }

    /**
     * The code's {@code _action_wall}: the action clipped to [0, 1], lowered to the largest fraction that keeps the
     * budget reachable, then raised to {@code lbound} (the bound wins when the budget is already out of reach).
     */
    static double wall(double action, int g, double[] fractions, Cost constraint, double budget, double lbound) {
        double a = Math.min(1, Math.max(0, action));
        a = Math.min(a, constraint.maxFraction(g, fractions, budget));
        return Math.max(a, lbound);
    }

    /**
     * The code's {@code prune_kernel} count: max(round(c x a), 1) (round half to even, numpy's {@code around}), up to
     * a multiple of {@code round}, down to one if that passes c; here also at least the group's minimum.
     */
    static int channelsKept(double fraction, int c, int round, int minimum) {
        int d = Math.max((int) Math.rint(c * fraction), 1);
        d = (int) Math.ceil(d / (double) round) * round;
        if (d > c) {
            d = (c / round) * round;
        }
        return Math.max(Math.min(c, Math.max(d, minimum)), 1);
    }

    /** A truncated normal draw on [0, 1] around mu of width sigma, by rejection (exact). */
    static double truncatedNormal(double mu, double sigma, Random random) {
        if (!(sigma > 0)) {
            return Math.min(1, Math.max(0, mu));
        }
        while (true) {
            double x = mu + sigma * random.nextGaussian();
            if (x >= 0 && x <= 1) {
                return x;
            }
        }
    }

    Result run(ToDoubleFunction<int[]> accuracy, Random random) {
        int steps = channels.length;
        Ddpg agent = new Ddpg(settings.agent(), random);
        ReplayBuffer memory = new ReplayBuffer(settings.memoryPerLayer() * steps);
        double denseFlops = flops.dense(steps);
        double bestReward = Double.NEGATIVE_INFINITY;
        int[] best = null;
        double bestAcc = Double.NaN;
        double[] rewards = new double[settings.episodes()];
        double[] accuracies = new double[settings.episodes()];
        for (int episode = 0; episode < settings.episodes(); episode++) {
            double[] fractions = new double[steps];
            java.util.Arrays.fill(fractions, settings.lbound());
            int[] kept = new int[steps];
            List<double[]> states = new ArrayList<>();
            List<Double> actions = new ArrayList<>();
            double[] state = state(0, 0, 1);
            for (int t = 0; t < steps; t++) {
                double action;
                if (episode <= settings.warmup()) {
                    action = random.nextDouble();
                } else {
                    double delta = settings.noise() * Math.pow(settings.noiseDecay(), episode - settings.warmup());
                    action = truncatedNormal(agent.act(state), delta, random);
                }
                double a = wall(action, t, fractions, constraint, budget, settings.lbound());
                kept[t] = channelsKept(a, channels[t], settings.channelRound(), minimum[t]);
                fractions[t] = kept[t] / (double) channels[t];
                states.add(state);
                actions.add(action); // the code stores the agent's action, before the wall
                if (t + 1 < steps) {
                    state = state(t + 1, (denseFlops - flops.at(fractions)) / denseFlops, fractions[t]);
                }
            }
            double acc = accuracy.applyAsDouble(kept);
            double[] realised = new double[steps];
            for (int g = 0; g < steps; g++) {
                realised[g] = kept[g] / (double) channels[g];
            }
            double reward = settings.reward() == Reward.ACC ? acc
                    : -(1 - acc) * Math.log(flops.at(realised));
            rewards[episode] = reward;
            accuracies[episode] = acc;
            if (reward > bestReward) {
                bestReward = reward;
                best = kept.clone();
                bestAcc = acc;
            }
            for (int t = 0; t < steps; t++) {
                boolean done = t == steps - 1;
                memory.add(new Ddpg.Transition(states.get(t), actions.get(t), reward,
                        done ? states.get(t) : states.get(t + 1), done));
                if (episode > settings.warmup()) {
                    agent.update(memory.sample(settings.batch(), random));
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("amc: no episode had a finite reward (an empty validation split?)");
        }
        double[] r = new double[steps];
        for (int g = 0; g < steps; g++) {
            r[g] = best[g] / (double) channels[g];
        }
        return new Result(best, bestReward, bestAcc, constraint.at(r), rewards, accuracies);
    }

    /** The embedding of step t with its dynamic part: removed multiply-adds so far, the rest, the last action. */
    double[] state(int t, double reduced, double previous) {
        double[] s = embedding[t].clone();
        s[STATE - 3] = reduced;
        s[STATE - 2] = rest[t];
        s[STATE - 1] = previous;
        return s;
    }
}
