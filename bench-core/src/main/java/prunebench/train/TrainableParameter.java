package prunebench.train;

import ai.djl.nn.Parameter;

/** A parameter the optimizer updates, with its unique name. */
public record TrainableParameter(String name, Parameter parameter) {}
