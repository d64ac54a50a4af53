package prunebench.strategies.agent;

import static prunebench.strategies.agent.Amc.ACTOR_LR;
import static prunebench.strategies.agent.Amc.BATCH;
import static prunebench.strategies.agent.Amc.CHANNEL_ROUND;
import static prunebench.strategies.agent.Amc.CRITIC_LR;
import static prunebench.strategies.agent.Amc.DISCOUNT;
import static prunebench.strategies.agent.Amc.EPISODES;
import static prunebench.strategies.agent.Amc.HIDDEN1;
import static prunebench.strategies.agent.Amc.HIDDEN2;
import static prunebench.strategies.agent.Amc.LBOUND;
import static prunebench.strategies.agent.Amc.MEMORY;
import static prunebench.strategies.agent.Amc.NOISE;
import static prunebench.strategies.agent.Amc.NOISE_DECAY;
import static prunebench.strategies.agent.Amc.REWARD;
import static prunebench.strategies.agent.Amc.TAU;
import static prunebench.strategies.agent.Amc.WARMUP;

import java.util.List;
import prunebench.config.ConfigException;
import prunebench.prune.StrategyOptions;

/** {@link Amc}'s keys checked, and read into the search's settings. */
final class AmcOptions {
    private AmcOptions() {
    }

    /** The amc-specific checks (the structured keys are checked by the strategy first). */
    static void validate(StrategyOptions o) {
        for (String key : List.of("scope", "distribution")) {
            if (o.has(key) && !o.getString(key).equalsIgnoreCase("global")) {
                throw new ConfigException(key + ": amc chooses each layer's fraction itself; only global is "
                        + "accepted, got '" + o.getString(key) + "'");
            }
        }
        if (o.has(prunebench.prune.Control.KEY) && o.getString(prunebench.prune.Control.KEY).equals("invert")) {
            throw new ConfigException("control: invert does not apply to amc: its scores only carry the agent's "
                    + "per-layer counts (shuffle and reinit do)");
        }
        if (o.has("iterations") && o.getInt("iterations") != 1) {
            throw new ConfigException("amc searches once from the network it is given: iterations must be 1");
        }
        if (!prunebench.prune.structured.LayerFractions.of(o).isEmpty()) {
            throw new ConfigException("amc chooses the layers' fractions itself: layer_fractions cannot be given");
        }
        if (o.getInt(EPISODES) < 1) {
            throw new ConfigException(EPISODES + " must be >= 1, got " + o.raw(EPISODES));
        }
        if (o.getInt(WARMUP) < 0) {
            throw new ConfigException(WARMUP + " must be >= 0, got " + o.raw(WARMUP));
        }
        double lbound = o.getDouble(LBOUND);
        if (!(lbound >= 0 && lbound <= 1)) {
            throw new ConfigException(LBOUND + " must be in [0, 1], got " + o.raw(LBOUND));
        }
        String reward = o.getString(REWARD);
        if (!reward.equals("acc") && !reward.equals("acc_flops")) {
            throw new ConfigException(REWARD + " must be 'acc' (the code's acc_reward) or 'acc_flops' "
                    + "(-error x log(FLOPs)), got '" + reward + "'");
        }
        for (String key : List.of(NOISE, ACTOR_LR, CRITIC_LR)) {
            if (!(o.getDouble(key) > 0)) {
                throw new ConfigException(key + " must be a positive number, got " + o.raw(key));
            }
        }
        for (String key : List.of(NOISE_DECAY, DISCOUNT, TAU)) {
            double v = o.getDouble(key);
            if (!(v >= 0 && v <= 1)) {
                throw new ConfigException(key + " must be in [0, 1], got " + o.raw(key));
            }
        }
        for (String key : List.of(HIDDEN1, HIDDEN2, BATCH, MEMORY, CHANNEL_ROUND)) {
            if (o.getInt(key) < 1) {
                throw new ConfigException(key + " must be >= 1, got " + o.raw(key));
            }
        }
    }

    static AmcSearch.Settings settings(StrategyOptions o) {
        return new AmcSearch.Settings(o.getInt(EPISODES), o.getInt(WARMUP), o.getDouble(LBOUND), o.getDouble(NOISE),
                o.getDouble(NOISE_DECAY), o.getInt(BATCH), o.getInt(MEMORY), o.getInt(CHANNEL_ROUND),
                o.getString(REWARD).equals("acc") ? AmcSearch.Reward.ACC : AmcSearch.Reward.ACC_FLOPS,
                new Ddpg.Settings(AmcSearch.STATE, o.getInt(HIDDEN1), o.getInt(HIDDEN2), o.getDouble(ACTOR_LR),
                        o.getDouble(CRITIC_LR), o.getDouble(TAU), o.getDouble(DISCOUNT)));
    }
}
