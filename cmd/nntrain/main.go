// Command nntrain trains multilayer perceptrons from a YAML spec and CSV
// data, and applies, scores, sizes and checks them. See README.md and the
// contract for the commands, flags and file formats.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
