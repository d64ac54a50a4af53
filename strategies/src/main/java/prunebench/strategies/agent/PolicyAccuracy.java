package prunebench.strategies.agent;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningTarget;
import prunebench.prune.structured.ChannelMasks;

/**
 * {@link Amc}'s reward: a candidate policy tried on masked copies of the pruned tensors, so the search never touches
 * the network's own weights between episodes.
 */
final class PolicyAccuracy {
    /** The evaluation batch (the evaluator's, which the search used before this class existed). */
    static final int EVAL_BATCH = 500;

    private PolicyAccuracy() {
    }

    /** Top-1 on the validation split of the network with only {@code kept} channels (weights left untouched). */
    static double accuracy(PruningContext context, List<ChannelGroup> groups, List<boolean[]> kept,
            BatchLoader validation) {
        try (NDManager episode = context.manager().newSubManager()) {
            Map<Parameter, NDArray> masked = new IdentityHashMap<>();
            for (Map.Entry<String, float[]> e : ChannelMasks.expanded(groups, kept, context.targets()).entrySet()) {
                PruningTarget t = targetOf(context, e.getKey());
                NDArray value = t.array();
                NDArray m = episode.create(e.getValue(), value.getShape()).toDevice(value.getDevice(), false)
                        .toType(value.getDataType(), false);
                m.muli(value);
                masked.put(t.parameter(), m);
            }
            return ValidationTop1.of(context.network(), validation, validation.order(0, 0, false), episode,
                    EVAL_BATCH, scope -> new MaskedStore(scope, masked));
        }
    }

    private static PruningTarget targetOf(PruningContext context, String name) {
        for (PruningTarget t : context.targets()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("no target " + name);
    }

    /** The network's own parameters, but the masked copies of the tensors a candidate policy prunes. */
    private static final class MaskedStore extends ParameterStore {
        private final Map<Parameter, NDArray> masked;

        MaskedStore(NDManager manager, Map<Parameter, NDArray> masked) {
            super(manager, false);
            this.masked = masked;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            NDArray m = masked.get(parameter);
            return m != null ? m : super.getValue(parameter, device, training);
        }
    }
}
