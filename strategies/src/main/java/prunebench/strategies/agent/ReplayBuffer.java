package prunebench.strategies.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The replay memory: the last {@code limit} transitions (a ring), sampled uniformly, without replacement when it
 * holds at least a batch (the code's {@code random.sample}), with replacement otherwise.
 */
final class ReplayBuffer {
    private final Ddpg.Transition[] ring;
    private int next;
    private int size;

    ReplayBuffer(int limit) {
        ring = new Ddpg.Transition[limit];
    }

    void add(Ddpg.Transition t) {
        ring[next] = t;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    int size() {
        return size;
    }

    /** Transition {@code i}, oldest first. */
    Ddpg.Transition get(int i) {
        return ring[(next - size + i + ring.length) % ring.length];
    }

    List<Ddpg.Transition> sample(int batch, Random random) {
        List<Ddpg.Transition> out = new ArrayList<>(batch);
        if (size >= batch) {
            int[] idx = new int[size];
            for (int i = 0; i < size; i++) {
                idx[i] = i;
            }
            for (int i = 0; i < batch; i++) { // partial Fisher-Yates
                int j = i + random.nextInt(size - i);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
                out.add(get(idx[i]));
            }
        } else {
            for (int i = 0; i < batch; i++) {
                out.add(get(random.nextInt(size)));
            }
        }
        return out;
    }
}
