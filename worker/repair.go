package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// pendingKey lists, by the time they were listed (Unix ms), the letters whose submission has
// not finished queuing their render task. Submit adds a letter before it writes anything else
// and removes it last; the repair sweep handles whatever a crash left in between.
const pendingKey = "postbud:pending"

// openKey lists the letters that have not ended, by the time of their last status change (Unix
// ms): the watchdog's work list.
const openKey = "postbud:open"

// staleAge is how long a letter may keep its status before the watchdog looks at it.
const staleAge = time.Minute

// repairLockKey makes one worker at a time run the sweep.
const repairLockKey = "postbud:repair:lock"

// Repair timing: a pending entry older than repairAge is a submission that died (a live Submit
// takes milliseconds); the sweep looks every repairEvery.
const (
	repairAge   = 10 * time.Second
	repairEvery = 5 * time.Second
	repairBatch = 500
)

// testHookSubmit, when a test sets it, runs after each step of Submit, named "pending",
// "record", "idempotency" and "task"; a panic in it models a process dying there.
var testHookSubmitFn func(step string)

func testHookSubmit(step string) {
	if testHookSubmitFn != nil {
		testHookSubmitFn(step)
	}
}

// enqueueRender queues letter l's render task (TaskID "render:"+id) from its sealed payload; a
// task already there is not an error.
func enqueueRender(ctx context.Context, c *asynq.Client, o Options, l *Letter, payload []byte) error {
	_, err := c.EnqueueContext(ctx, asynq.NewTask(TypeRender, payload),
		asynq.TaskID("render:"+l.ID), asynq.Queue(l.Priority.Queue()),
		asynq.MaxRetry(o.MaxRetry), asynq.Timeout(o.TaskTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue render task: %w", err)
	}
	return nil
}

// ensureTask queues the render task of a letter that is still queued, from the payload stored
// with its record. Its task may exist (then nothing happens: the TaskID is taken) or have been
// lost to a crash between the record and the task; a letter past queued has had its task.
func (c *Client) ensureTask(ctx context.Context, l *Letter) {
	if l.Status != StatusQueued {
		return
	}
	if err := requeue(ctx, c.rdb, c.asynq, c.o, l); err != nil {
		c.o.Logger.Warn("re-queue the render task of a queued letter", slog.String("letter", l.ID), slog.Any("error", err))
	}
}

// requeue queues a queued letter's render task from its stored payload.
func requeue(ctx context.Context, rdb redis.UniversalClient, c *asynq.Client, o Options, l *Letter) error {
	payload, err := rdb.Get(ctx, payloadKey(l.ID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("letter %s is queued but its payload is gone", l.ID)
	}
	if err != nil {
		return fmt.Errorf("read payload of letter %s: %w", l.ID, err)
	}
	return enqueueRender(ctx, c, o, l, payload)
}

// repairLoop runs the repair sweep every repairEvery until ctx ends; one worker process at a
// time sweeps (a lock in Redis).
func (s *Server) repairLoop(ctx context.Context) {
	t := time.NewTicker(repairEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := s.rdb.SetNX(ctx, repairLockKey, "1", repairEvery-time.Second).Result()
		if err != nil || !ok {
			continue
		}
		if n, err := s.repair(ctx, time.Now().Add(-repairAge)); err != nil {
			s.o.Logger.Warn("repair sweep", slog.Any("error", err))
		} else if n > 0 {
			s.o.Logger.Info("repair sweep re-queued letters a crashed submission left without a task", slog.Int("letters", n))
		}
		if n, err := s.watch(ctx, time.Now().Add(-staleAge)); err != nil {
			s.o.Logger.Warn("watchdog", slog.Any("error", err))
		} else if n > 0 {
			s.o.Logger.Warn("watchdog gave new tasks to letters whose task was lost (a Redis failover?)", slog.Int("letters", n))
		}
	}
}

// repair handles the pending entries listed before cutoff: a letter with a record that is still
// queued gets its render task (idempotent: the TaskID holds it once); an entry without a record
// (the submission died before writing one) or past queued is dropped. It returns how many
// tasks it queued.
func (s *Server) repair(ctx context.Context, cutoff time.Time) (int, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, pendingKey, &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(cutoff.UnixMilli(), 10), Count: repairBatch}).Result()
	if err != nil {
		return 0, fmt.Errorf("list pending submissions: %w", err)
	}
	queued := 0
	for _, id := range ids {
		l, err := s.records.get(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return queued, err
		case l.Status == StatusQueued:
			if err := requeue(ctx, s.rdb, s.asynq, s.o, l); err != nil {
				s.o.Logger.Error("repair: the letter cannot get its render task", slog.String("letter", id), slog.Any("error", err))
				if _, ferr := s.records.update(ctx, id, func(l *Letter) error {
					if l.Status != StatusQueued {
						return errUnchanged
					}
					l.Status, l.LastError = StatusFailed, "postbud lost the letter's case data after accepting it (a Redis failure); submit it again"
					return nil
				}); ferr != nil {
					return queued, ferr
				}
			} else {
				queued++
			}
		}
		if err := s.rdb.ZRem(ctx, pendingKey, id).Err(); err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// watch is the watchdog: a letter that has not changed status since cutoff and has neither a
// task in the queue (pending, active, scheduled for a retry, in a bulk group) nor a live worker
// on it lost its task, as when a Redis master died before replicating it; it gets a new one for
// its status. Letters that are merely waiting (a retry, a back-off) have their task and are
// looked at again a minute later. It returns how many letters got a task.
func (s *Server) watch(ctx context.Context, cutoff time.Time) (int, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, openKey, &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(cutoff.UnixMilli(), 10), Count: repairBatch}).Result()
	if err != nil {
		return 0, fmt.Errorf("list open letters: %w", err)
	}
	n := 0
	now := float64(time.Now().UnixMilli())
	for _, id := range ids {
		l, err := s.records.get(ctx, id)
		if errors.Is(err, ErrNotFound) || (err == nil && l.Status.Final()) {
			s.rdb.ZRem(ctx, openKey, id)
			continue
		}
		if err != nil {
			return n, err
		}
		if !s.hasTask(ctx, l) {
			s.recoverLetter(ctx, id, l.Worker)
			n++
		}
		s.rdb.ZAdd(ctx, openKey, redis.Z{Score: now, Member: id})
	}
	return n, nil
}

// hasTask reports whether letter l has a task Asynq knows of, or a live worker running it. It
// reads Asynq's task keys (asynq:{queue}:t:<task id>, the layout of the Asynq version go.mod
// pins; TestWatchdog checks it).
func (s *Server) hasTask(ctx context.Context, l *Letter) bool {
	if l.Worker != "" && alive(ctx, s.rdb, l.Worker) {
		if ok, err := s.rdb.SIsMember(ctx, inflightKey(l.Worker), l.ID).Result(); err != nil || ok {
			return true
		}
	}
	keys := []string{
		"asynq:{" + l.Priority.Queue() + "}:t:render:" + l.ID,
		"asynq:{" + QueueDeliver + "}:t:deliver:" + l.ID,
	}
	for _, q := range []string{l.Priority.Queue(), QueueDeliver} {
		keys = append(keys, "asynq:{"+q+"}:t:recover:"+l.ID+":"+strconv.Itoa(l.Attempts))
	}
	for _, k := range keys {
		// One key at a time: in a Cluster they live in different slots.
		if n, err := s.rdb.Exists(ctx, k).Result(); err != nil || n > 0 {
			return true
		}
	}
	return false
}
