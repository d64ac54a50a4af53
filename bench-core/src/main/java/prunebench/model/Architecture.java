package prunebench.model;

import ai.djl.nn.Block;

/** An uninitialised network and the block that is its final classifier. */
public record Architecture(Block block, Block classifier) {}
