package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/awssql/awssql/fetch"
)

// progress keeps one line on stderr up to date while a statement fetches:
// targets done of planned, rows, calls, retries. It is cleared before
// output that shares the terminal begins, and at the end.
type progress struct {
	w     io.Writer
	sts   []*fetch.Stats // summed: the tables of a snapshot
	rows  *atomic.Int64
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	shown atomic.Bool
}

const progressEvery = 150 * time.Millisecond

func startProgress(w io.Writer, rows *atomic.Int64, sts ...*fetch.Stats) *progress {
	p := &progress{w: w, sts: sts, rows: rows, stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer close(p.done)
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			var done, planned, calls, retries int
			for _, st := range p.sts {
				s := st.Snapshot()
				done += s.Targets.OK + s.Targets.Failed + s.Targets.Ignored
				planned, calls, retries = planned+s.Targets.Planned, calls+s.TotalCalls(), retries+s.Retries
			}
			fmt.Fprintf(p.w, "\r\033[K%d/%d targets, %d rows, %d calls, %d retries",
				done, planned, p.rows.Load(), calls, retries)
			p.shown.Store(true)
		}
	}
}

// clear stops the line and erases it; later calls do nothing.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		<-p.done
		if p.shown.Load() {
			fmt.Fprint(p.w, "\r\033[K")
		}
	})
}
