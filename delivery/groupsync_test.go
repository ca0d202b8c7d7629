package delivery

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGroupSync: every caller of groupSync returns only after a flush that began after the
// caller's own write, and concurrent callers share flushes. Each caller "writes" (takes the next
// number), then calls groupSync; the flush notes the highest number written when it began, and
// the caller checks that the flush it got covered its own number.
func TestGroupSync(t *testing.T) {
	var written, flushes atomic.Int64
	var mu sync.Mutex
	covered := map[int]int64{} // round -> highest write it covered
	done := map[int]bool{}     // rounds whose flush has ended
	round := 0
	key := fmt.Sprintf("test:%p", t)
	flush := func() error {
		mu.Lock()
		round++
		r := round
		covered[r] = written.Load()
		mu.Unlock()
		flushes.Add(1)
		time.Sleep(2 * time.Millisecond) // a disk round trip, during which others join the next round
		mu.Lock()
		done[r] = true
		mu.Unlock()
		return nil
	}
	const callers = 64
	var wg sync.WaitGroup
	errs := make(chan string, callers*5)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				mine := written.Add(1)
				if err := groupSync(key, flush); err != nil {
					errs <- err.Error()
					return
				}
				// A round that began after our write must have ended.
				mu.Lock()
				ok := false
				for r, c := range covered {
					if c >= mine && done[r] {
						ok = true
						break
					}
				}
				mu.Unlock()
				if !ok {
					errs <- fmt.Sprintf("write %d returned before any flush that began after it", mine)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := flushes.Load(); n >= callers*5 {
		t.Errorf("%d flushes for %d calls: concurrent callers did not share them", n, callers*5)
	} else {
		t.Logf("%d flushes served %d calls", n, callers*5)
	}
}

// TestGroupSyncError: the error of a flush reaches every caller it served.
func TestGroupSyncError(t *testing.T) {
	boom := fmt.Errorf("disk on fire")
	if err := groupSync(fmt.Sprintf("test:%p", t), func() error { return boom }); err != boom {
		t.Errorf("groupSync = %v, want the flush's error", err)
	}
}
