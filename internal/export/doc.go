// Package export writes a trained model in formats that other programs run
// without nntrain: an ONNX graph that takes the raw source columns and holds
// the whole preprocessing (imputation, one-hot encoding, normalisation)
// before the dense layers, and a safetensors file of the weights with the
// rest of the model as metadata.
//
// It works on Model, a plain description of its own, so that it does not
// depend on how model.json is read; adapt.go builds one from the model type
// of the model package (model.json).
package export
