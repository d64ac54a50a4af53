package prunebench.model;

import java.util.List;

/**
 * One channel of a residual stream followed through a whole network: the filters whose outputs are added into it
 * (Gao et al. 2019's cross-layer group, {@link ChannelStructure#residualTies}) and the layers that read it. Removing
 * it zeroes every member's filter, bias, BatchNorm gamma and beta, so every addition it meets adds zeros to zeros
 * and the stream channel is exactly 0 wherever it is read; the readers' input columns of it are then dead.
 *
 * @param members the producers' filters, in forward order (the stem's, each block's conv2 of a stage, on through
 *                the option-A shortcuts at their shifted indices)
 * @param readers the layers reading the stream channel (each block's conv1, the classifier), with the column
 */
public record TiedGroup(List<Member> members, List<Reader> readers) {
    public TiedGroup {
        members = List.copyOf(members);
        readers = List.copyOf(readers);
    }

    /**
     * Filter {@code channel} of {@code layer}, with its bias parameter's name (null: none) and the BatchNorm that
     * normalises that layer's outputs (null: none).
     */
    public record Member(PrunableLayer layer, int channel, String bias, ChannelGroup.Norm norm) {}

    /**
     * Input channel {@code channel} of {@code layer}: the {@code factor} consecutive columns {@code channel*factor ..}
     * of its weight's dimension 1 (1 for a convolution or a Linear layer after global pooling).
     */
    public record Reader(PrunableLayer layer, int channel, int factor) {}
}
