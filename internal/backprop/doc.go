// Package backprop trains a network: the losses (mse, bce, cross_entropy,
// computed stably from the output layer's Z) and their dZ of the output
// layer, the l2 penalty, the optimizers (sgd, momentum, adam, each one loop
// over the network's flat parameters), and the epoch loop with batches,
// train and validation loss, per-epoch metrics and early stopping.
package backprop
