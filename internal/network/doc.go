// Package network is the multilayer perceptron itself: dense layers computing
// Z = A_prev·Wᵀ + B and A = g(Z) on whole batches, their backward passes, the
// activations and their derivatives, inverted dropout on training passes
// (masks from a seeded stream, Dropout), weight initialisation from a seeded
// *rand.Rand, and the matrix products (a worker pool over blocked kernels).
// The model.json file is internal/model's.
//
// All parameters of a network live in one flat slice (each layer's W, then
// its B), and so do their gradients, so an optimizer is one loop over it.
// Programming errors (mismatched shapes) panic with a "network: " prefix;
// bad files return errors.
package network
