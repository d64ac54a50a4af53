package prunebench.model;

import java.util.List;

/**
 * The output channels of one Conv/Linear layer that structured pruning may remove, with everything a removed
 * channel takes along: its filter (row {@code c} of the producer's weight), its bias, its BatchNorm channel
 * (gamma, beta and running statistics), and the matching input channels of every consumer.
 *
 * @param producer  the layer whose output channels these are
 * @param bias      the producer's bias parameter name, or null
 * @param norm      the BatchNorm that normalises these channels, or null
 * @param consumers the layers that read these channels
 */
public record ChannelGroup(PrunableLayer producer, String bias, Norm norm, List<Consumer> consumers) {
    public ChannelGroup {
        consumers = List.copyOf(consumers);
    }

    /** BatchNorm parameter names: gamma and beta are trainable, the running statistics are not. */
    public record Norm(String gamma, String beta, String runningMean, String runningVar) {
        public List<String> all() {
            return List.of(gamma, beta, runningMean, runningVar);
        }
    }

    /**
     * A layer reading the group's channels. Its input channel {@code c} is the {@code factor} consecutive entries
     * {@code c*factor .. c*factor+factor-1} of its weight's dimension 1: 1 for a convolution, H*W for a Linear layer
     * after a flatten of (C, H, W).
     */
    public record Consumer(PrunableLayer layer, int factor) {}

    /** The producer's weight name, unique in the network. */
    public String name() {
        return producer.name();
    }

    public int channels() {
        return Math.toIntExact(producer.weightShape().get(0));
    }
}
