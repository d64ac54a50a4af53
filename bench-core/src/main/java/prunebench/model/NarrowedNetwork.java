package prunebench.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;

/**
 * A structurally pruned network rebuilt as a smaller real one: every Conv/Linear layer of a {@link ChannelGroup}
 * gets as many filters as channels survive, its BatchNorm as many channels and its consumers as many inputs, and
 * the surviving weights, biases and BatchNorm parameters and running statistics are copied. With the removed
 * channels zeroed (filter, bias, gamma and beta) in the source, the two compute the same function.
 *
 * <p>Channels read by a convolution are padded with all-zero channels to a multiple of {@value #CHANNEL_BLOCK}
 * when there are more than that (never beyond the original width). oneDNN computes convolutions in 16-channel
 * blocks on AVX-512 anyway, so this costs next to no time; and libtorch 2.7.1's float32 CPU convolution was found to
 * return wrong results for input channel counts above 16 that are not a multiple of 16 on an AMD EPYC (Zen 5,
 * AVX-512) machine, which a narrowed network would otherwise hit (e.g. 39 channels). Linear layers need no padding.
 *
 * <p>With tied groups removed ({@link TiedGroup}: whole residual-stream channels) the streams narrow too: the stem
 * and every conv2 of a stage keep the stream's surviving channels (padded as above, uniformly along the stage so that
 * the identity additions still match), every reader (the blocks' conv1, the classifier) the matching input columns,
 * and an option-A shortcut carries the kept channels of one stage onto the kept channels of the next, with zero
 * channels for those the next stage's blocks alone write (see {@link OptionAShortcut}).
 *
 * <p>A rebuild runs in three steps, one class each: {@link NarrowingPlan} decides which source channel every rebuilt
 * channel comes from, {@link NarrowedBlockCopier} copies the block tree at those widths, and
 * {@link SurvivingValueCopy} copies the surviving values into it.
 */
public final class NarrowedNetwork {
    static final int CHANNEL_BLOCK = 16;

    private NarrowedNetwork() {}

    /**
     * Builds the smaller network on {@code manager}.
     *
     * @param kept the surviving channels of every group, by group name, in increasing order
     */
    public static Network build(Network source, List<ChannelGroup> groups, Map<String, int[]> kept,
            NDManager manager) {
        return build(source, groups, kept, List.of(), new boolean[0], manager);
    }

    /**
     * The same with whole residual-stream channels removed too.
     *
     * @param ties     the tied groups that could go ({@link ChannelStructure#tiedGroups})
     * @param tiesKept which of them stay
     */
    public static Network build(Network source, List<ChannelGroup> groups, Map<String, int[]> kept,
            List<TiedGroup> ties, boolean[] tiesKept, NDManager manager) {
        for (ChannelGroup g : groups) {
            int[] k = kept.get(g.name());
            if (k == null || k.length == 0) {
                throw new IllegalArgumentException("group " + g.name() + " must keep at least one channel");
            }
        }
        NarrowingPlan plan = new NarrowingPlan(groups, kept, ties, tiesKept);
        NarrowedBlockCopier copier = new NarrowedBlockCopier(source, plan);
        Block block = copier.copy(source.block());
        Network target = Network.of(source.modelName(), new Architecture(block, copier.classifier()),
                source.inputShape(), source.numClasses(), manager);
        SurvivingValueCopy.copy(source, target, plan.rows(), plan.columns());
        return target;
    }
}
