package links

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// The click journal. Redirects must not wait for the database, yet a click
// must survive a crash of the process, so each click is one line appended
// (O_APPEND, one write call) to this process's journal file
// <DataDir>/clicks/<instance>.journal. A write that returned is in the page
// cache and survives the process dying; only a machine crash can lose it.
//
// The flusher rotates the journal (renames it to <instance>.<n>.flushing and
// opens a fresh one), inserts the rotated file's clicks into the database
// and deletes the file. Every line carries a click ID, and inserts skip IDs
// already stored, so a crash after inserting and before deleting replays
// the file without counting anything twice.
//
// Each process holds an advisory lock on its own journal. At start a
// process adopts the journals nobody holds (their process died) and flushes
// every *.flushing file left behind.

const journalBatch = 500

// journal is one process's open click journal.
type journal struct {
	dir      string
	instance string
	mu       sync.RWMutex // writers share it; rotation takes it alone
	f        *os.File
	seq      atomic.Int64 // click IDs
	rot      int          // rotated files
}

func openJournal(dir string) (*journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("links: create click journal dir: %w", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	j := &journal{dir: dir, instance: hex.EncodeToString(b)}
	f, err := j.open()
	if err != nil {
		return nil, err
	}
	j.f = f
	return j, nil
}

func (j *journal) path() string { return filepath.Join(j.dir, j.instance+".journal") }

func (j *journal) open() (*os.File, error) {
	f, err := os.OpenFile(j.path(), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("links: open click journal: %w", err)
	}
	if err := lockFile(f, true); err != nil {
		f.Close()
		return nil, fmt.Errorf("links: lock click journal: %w", err)
	}
	return f, nil
}

// nextID returns a click ID unique across processes: the random instance
// plus a counter.
func (j *journal) nextID() string {
	return j.instance + "-" + strconv.FormatInt(j.seq.Add(1), 36)
}

// append writes one click as a single line with one write call.
func (j *journal) append(c model.Click) error {
	buf := make([]byte, 0, 96)
	buf = append(buf, c.ID...)
	buf = append(buf, '\t')
	buf = append(buf, c.LinkID...)
	buf = append(buf, '\t')
	buf = strconv.AppendInt(buf, c.At.UnixMicro(), 10)
	buf = append(buf, '\t')
	buf = append(buf, c.Referrer...)
	buf = append(buf, '\t', '0'+byte(b2i(c.Bot)), '\n')
	j.mu.RLock()
	_, err := j.f.Write(buf)
	j.mu.RUnlock()
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rotate moves the current journal aside for flushing when it has any
// clicks, and starts a new one.
func (j *journal) rotate() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if st, err := j.f.Stat(); err != nil || st.Size() == 0 {
		return err
	}
	j.rot++
	aside := filepath.Join(j.dir, fmt.Sprintf("%s.%d-%d.flushing", j.instance, time.Now().UnixNano(), j.rot))
	if err := os.Rename(j.path(), aside); err != nil {
		return fmt.Errorf("links: rotate click journal: %w", err)
	}
	f, err := j.open()
	if err != nil {
		return err
	}
	old := j.f
	j.f = f
	return old.Close()
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

// adoptOrphans renames the journals of processes that are gone to
// *.flushing files, so the next flush stores their clicks.
func (j *journal) adoptOrphans() error {
	names, err := filepath.Glob(filepath.Join(j.dir, "*.journal"))
	if err != nil {
		return err
	}
	for _, name := range names {
		if name == j.path() {
			continue
		}
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			continue // another process adopted it first
		}
		if lockFile(f, false) != nil {
			f.Close() // its process is alive
			continue
		}
		err = os.Rename(name, strings.TrimSuffix(name, ".journal")+".orphan-"+j.instance+".flushing")
		f.Close()
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("links: adopt click journal: %w", err)
		}
	}
	return nil
}

// parseLine reads one journal line; a torn last line (the process died in
// the middle of a write) does not parse and is skipped.
func parseLine(line string) (model.Click, bool) {
	f := strings.Split(line, "\t")
	if len(f) != 5 || f[0] == "" || f[1] == "" || (f[4] != "0" && f[4] != "1") {
		return model.Click{}, false
	}
	us, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return model.Click{}, false
	}
	return model.Click{ID: f[0], LinkID: f[1], At: time.UnixMicro(us).UTC(), Referrer: f[3], Bot: f[4] == "1"}, true
}

// Flush moves every journaled click into the database: it rotates this
// process's journal and stores each *.flushing file in the directory,
// deleting a file once all its clicks are stored. It is safe to call at any
// time and from several processes; clicks are stored once.
func (s *Service) Flush(ctx context.Context) error {
	if err := s.init(); err != nil {
		return err
	}
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if err := s.journal.rotate(); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(s.journal.dir, "*.flushing"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, name := range files {
		if err := s.flushFile(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) flushFile(ctx context.Context, name string) error {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil // another process flushed it
	} else if err != nil {
		return fmt.Errorf("links: open journal: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	batch := make([]model.Click, 0, journalBatch)
	stored := 0
	insert := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			n, err := tx.InsertClicks(ctx, batch)
			stored += n
			return err
		})
		batch = batch[:0]
		return err
	}
	for sc.Scan() {
		if c, ok := parseLine(sc.Text()); ok {
			batch = append(batch, c)
		}
		if len(batch) == journalBatch {
			if err := insert(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("links: read journal: %w", err)
	}
	if err := insert(); err != nil {
		return err
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("links: remove flushed journal: %w", err)
	}
	if stored > 0 {
		s.logger().Debug("clicks stored", "count", stored)
	}
	return nil
}

// Start replays the clicks journaled before a crash or by processes that
// are gone, then flushes the journal in the background every FlushInterval
// until Stop.
func (s *Service) Start(ctx context.Context) error {
	if err := s.init(); err != nil {
		return err
	}
	if err := s.journal.adoptOrphans(); err != nil {
		return err
	}
	if err := s.Flush(ctx); err != nil {
		return err
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.flushLoop()
	return nil
}

func (s *Service) flushLoop() {
	defer close(s.done)
	every := s.FlushInterval
	if every <= 0 {
		every = 2 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if err := s.Flush(ctx); err != nil {
				// The clicks stay in the journal; the next tick tries again.
				s.logger().Error("flush clicks", "err", err)
			}
			cancel()
		}
	}
}

// Stop ends the background flusher and flushes what is left; clicks that
// cannot be stored now stay in the journal for the next start.
func (s *Service) Stop(ctx context.Context) error {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop = nil
	}
	if s.journal == nil {
		return nil
	}
	return s.Flush(ctx)
}
