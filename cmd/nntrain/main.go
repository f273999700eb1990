// Command nntrain trains multilayer perceptrons from a YAML spec and CSV
// data, and applies, scores, sizes and checks them. See README.md and the
// contract for the commands, flags and file formats.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	files := newCommitter()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first interrupt lets training finish its batch and stop
		// without writing; a second one, for someone who does not want
		// to wait for that, exits at once. Either way no output is
		// replaced: the exit waits for a rename in progress to end.
		<-sigs
		cancel()
		<-sigs
		committed, ckpt := files.abort()
		switch {
		case committed:
			// The outcome is a finished run: its status is success.
			fmt.Fprintln(os.Stderr, "\nnntrain: interrupted again: stopped at once, after the run's files had been written")
			os.Exit(exitOK)
		case ckpt != "":
			fmt.Fprintf(os.Stderr, "\nnntrain: interrupted again: stopped at once; the outputs were not changed; the last checkpoint, %s, is whole (resume with --resume)\n", ckpt)
		default:
			fmt.Fprintln(os.Stderr, "\nnntrain: interrupted again: stopped at once; no file was written or changed")
		}
		os.Exit(exitInterrupted)
	}()
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr, files)
	os.Exit(code)
}
