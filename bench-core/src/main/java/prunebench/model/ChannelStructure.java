package prunebench.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Channel dependency analysis: which output channels of a network can be removed, and what each removal takes
 * along ({@link ChannelGroup}). Walks the block tree in forward order following where each tensor's channel axis
 * comes from:
 * <ul>
 *   <li>every Conv/Linear layer's outputs form a group, read by the next Conv/Linear layer (its consumer);</li>
 *   <li>a BatchNorm in between normalises the group's channels and is pruned along;</li>
 *   <li>parameter-free blocks that keep the channel count (activations, pooling) pass channels through; a flatten of
 *       (C, H, W), or global pooling to (C), passes them on with H*W consecutive inputs per channel;</li>
 *   <li>channels that reach a residual addition stay. Of a ResNet {@link BasicBlock} only conv1's channels (the
 *       inner width) are prunable: the block's input (stem or previous block) and conv2's output meet the shortcut,
 *       and pruning them would mean pruning the whole stage's residual stream together;</li>
 *   <li>the classifier's outputs (the classes) stay; its inputs follow the last group;</li>
 *   <li>channels flowing into anything else (a grouped convolution, a Linear layer on a 4-d tensor, the network's
 *       output) stay.</li>
 * </ul>
 * A shape-preserving parameter-free block is assumed to act per channel, as activations and pooling do; a block
 * with parameters of any other kind is an error, not a guess.
 */
public final class ChannelStructure {
    private ChannelStructure() {}

    /** The prunable groups in forward order. */
    public static List<ChannelGroup> of(Network network) {
        return ChannelGroupFinder.of(network);
    }

    /**
     * One output channel of a Conv/Linear layer: row {@code channel} of {@code layer}'s weight.
     *
     * @param layer   the producer
     * @param channel the output channel (filter)
     */
    public record Filter(PrunableLayer layer, int channel) {}

    /**
     * The filters tied together by residual additions: each list holds the filters whose outputs are added into
     * one channel of a residual stream (the stem's filter c and every block's conv2 filter c of a stage with identity
     * shortcuts; across an option-A shortcut, filter c of one stage with filter c + pad of the next), in forward
     * order. These are the channels {@link #of} keeps because they meet an addition: removing one means removing all
     * of its list together (Gao et al. 2019's cross-layer groups). Only lists of two or more filters are returned; a
     * stream channel fed by one filter alone (a channel the option-A shortcut pads with zeros, not carried on by a
     * later stage) is not tied to any other.
     */
    public static List<List<Filter>> residualTies(Network network) {
        List<List<Filter>> out = new ArrayList<>();
        for (TiedGroup g : tiedGroups(network)) {
            out.add(g.members().stream().map(m -> new Filter(m.layer(), m.channel())).toList());
        }
        return out;
    }

    /**
     * The same lists as {@link #residualTies}, in the same order, each with what removing it takes along: every
     * member's bias and BatchNorm channel, and the input column of every layer that reads the stream channel (the
     * blocks' conv1, the classifier). A stream channel flows only through BatchNorm, activations, additions, option-A
     * shortcuts and pooling between its producers and its readers, so removing all its members zeroes it everywhere.
     */
    public static List<TiedGroup> tiedGroups(Network network) {
        return ResidualTieFinder.of(network);
    }
}
