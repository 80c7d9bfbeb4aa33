package sandbox

import (
	"context"
	"sync"
	"time"
)

// tickFunc is one piece of background work, run once per Options.JobTick (e.g. moving queued
// jobs one step on). It should do a bounded amount of work in s.tx and return.
type tickFunc func(ctx context.Context, s *Server) error

// tickers is the background work of every feature, run in order on each tick. Phase-2 features
// (activation, directory sync) append theirs from an init function.
var tickers []tickFunc

// worker runs the tickers at the configured pace until the server closes.
type worker struct {
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (wk *worker) start(s *Server, tick time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	wk.cancel = cancel
	wk.done = make(chan struct{})
	go func() {
		defer close(wk.done)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.runTickers(ctx)
			}
		}
	}()
}

// runTickers runs every ticker once; errors are logged, not fatal.
func (s *Server) runTickers(ctx context.Context) {
	for _, f := range tickers {
		if err := f(ctx, s); err != nil && ctx.Err() == nil {
			s.log.Error("background work failed", "error", err)
		}
	}
}

func (wk *worker) stop() {
	wk.once.Do(func() {
		if wk.cancel != nil {
			wk.cancel()
			<-wk.done
		}
	})
}
