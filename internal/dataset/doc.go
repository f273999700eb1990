// Package dataset reads CSV training and test data into row-major float64
// matrices for the trainer: features in X, one-hot classes or numeric targets
// in Y. For a float32 run (Config.Float32) the features are stored as float32
// instead, in X32, so that the largest matrix is never held in float64. It also holds the data-side helpers around a training run:
// normalisation statistics (Norm), the stratified validation split, per-epoch
// shuffling and batch gathering.
//
// The CSV dialect: a header row naming every column; comma separators; LF or
// CRLF line ends; an optional UTF-8 byte order mark; spaces and tabs around
// fields dropped; fields quoted with " may hold commas, line breaks and
// doubled quotes (kept as written inside the quotes); blank lines skipped.
// Numbers are what strconv.ParseFloat accepts, except NaN and ±Inf.
//
// The reader is hand-written for speed: the file is read whole, plain
// records take a fast path that parses numbers straight from the bytes
// (giving exactly strconv.ParseFloat's values) without allocating, and large
// files without quotes are read in parallel parts. Bad input is reported as
// an *Error naming the file, the line (the header is line 1) and the column.
package dataset
