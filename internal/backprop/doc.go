// Package backprop trains a network: the losses (mse, bce, cross_entropy,
// computed stably from the output layer's Z) and their dZ of the output
// layer, the l2 penalty, gradient clipping, the optimizers (sgd, momentum,
// nesterov, adam, adamw, rmsprop as torch.optim has them, each one loop over
// the network's flat parameters), and the epoch loop (Trainer.Fit) with
// batches, train and validation loss and per-epoch metrics. Everything the
// loop carries between batches is one exported State that marshals and
// restores bit for bit (the dropout stream and the learning rate included);
// what watches or steers a run (early stopping, learning-rate schedules,
// progress) is a Callback.
package backprop
