package prunebench.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * A {@link SequentialBlock} whose children carry chosen names, so parameter names read like
 * {@code 04stage1_01block0_01conv1_weight} rather than {@code 04SequentialBlock_01BasicBlock_01Conv2d_weight}.
 * DJL prefixes each child with its two-digit position, which keeps names unique and ordered.
 */
final class NamedSequentialBlock extends SequentialBlock {
    NamedSequentialBlock add(String name, Block block) {
        addChildBlock(name, block);
        return this;
    }
}
