package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import prunebench.model.Network;
import prunebench.prune.PruningTarget;

/**
 * The controls' and rewinds' changes to a run's weights and masks: back to the seed's initialisation (a rewind to
 * step 0, the reinit control) and the kept entries moved to random positions (the shuffle control).
 */
final class WeightResets {
    private WeightResets() {}

    /** The seed's initial weights (every parameter), the masks applied. */
    static void reinitialise(Workspace ws, RunState state, long seed) {
        try (NDManager scope = state.manager.newSubManager()) {
            Network fresh = Network.create(ws.model(), ws.inputShape(), ws.data().numClasses(), scope, seed);
            fresh.allParameters().forEach((n, p) -> state.network.allParameters().get(n).getArray()
                    .set(p.getArray().toByteBuffer()));
        }
        state.masks.apply();
    }

    /** Moves each tensor's kept entries to random positions (Fisher-Yates, seeded per tensor), then applies them. */
    static void shuffle(RunState state, long seed) {
        List<PruningTarget> targets = state.masks.targets();
        for (int i = 0; i < targets.size(); i++) {
            NDArray mask = state.masks.get(targets.get(i).name());
            float[] m = mask.toFloatArray();
            Random random = new Random(seed * 1_000_003L + i);
            for (int j = m.length - 1; j > 0; j--) {
                int k = random.nextInt(j + 1);
                float x = m[j];
                m[j] = m[k];
                m[k] = x;
            }
            mask.set(FloatBuffer.wrap(m));
        }
        state.masks.apply();
    }
}
