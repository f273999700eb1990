// Package dataset reads CSV training and test data into row-major float64
// matrices for the trainer: features in X, one-hot classes or numeric targets
// in Y. It also holds the data-side helpers that surround a training run:
// normalisation statistics (Norm), the stratified validation split, per-epoch
// shuffling and batch gathering.
//
// The CSV reader is hand-written for speed (the whole file is read into memory
// and numbers are parsed from byte slices without allocating), but it gives
// the same float64 values as strconv.ParseFloat. Bad input is reported as an
// *Error naming the file, the line (the header is line 1) and the column.
package dataset
