package publish

import (
	"context"
	"sync"
	"time"

	"herald/internal/store"
)

// committer writes the outcomes of many publishing attempts in shared
// transactions (group commit): when hundreds of posts go out at the same
// instant, each outcome would otherwise wait for its own commit behind
// SQLite's single writer or a PostgreSQL round trip. A caller still returns
// only after its own change is committed, so nothing is reported done
// before it is durable. SQLite has one writer, so one goroutine writes;
// on PostgreSQL several write groups side by side.
type committer struct {
	st   *store.Store
	in   chan *commitReq
	stop chan struct{}
	wg   sync.WaitGroup
}

type commitReq struct {
	ctx context.Context
	fn  func(tx *store.Tx) error
	// pub, instead of fn, is a plain publication: those of a group are
	// written together in two statements (the common case at a busy instant).
	pub  *store.Publication
	done chan error
}

// maxGroup bounds how many outcomes share one transaction.
const maxGroup = 256

func newCommitter(st *store.Store) *committer {
	c := &committer{st: st, in: make(chan *commitReq, maxGroup), stop: make(chan struct{})}
	writers := 1
	if st.Dialect() == store.Postgres {
		writers = 4
	}
	for range writers {
		c.wg.Add(1)
		go c.loop()
	}
	return c
}

// do runs fn in a transaction shared with other waiting callers and
// returns fn's error or the commit's.
func (c *committer) do(ctx context.Context, fn func(tx *store.Tx) error) error {
	return c.send(&commitReq{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// published records a plain publication, sharing its statements with the
// others of its group.
func (c *committer) published(ctx context.Context, p store.Publication) error {
	return c.send(&commitReq{ctx: ctx, pub: &p, done: make(chan error, 1)})
}

func (c *committer) send(r *commitReq) error {
	select {
	case c.in <- r:
	case <-c.stop:
		return c.st.InTx(r.ctx, r.run)
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	return <-r.done
}

// run is the request on its own.
func (r *commitReq) run(tx *store.Tx) error {
	if r.pub != nil {
		_, err := tx.RecordPublications(r.ctx, []store.Publication{*r.pub}, time.Now().UTC())
		return err
	}
	return r.fn(tx)
}

// close writes what is queued and stops.
func (c *committer) close() {
	close(c.stop)
	c.wg.Wait()
}

func (c *committer) loop() {
	defer c.wg.Done()
	for {
		select {
		case r := <-c.in:
			group := []*commitReq{r}
		more:
			for len(group) < maxGroup {
				select {
				case r := <-c.in:
					group = append(group, r)
				default:
					break more
				}
			}
			c.write(group)
		case <-c.stop:
			for {
				select {
				case r := <-c.in:
					c.write([]*commitReq{r})
				default:
					return
				}
			}
		}
	}
}

// write commits a group in one transaction; when that fails, each runs on
// its own, so one caller's error never costs another its outcome.
func (c *committer) write(group []*commitReq) {
	if len(group) > 1 {
		err := c.st.InTx(context.Background(), func(tx *store.Tx) error {
			var pubs []store.Publication
			for _, r := range group {
				if r.pub != nil {
					pubs = append(pubs, *r.pub)
				} else if err := r.fn(tx); err != nil {
					return err
				}
			}
			_, err := tx.RecordPublications(context.Background(), pubs, time.Now().UTC())
			return err
		})
		if err == nil {
			for _, r := range group {
				r.done <- nil
			}
			return
		}
	}
	for _, r := range group {
		r.done <- c.st.InTx(r.ctx, r.run)
	}
}
