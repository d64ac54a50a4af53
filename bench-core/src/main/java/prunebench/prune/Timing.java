package prunebench.prune;

/** When a strategy prunes. */
public enum Timing {
    /** Prune the dense pretrained model, then fine-tune. */
    PRETRAINED,
    /** Prune the freshly initialised model, then train sparse for pretrain + finetune epochs. */
    INIT
}
